package org.nsvpn.namespacemanager.rtnl;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * A veth pair to create: {@code name} in the namespace of the socket that creates it, {@code
 * peerName} in {@code peerNamespace} (a namespace file such as {@code /run/netns/NAME}) or, when
 * that is empty, beside it.
 *
 * @param peerMac MAC of the peer end; the kernel picks a random one when empty
 * @param mtu MTU of both ends; the kernel default (1500) when empty
 * @param up create the end {@code name} administratively up (saves a request; the peer is always
 *     created down, as the kernel cannot open it before the pair is complete)
 */
public record VethPair(
    String name,
    String peerName,
    Optional<Path> peerNamespace,
    Optional<MacAddress> peerMac,
    OptionalInt mtu,
    boolean up) {

  public VethPair {
    HostBinding.requireInterfaceName("veth name", name);
    HostBinding.requireInterfaceName("veth peer name", peerName);
    if (name.equals(peerName) && peerNamespace.isEmpty()) {
      throw new InvalidValueException(
          "veth peer name", peerName, "must differ from the veth name in the same namespace");
    }
    if (peerMac.isPresent() && !peerMac.get().isUnicast()) {
      throw new InvalidValueException("veth peer mac", peerMac.get(), "must be a unicast address");
    }
    if (mtu.isPresent() && (mtu.getAsInt() < 68 || mtu.getAsInt() > 65535)) {
      throw new InvalidValueException("veth mtu", mtu.getAsInt(), "must be in 68..65535");
    }
  }

  /** A pair with its peer in the namespace at {@code peerNamespace}. */
  public static VethPair withPeerIn(String name, String peerName, Path peerNamespace) {
    return new VethPair(
        name, peerName, Optional.of(peerNamespace), Optional.empty(), OptionalInt.empty(), false);
  }

  public VethPair withPeerMac(MacAddress mac) {
    return new VethPair(name, peerName, peerNamespace, Optional.of(mac), mtu, up);
  }

  public VethPair withMtu(int value) {
    return new VethPair(name, peerName, peerNamespace, peerMac, OptionalInt.of(value), up);
  }

  /** The end {@code name} comes up as it is created. */
  public VethPair withUp() {
    return new VethPair(name, peerName, peerNamespace, peerMac, mtu, true);
  }
}
