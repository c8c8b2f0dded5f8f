package org.nsvpn.namespacemanager.xfrm;

import java.util.List;
import org.nsvpn.namespacemanager.netlink.Netlink;
import org.nsvpn.namespacemanager.netlink.NetlinkSocket;

/**
 * The XFRM database of the network namespace the underlying socket was opened in.
 *
 * <p>Thread-safe (requests are serialised on the socket). Closing closes the socket.
 */
public interface Xfrm extends AutoCloseable {

  /** Opens a {@code NETLINK_XFRM} socket in the calling thread's network namespace. */
  static Xfrm open() {
    return new SocketXfrm(NetlinkSocket.open(Netlink.NETLINK_XFRM));
  }

  /** Every SA, with counters ({@code curlft}) and statistics. */
  List<XfrmState> states();

  /** Every policy (main type), with counters. */
  List<XfrmPolicy> policies();

  /**
   * Adds a manually keyed SA.
   *
   * @throws TransformUnsupportedException when the kernel has no such transform (no ESP here)
   * @throws org.nsvpn.namespacemanager.netlink.NetlinkException for any other refusal
   */
  void addState(XfrmState state);

  /** Deletes the SA {@code id} (destination, SPI, protocol). */
  void deleteState(XfrmId id);

  /** Adds a policy; fails with EEXIST when one with the same selector and direction exists. */
  void addPolicy(XfrmPolicy policy);

  /** Deletes the policy with this selector and direction. */
  void deletePolicy(XfrmSelector selector, PolicyDirection direction);

  @Override
  void close();
}
