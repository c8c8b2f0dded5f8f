package org.nsvpn.agentplugin.datapath;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.nsvpn.agentplugin.datapath.DatapathStats.PortCounters;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.nsvpn.namespacemanager.packet.PacketSocket;
import org.nsvpn.simulator.Simulator;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Datapath} with one platform thread per bound interface. */
final class UserspaceDatapath implements Datapath {
  private static final Logger log = LoggerFactory.getLogger(UserspaceDatapath.class);
  static final long MAINTENANCE_MILLIS = 500;

  private final HostId host;
  private final SocketOpener opener;
  private final AtomicReference<Simulator> simulator;
  private final Map<PortId, PortWorker> workers = new ConcurrentHashMap<>();
  private final Map<PortId, String> unavailable = new ConcurrentHashMap<>();
  private final Map<PortId, Traffic> traffic = new ConcurrentHashMap<>();
  private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
  private final LongAdder notLocal = new LongAdder();
  private final LongAdder sendErrors = new LongAdder();
  private final LongAdder oversize = new LongAdder();
  private final Object lifecycle = new Object();
  private final ScheduledExecutorService maintenance =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "nsvpn-datapath-maintenance");
            t.setDaemon(true);
            return t;
          });
  private volatile State state = State.CREATED;

  UserspaceDatapath(HostId host, Topology topology, NetworkState state, SocketOpener opener) {
    this.host = Objects.requireNonNull(host, "host");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.simulator = new AtomicReference<>(Simulator.create(topology, state));
    for (DropReason reason : DropReason.values()) {
      drops.put(reason, new LongAdder());
    }
  }

  @Override
  public void start() {
    synchronized (lifecycle) {
      if (state != State.CREATED) {
        throw new IllegalStateException("datapath is " + state);
      }
      state = State.RUNNING;
      reconcile(simulator.get().topology());
      maintenance.scheduleWithFixedDelay(
          this::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Interfaces come and go under a binding that stays (a VPN namespace repaired after someone
   * deleted it gets a new veth of the same name). Every {@value #MAINTENANCE_MILLIS} ms: a worker
   * whose interface vanished or was re-created (another index) is replaced, and bindings that could
   * not be opened are tried again.
   */
  private void maintain() {
    synchronized (lifecycle) {
      if (state != State.RUNNING) {
        return;
      }
      for (Map.Entry<PortId, PortWorker> entry : Map.copyOf(workers).entrySet()) {
        PortWorker worker = entry.getValue();
        if (!worker.isCurrent()) {
          workers.remove(entry.getKey());
          worker.stop();
          log.info(
              "datapath: {} of port {} vanished or was re-created; reopening",
              worker.interfaceName(),
              entry.getKey());
        }
      }
      reconcile(simulator.get().topology());
    }
  }

  @Override
  public void update(Topology next) {
    synchronized (lifecycle) {
      if (state == State.CLOSED) {
        throw new IllegalStateException("datapath is closed");
      }
      simulator.set(simulator.get().withTopology(next));
      if (state == State.RUNNING) {
        reconcile(next);
      }
    }
  }

  /** Makes the running workers match the bindings of this host in {@code topology}. */
  private void reconcile(Topology topology) {
    Map<PortId, String> wanted = new HashMap<>();
    for (Port port : topology.ports()) {
      port.binding()
          .filter(b -> b.host().equals(host))
          .ifPresent(b -> wanted.put(port.id(), b.interfaceName()));
    }
    for (Map.Entry<PortId, PortWorker> entry : Map.copyOf(workers).entrySet()) {
      String interfaceName = wanted.get(entry.getKey());
      if (!entry.getValue().interfaceName().equals(interfaceName)) {
        workers.remove(entry.getKey());
        entry.getValue().stop();
        log.info(
            "datapath: unbound port {} from {}", entry.getKey(), entry.getValue().interfaceName());
      }
    }
    unavailable.keySet().retainAll(wanted.keySet());
    for (Map.Entry<PortId, String> entry : wanted.entrySet()) {
      if (workers.containsKey(entry.getKey())) {
        continue;
      }
      PacketSocket socket;
      try {
        socket = opener.open(entry.getValue());
      } catch (RuntimeException e) {
        if (unavailable.put(entry.getKey(), e.getMessage()) == null) {
          log.warn(
              "datapath: cannot open {} for port {}: {}",
              entry.getValue(),
              entry.getKey(),
              e.getMessage());
        }
        continue;
      }
      unavailable.remove(entry.getKey());
      PortWorker worker = new PortWorker(entry.getKey(), socket);
      workers.put(entry.getKey(), worker);
      worker.start();
      log.info("datapath: bound port {} to {}", entry.getKey(), entry.getValue());
    }
  }

  @Override
  public Map<PortId, String> boundPorts() {
    Map<PortId, String> out = new HashMap<>();
    workers.forEach((port, worker) -> out.put(port, worker.interfaceName()));
    return Map.copyOf(out);
  }

  @Override
  public Map<PortId, String> unavailable() {
    return Map.copyOf(unavailable);
  }

  @Override
  public DatapathStats stats() {
    Map<PortId, PortCounters> ports = new HashMap<>();
    traffic.forEach((port, t) -> ports.put(port, t.snapshot()));
    Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
    drops.forEach(
        (reason, count) -> {
          long n = count.sum();
          if (n > 0) {
            dropped.put(reason, n);
          }
        });
    return new DatapathStats(ports, dropped, notLocal.sum(), sendErrors.sum(), oversize.sum());
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      maintenance.shutdownNow();
      workers.values().forEach(PortWorker::stop);
      workers.clear();
    }
  }

  private Traffic trafficOf(PortId port) {
    return traffic.computeIfAbsent(port, p -> new Traffic());
  }

  /** Sends what one simulation emitted; runs on the receiving thread that simulated it. */
  private void transmit(SimulationResult result, byte[] scratch) {
    if (result instanceof SimulationResult.Drop drop) {
      drops.get(drop.reason()).increment();
    }
    for (Emission emission : result.emissions()) {
      PortWorker egress = workers.get(emission.port());
      if (egress == null) {
        notLocal.increment();
        continue;
      }
      emission.copyTo(scratch, 0);
      try {
        egress.socket.send(scratch, 0, emission.length());
        trafficOf(emission.port()).sent(emission.length());
      } catch (RuntimeException e) {
        sendErrors.increment();
        log.debug("datapath: send on {} failed: {}", egress.interfaceName(), e.getMessage());
      }
    }
  }

  /** Frame and byte counts of one port. */
  private static final class Traffic {
    final LongAdder rxFrames = new LongAdder();
    final LongAdder rxBytes = new LongAdder();
    final LongAdder txFrames = new LongAdder();
    final LongAdder txBytes = new LongAdder();

    void received(int length) {
      rxFrames.increment();
      rxBytes.add(length);
    }

    void sent(int length) {
      txFrames.increment();
      txBytes.add(length);
    }

    PortCounters snapshot() {
      return new PortCounters(rxFrames.sum(), rxBytes.sum(), txFrames.sum(), txBytes.sum());
    }
  }

  /** Reads one interface and runs what arrives through the simulator. */
  private final class PortWorker implements Runnable {
    final PortId port;
    final PacketSocket socket;
    final Thread thread;
    private volatile boolean running = true;

    PortWorker(PortId port, PacketSocket socket) {
      this.port = port;
      this.socket = socket;
      this.thread = new Thread(this, "nsvpn-datapath-" + socket.interfaceName());
      thread.setDaemon(true);
    }

    String interfaceName() {
      return socket.interfaceName();
    }

    /** True while the thread runs and the interface is still the one the socket was bound to. */
    boolean isCurrent() {
      if (!thread.isAlive()) {
        return false;
      }
      try {
        return Syscalls.interfaceIndex(socket.interfaceName()) == socket.interfaceIndex();
      } catch (RuntimeException e) {
        return false;
      }
    }

    void start() {
      thread.start();
    }

    /** Stops the thread (within the receive timeout) and closes the socket. */
    void stop() {
      running = false;
      if (Thread.currentThread() != thread) {
        try {
          thread.join(Datapath.RECEIVE_TIMEOUT_MILLIS * 20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      socket.close();
    }

    @Override
    public void run() {
      byte[] frame = new byte[PacketSocket.MAX_FRAME];
      byte[] scratch = new byte[PacketSocket.MAX_FRAME];
      Traffic counters = trafficOf(port);
      while (running) {
        int length;
        try {
          length = socket.receive(frame);
        } catch (RuntimeException e) {
          if (running) {
            log.warn(
                "datapath: receiving on {} failed, port {} stops: {}",
                interfaceName(),
                port,
                e.getMessage());
          }
          return;
        }
        if (length == -1) {
          continue;
        }
        if (length == -2) {
          oversize.increment();
          continue;
        }
        counters.received(length);
        transmit(simulator.get().simulate(port, frame, 0, length), scratch);
      }
    }
  }
}
