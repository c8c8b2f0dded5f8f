package org.nsvpn.simulator.device;

import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;

/** A port of the compiled snapshot, with what the hot path needs precomputed. */
final class PortSim {
  final Port port;
  final PortId id;
  final boolean up;
  final boolean bound;

  /** Set during linking: the owning device (exactly one) and the peer of an interior port. */
  RouterSim router;

  BridgeSim bridge;
  PortSim peer;

  /** Router ports only. */
  final long mac;

  final MacAddress macAddress;
  final int[] v4Address;
  final int[] v4Mask;

  /** The port's IPv6 addresses, with their subnets. */
  final List<InterfaceAddress> v6Addresses;

  PortSim(Port port) {
    this.port = port;
    this.id = port.id();
    this.up = port.adminStateUp();
    this.bound = port.binding().isPresent();
    if (port instanceof RouterPort rp) {
      macAddress = rp.mac();
      mac = macAddress.bits();
      int n = 0;
      for (InterfaceAddress a : rp.addresses()) {
        if (a.address() instanceof Ipv4Address) {
          n++;
        }
      }
      v4Address = new int[n];
      v4Mask = new int[n];
      int i = 0;
      for (InterfaceAddress a : rp.addresses()) {
        if (a.address() instanceof Ipv4Address v4) {
          v4Address[i] = v4.bits();
          v4Mask[i] = Ipv4Subnet.mask(a.prefixLength());
          i++;
        }
      }
      v6Addresses =
          rp.addresses().stream().filter(a -> a.address() instanceof Ipv6Address).toList();
    } else {
      macAddress = null;
      mac = -1;
      v4Address = new int[0];
      v4Mask = new int[0];
      v6Addresses = List.of();
    }
  }

  /** Whether {@code address} is one of the port's IPv6 addresses. */
  boolean hasV6(Ipv6Address address) {
    return v6Addresses.stream().anyMatch(a -> a.address().equals(address));
  }

  /** Whether {@code address} is on the link: in a subnet of the port, or link-local. */
  boolean v6OnLink(Ipv6Address address) {
    return address.isLinkLocal()
        || v6Addresses.stream().anyMatch(a -> a.subnet().contains(address));
  }

  /**
   * The address to solicit {@code neighbour} from: the port's address on its subnet, else a
   * link-local one, else any; empty when the port has no IPv6 address.
   */
  Optional<Ipv6Address> v6SourceFor(Ipv6Address neighbour) {
    return v6Addresses.stream()
        .filter(a -> a.subnet().contains(neighbour))
        .map(a -> (Ipv6Address) a.address())
        .findFirst()
        .or(
            () ->
                v6Addresses.stream()
                    .map(a -> (Ipv6Address) a.address())
                    .filter(Ipv6Address::isLinkLocal)
                    .findFirst())
        .or(() -> v6Addresses.stream().map(a -> (Ipv6Address) a.address()).findFirst());
  }

  boolean deviceUp() {
    return router != null ? router.router.adminStateUp() : bridge.bridge.adminStateUp();
  }

  /** Can a frame leave by this port now: up, and linked or bound. */
  boolean canEmit() {
    return up && (peer != null || bound);
  }

  boolean hasV4(int address) {
    for (int a : v4Address) {
      if (a == address) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code address} is inside one of this port's connected IPv4 subnets. */
  boolean v4OnLink(int address) {
    for (int i = 0; i < v4Address.length; i++) {
      if (((address ^ v4Address[i]) & v4Mask[i]) == 0) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code address} is the broadcast address of one of this port's subnets (< /31). */
  boolean isSubnetBroadcast(int address) {
    for (int i = 0; i < v4Address.length; i++) {
      int mask = v4Mask[i];
      if (mask != -1
          && mask != -2
          && ((address ^ v4Address[i]) & mask) == 0
          && (address | mask) == -1) {
        return true;
      }
    }
    return false;
  }

  /** The address to speak from towards {@code neighbour}: one on its subnet, else the first. */
  int v4SourceFor(int neighbour) {
    for (int i = 0; i < v4Address.length; i++) {
      if (((neighbour ^ v4Address[i]) & v4Mask[i]) == 0) {
        return v4Address[i];
      }
    }
    return v4Address[0];
  }

  boolean hasV4Address() {
    return v4Address.length > 0;
  }

  @Override
  public String toString() {
    return "port " + id;
  }
}
