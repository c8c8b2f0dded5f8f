package org.nsvpn.simulator.device;

import java.util.ArrayList;
import java.util.List;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.simulator.packet.Frame;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.state.MacTable;

/**
 * A bridge of the compiled snapshot: a learning L2 switch.
 *
 * <p>Inbound filter, then learning of the source MAC (per VLAN id; 0 when untagged), then the
 * destination: the MACs of router ports linked to this bridge are known from the topology and never
 * learned over; other unicast MACs go to the port they were learned on; broadcast, multicast and
 * unknown destinations are flooded to every other port. The outbound filter runs per egress port.
 * Frames pass unchanged (tags included).
 */
final class BridgeSim {
  final Bridge bridge;
  private final ChainId inboundFilter;
  private final ChainId outboundFilter;
  private final String inboundWhere;
  private final String outboundWhere;
  private PortSim[] ports = new PortSim[0];
  private long[] staticMacs = new long[0];
  private PortSim[] staticPorts = new PortSim[0];

  BridgeSim(Bridge bridge) {
    this.bridge = bridge;
    this.inboundFilter = bridge.inboundFilter().orElse(null);
    this.outboundFilter = bridge.outboundFilter().orElse(null);
    this.inboundWhere = "inbound filter of bridge " + bridge.name();
    this.outboundWhere = "outbound filter of bridge " + bridge.name();
  }

  /** Called once the ports' peers are linked. */
  void ports(List<PortSim> list) {
    ports = list.toArray(new PortSim[0]);
    List<PortSim> linked = new ArrayList<>();
    for (PortSim p : ports) {
      if (p.peer != null && p.peer.router != null) {
        linked.add(p);
      }
    }
    staticMacs = new long[linked.size()];
    staticPorts = new PortSim[linked.size()];
    for (int i = 0; i < linked.size(); i++) {
      staticMacs[i] = linked.get(i).peer.mac;
      staticPorts[i] = linked.get(i);
    }
  }

  private PortSim staticPort(long mac) {
    for (int i = 0; i < staticMacs.length; i++) {
      if (staticMacs[i] == mac) {
        return staticPorts[i];
      }
    }
    return null;
  }

  void receive(Walk walk, PortSim in, Frame f, EmissionKind kind) {
    if (!bridge.adminStateUp()) {
      walk.drop(DropReason.DEVICE_DOWN, "bridge " + bridge.name() + " is down");
      return;
    }
    walk.context.at(f, in.id, null);
    if (walk.applyChain(inboundFilter, inboundWhere, f, kind) != Walk.Next.CONTINUE) {
      return;
    }
    MacTable table = walk.state.macTable(bridge.id());
    int vlan = f.vlanId();
    long src = f.ethSrc();
    if (isUnicast(src) && staticPort(src) == null) {
      table.learn(vlan, src, in.id, walk.now());
    }
    long dst = f.ethDst();
    PortSim out = null;
    if (isUnicast(dst)) {
      out = staticPort(dst);
      if (out == null) {
        PortId learned = table.portOf(vlan, dst, walk.now());
        PortSim candidate = learned == null ? null : walk.network.port(learned);
        out = candidate != null && candidate.bridge == this ? candidate : null;
      }
    }
    if (out == null) {
      flood(walk, in, f, kind);
    } else if (out == in) {
      walk.drop(
          DropReason.SAME_PORT,
          f.ethDstAddress() + " was learned on " + in + ", where the frame came from");
    } else {
      send(walk, in, out, f, kind);
    }
  }

  private void send(Walk walk, PortSim in, PortSim out, Frame f, EmissionKind kind) {
    walk.context.at(f, in.id, out.id);
    if (walk.applyChain(outboundFilter, outboundWhere, f, kind) == Walk.Next.CONTINUE) {
      walk.egress(out, f, kind);
    }
  }

  private void flood(Walk walk, PortSim in, Frame f, EmissionKind kind) {
    int last = -1;
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] != in) {
        last = i;
      }
    }
    if (last < 0) {
      walk.drop(DropReason.NO_EGRESS, "bridge " + bridge.name() + " has no other port");
      return;
    }
    for (int i = 0; i <= last; i++) {
      if (ports[i] != in) {
        // Each branch gets its own view: a router on one branch rewrites its copy only.
        send(walk, in, ports[i], i == last ? f : f.copy(), kind);
      }
    }
  }

  private static boolean isUnicast(long mac) {
    return (mac & 0x0100_0000_0000L) == 0 && mac != 0;
  }
}
