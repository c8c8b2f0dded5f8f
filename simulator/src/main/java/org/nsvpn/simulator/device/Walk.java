package org.nsvpn.simulator.device;

import java.util.ArrayList;
import java.util.List;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.rules.Verdict;
import org.nsvpn.simulator.packet.Frame;
import org.nsvpn.simulator.packet.PacketContext;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;

/**
 * One simulation in progress: moves frames between ports and devices and collects what happens.
 * Used by one thread for one injected frame at a time; {@link Network} keeps one per thread and
 * resets it for each simulation, so the hot path allocates neither the walk nor the frame view.
 *
 * <p>The injected frame's fate decides the result: emitted anywhere (FORWARDED or REDIRECTED) gives
 * {@code Emit}; taken by a router gives {@code Consume}; waiting for ARP gives {@code Hold};
 * otherwise {@code Drop} with the first reason met. Packets the network generates travel the same
 * ports but never decide the result: where they are dropped, nothing is recorded.
 */
final class Walk {
  /**
   * The most device visits one simulation may make in all. {@link Network#maxHops} bounds a path;
   * this bounds the sum over every path, since floods in a meshed loop branch exponentially.
   */
  static final int MAX_VISITS = 4096;

  final PacketContext context = new PacketContext();

  /** The view of the injected frame, reused from one simulation to the next. */
  final Frame frame = new Frame();

  Network network;
  NetworkState state;

  /** True while a simulation uses this walk (guards against re-entrant use of a cached walk). */
  boolean busy;

  private final List<Emission> emissions = new ArrayList<>(4);
  private DropReason dropReason;
  private String dropDetail;
  private boolean carried;
  private boolean consumed;
  private boolean held;
  private boolean generating;
  private int depth;
  private int visits;
  private long now;
  private boolean haveNow;

  /** Prepares the walk for a new simulation. */
  void begin(Network network, NetworkState state) {
    this.network = network;
    this.state = state;
    this.busy = true;
    dropReason = null;
    dropDetail = null;
    carried = false;
    consumed = false;
    held = false;
    generating = false;
    depth = 0;
    visits = 0;
    haveNow = false;
  }

  /** Drops every reference to the simulation's objects, so that nothing is kept alive. */
  void end() {
    network = null;
    state = null;
    emissions.clear();
    frame.release();
    busy = false;
  }

  /** The state's ticker, read once per simulation. */
  long now() {
    if (!haveNow) {
      now = state.ticker().nanos();
      haveNow = true;
    }
    return now;
  }

  // ---- moving frames ------------------------------------------------------------------------

  /** A frame arrives at {@code port} from outside the port's device. */
  void ingress(PortSim port, Frame frame, EmissionKind kind) {
    if (!port.up) {
      drop(DropReason.INGRESS_PORT_DOWN, port + " is down");
      return;
    }
    if (depth >= network.maxHops) {
      drop(DropReason.TOO_MANY_HOPS, "crossed " + depth + " devices, the limit; a loop?");
      return;
    }
    if (++visits > MAX_VISITS) {
      drop(
          DropReason.TOO_MANY_HOPS,
          "visited " + MAX_VISITS + " devices in all, the limit; a flooding loop?");
      return;
    }
    depth++;
    try {
      if (port.router != null) {
        port.router.receive(this, port, frame, kind);
      } else {
        port.bridge.receive(this, port, frame, kind);
      }
    } finally {
      depth--;
    }
  }

  /** A frame leaves its device by {@code port}. */
  void egress(PortSim port, Frame frame, EmissionKind kind) {
    if (!port.up) {
      drop(DropReason.EGRESS_PORT_DOWN, port + " is down");
    } else if (port.peer != null) {
      ingress(port.peer, frame, kind);
    } else if (port.bound) {
      emit(port, frame.exportBytes(), kind);
    } else {
      drop(DropReason.EGRESS_PORT_UNBOUND, port + " is exterior and bound to no host interface");
    }
  }

  private void emit(PortSim port, byte[] bytes, EmissionKind kind) {
    emissions.add(Emission.adopt(port.id, bytes, kind));
    if (!generating && (kind == EmissionKind.FORWARDED || kind == EmissionKind.REDIRECTED)) {
      carried = true;
    }
  }

  /**
   * Sends a frame the network made (or released from an ARP queue) out of {@code port}. The walk
   * owns {@code bytes} from here on. Such frames were built here or accepted before, so their L4
   * checksums are not verified again (the frame may have been accepted with verification off).
   */
  void sendGenerated(PortSim port, byte[] bytes, EmissionKind kind) {
    Frame frame = new Frame();
    boolean valid = frame.parseAdopted(bytes, false);
    assert valid : "generated an invalid frame: " + frame.error() + ": " + frame.errorDetail();
    if (!valid) {
      return;
    }
    boolean was = generating;
    generating = true;
    try {
      egress(port, frame, kind);
    } finally {
      generating = was;
    }
  }

  // ---- chains -------------------------------------------------------------------------------

  /** What the device should do after a chain verdict. */
  enum Next {
    /** No terminal verdict, or accept: go on. */
    CONTINUE,
    /** Dropped, rejected or redirected: the device is done with the frame. */
    DONE,
    /** Rejected: the device is done, and a router answers ICMP administratively prohibited. */
    REJECTED
  }

  /**
   * Evaluates {@code chain} (null: none) with the context already set, and carries out drops and
   * redirects.
   */
  Next applyChain(ChainId chain, String where, Frame frame, EmissionKind kind) {
    if (chain == null) {
      return Next.CONTINUE;
    }
    Verdict verdict = network.evaluator.evaluate(chain, context, network.redirectAvailable);
    if (verdict instanceof Verdict.Redirect r) {
      redirect(r, where, frame);
      return Next.DONE;
    }
    if (verdict instanceof Verdict.Drop d) {
      drop(DropReason.FILTER_DROP, "rule " + d.rule() + " of the " + where);
      return Next.DONE;
    }
    if (verdict instanceof Verdict.Reject r) {
      drop(DropReason.FILTER_REJECT, "rule " + r.rule() + " of the " + where);
      return Next.REJECTED;
    }
    return Next.CONTINUE;
  }

  private void redirect(Verdict.Redirect r, String where, Frame frame) {
    PortSim target = network.port(r.action().targetPort());
    if (!Network.isAvailable(r.action(), target)) {
      drop(
          DropReason.REDIRECT_TARGET_UNAVAILABLE,
          "rule "
              + r.rule()
              + " of the "
              + where
              + " redirects to port "
              + r.action().targetPort()
              + ", which is "
              + (target == null
                  ? "not in the topology"
                  : !target.up || !target.deviceUp() ? "down" : "bound to no host interface"));
      return;
    }
    if (r.action().ingress()) {
      ingress(target, frame, EmissionKind.REDIRECTED);
    } else {
      egress(target, frame, EmissionKind.REDIRECTED);
    }
  }

  // ---- outcomes -----------------------------------------------------------------------------

  void drop(DropReason reason, String detail) {
    if (!generating && dropReason == null) {
      dropReason = reason;
      dropDetail = detail;
    }
  }

  void consumed() {
    if (!generating) {
      consumed = true;
    }
  }

  void held() {
    if (!generating) {
      held = true;
    }
  }

  SimulationResult result() {
    List<Emission> out = emissions;
    if (carried) {
      return new SimulationResult.Emit(out);
    }
    if (consumed) {
      return new SimulationResult.Consume(out);
    }
    if (held) {
      return new SimulationResult.Hold(out);
    }
    if (dropReason == null) {
      return new SimulationResult.Drop(DropReason.NO_EGRESS, "the frame reached no port", out);
    }
    return new SimulationResult.Drop(dropReason, dropDetail, out);
  }
}
