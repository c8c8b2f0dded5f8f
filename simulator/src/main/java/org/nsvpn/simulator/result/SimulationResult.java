package org.nsvpn.simulator.result;

import java.util.List;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;

/**
 * What the virtual network did with one injected frame. Every variant lists its {@link
 * #emissions()}: frames leaving exterior ports, in the order they were produced, including packets
 * the network generated (ARP requests and replies, ICMP). The variant says what became of the
 * injected frame itself.
 */
public sealed interface SimulationResult {

  /** Frames to send, in order. */
  List<Emission> emissions();

  /** The injected frame (or copies of it, when flooded) leaves the network. */
  record Emit(List<Emission> emissions) implements SimulationResult {
    public Emit {
      emissions = List.copyOf(Require.nonEmpty("emissions", emissions));
    }
  }

  /**
   * The network took the frame for itself: a router answered it (ARP, ICMP echo) or learned from it
   * (an ARP reply, which may release frames that waited for it).
   */
  record Consume(List<Emission> emissions) implements SimulationResult {
    public Consume {
      emissions = List.copyOf(Require.noNulls("emissions", emissions));
    }
  }

  /** The frame waits in a router's ARP cache for its next hop to be resolved. */
  record Hold(List<Emission> emissions) implements SimulationResult {
    public Hold {
      emissions = List.copyOf(Require.noNulls("emissions", emissions));
    }
  }

  /**
   * The frame was dropped; {@code detail} says where and why in words (a rule id, a checksum, a
   * port). Generated packets (ICMP errors) may still be emitted.
   */
  record Drop(DropReason reason, String detail, List<Emission> emissions)
      implements SimulationResult {
    public Drop {
      Require.nonNull("reason", reason);
      Require.nonNull("detail", detail);
      emissions = List.copyOf(Require.noNulls("emissions", emissions));
    }
  }

  /** The emissions leaving by {@code port}, in order. */
  default List<Emission> on(PortId port) {
    return emissions().stream().filter(e -> e.port().equals(port)).toList();
  }

  /** The packets the network generated (ARP, ICMP), in order. */
  default List<Emission> generated() {
    return emissions().stream().filter(e -> e.kind().generated()).toList();
  }
}
