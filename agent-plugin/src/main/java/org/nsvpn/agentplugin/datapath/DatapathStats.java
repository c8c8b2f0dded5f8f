package org.nsvpn.agentplugin.datapath;

import java.util.Map;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.simulator.result.DropReason;

/**
 * Counters of a datapath since it was created.
 *
 * @param ports per bound port: frames and bytes received from and sent to its interface
 * @param drops frames the virtual network dropped, by reason
 * @param notLocal emitted frames whose egress port is not bound on this host
 * @param sendErrors frames the kernel refused to send (interface down, too big, ...)
 * @param oversize received frames larger than a packet socket takes whole
 */
public record DatapathStats(
    Map<PortId, PortCounters> ports,
    Map<DropReason, Long> drops,
    long notLocal,
    long sendErrors,
    long oversize) {

  public DatapathStats {
    ports = Map.copyOf(ports);
    drops = Map.copyOf(drops);
  }

  /** Traffic of one bound port. */
  public record PortCounters(long rxFrames, long rxBytes, long txFrames, long txBytes) {
    public static final PortCounters ZERO = new PortCounters(0, 0, 0, 0);
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
