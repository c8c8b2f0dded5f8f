package org.nsvpn.namespacemanager.xfrm;

import java.util.List;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

/**
 * A security association: its {@code xfrm_usersa_info} and its algorithms.
 *
 * @param info selector, id, addresses, lifetimes, counters and statistics
 * @param algorithms encryption/authentication/AEAD algorithms with keys
 */
public record XfrmState(XfrmUserSaInfo info, List<XfrmAlgorithm> algorithms) {
  public XfrmState {
    Require.nonNull("SA info", info);
    algorithms = List.copyOf(Require.noNulls("SA algorithms", algorithms));
  }

  /**
   * A manually keyed SA from {@code source} to {@code destination}, for any traffic its policies
   * send it, without lifetime limits.
   */
  public static XfrmState manual(
      IpAddress source,
      IpAddress destination,
      int spi,
      int protocol,
      int mode,
      int reqid,
      List<XfrmAlgorithm> algorithms) {
    IpSubnet any = IpSubnet.containing(destination, 0);
    return new XfrmState(
        new XfrmUserSaInfo(
            XfrmSelector.between(any, any),
            new XfrmId(destination, spi, protocol),
            source,
            XfrmLifetimeConfig.UNLIMITED,
            XfrmLifetimeCurrent.ZERO,
            XfrmStats.ZERO,
            0,
            reqid,
            mode,
            32,
            0),
        algorithms);
  }

  public XfrmId id() {
    return info.id();
  }

  /** Bytes, packets, add and use time. */
  public XfrmLifetimeCurrent current() {
    return info.current();
  }

  public XfrmStats stats() {
    return info.stats();
  }
}
