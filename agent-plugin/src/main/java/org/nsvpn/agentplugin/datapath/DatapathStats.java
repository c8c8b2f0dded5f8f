package org.nsvpn.agentplugin.datapath;

import java.util.Map;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.simulator.result.DropReason;

/**
 * Counters of a datapath since it was created.
 *
 * @param ports per bound port: frames and bytes received from and sent to its interface (frames
 *     from the overlay included)
 * @param drops frames the virtual network dropped, by reason
 * @param notLocal emitted frames whose egress port is bound neither here nor on a host the overlay
 *     reaches
 * @param sendErrors frames the kernel refused to send (interface down, too big, ...)
 * @param oversize received frames larger than a packet socket takes whole
 * @param simulated frames this host simulated: exactly those received on its own interfaces, never
 *     those that came over the overlay
 * @param overlay frames tunnelled to and received from other hosts
 * @param fenced frames dropped because their port was held by the session fence (received on it, or
 *     to be sent on it)
 * @param offloads what the datapath did for frames that kept the kernel's offloads
 */
public record DatapathStats(
    Map<PortId, PortCounters> ports,
    Map<DropReason, Long> drops,
    long notLocal,
    long sendErrors,
    long oversize,
    long simulated,
    OverlayCounters overlay,
    long fenced,
    OffloadCounters offloads) {

  public DatapathStats {
    ports = Map.copyOf(ports);
    drops = Map.copyOf(drops);
  }

  /** Traffic of one bound port. */
  public record PortCounters(long rxFrames, long rxBytes, long txFrames, long txBytes) {
    public static final PortCounters ZERO = new PortCounters(0, 0, 0, 0);
  }

  /**
   * The overlay's share.
   *
   * @param traffic tx: inner frames tunnelled to other hosts; rx: inner frames received from them
   *     and emitted here
   * @param drops underlay packets dropped, by reason
   */
  public record OverlayCounters(PortCounters traffic, Map<OverlayDrop, Long> drops) {
    public OverlayCounters {
      drops = Map.copyOf(drops);
    }

    /** Drops for {@code reason}. */
    public long drops(OverlayDrop reason) {
      return drops.getOrDefault(reason, 0L);
    }
  }

  /**
   * Work the interfaces' offloads left to the datapath.
   *
   * @param completedChecksums partial checksums completed before simulation
   * @param gsoFrames super-frames received (each simulated once, whatever its size)
   * @param handedOn super-frames sent on with their header, for the kernel to segment
   * @param segments segments cut here, for egresses that take whole frames only (the overlay)
   * @param drops received frames dropped because of their virtio-net header, by reason
   */
  public record OffloadCounters(
      long completedChecksums,
      long gsoFrames,
      long handedOn,
      long segments,
      Map<OffloadDrop, Long> drops) {
    public OffloadCounters {
      drops = Map.copyOf(drops);
    }

    /** Drops for {@code reason}. */
    public long drops(OffloadDrop reason) {
      return drops.getOrDefault(reason, 0L);
    }
  }

  /** The counters of {@code port}, zero when it was never bound. */
  public PortCounters port(PortId port) {
    return ports.getOrDefault(port, PortCounters.ZERO);
  }

  /** Drops for {@code reason}. */
  public long drops(DropReason reason) {
    return drops.getOrDefault(reason, 0L);
  }
}
