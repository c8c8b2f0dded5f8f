package org.nsvpn.agentplugin.datapath;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.nsvpn.agentplugin.DaemonThreads;
import org.nsvpn.agentplugin.datapath.DatapathStats.PortCounters;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.nsvpn.namespacemanager.packet.FrameBatch;
import org.nsvpn.namespacemanager.packet.PacketPoller;
import org.nsvpn.namespacemanager.packet.PacketSocket;
import org.nsvpn.namespacemanager.packet.VirtioNetHeader;
import org.nsvpn.simulator.Simulator;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.topology.TunnelKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Datapath} with one platform thread that polls every bound interface's socket. Under load
 * it goes from socket to socket without sleeping; with one thread per interface, every frame woke a
 * thread, and a 2-core host spent more time switching threads than moving frames (measured:
 * docs/performance.md, "agent end to end").
 *
 * <p>System calls are batched: each turn on a socket takes the frames queued on it (up to {@value
 * #BATCH}, and about {@link #BATCH_BYTES} bytes) with one recvmmsg, and the frames a turn emits
 * leave with one sendmmsg per run of frames to the same interface ({@link Outbox}). Frames keep
 * their offloads (see {@link Offloads}).
 *
 * <p>Sockets are opened by whoever changes the bindings (start, update, maintenance, under {@code
 * lifecycle}) and closed only by the polling thread, once it no longer polls them, so that a
 * descriptor is never closed (and reused) under a poll or a send.
 */
final class UserspaceDatapath implements Datapath {
  private static final Logger log = LoggerFactory.getLogger(UserspaceDatapath.class);
  static final long MAINTENANCE_MILLIS = 500;

  /**
   * The most interfaces whose index one maintenance pass looks up (a system call each): with 2,000
   * bound interfaces (1,000 routers) a lookup of every one every pass was 4,000 system calls a
   * second. More interfaces than that are looked up in turn: with n of them, each one every n /
   * {@value} passes (2 s at 2,000 interfaces).
   */
  static final int INDEX_CHECKS_PER_PASS = 500;

  /** Frames taken from one socket before the next socket's turn. */
  private static final int BATCH = 64;

  private static final int POLL_TIMEOUT_MILLIS = 200;

  /**
   * Bytes a socket turn takes and the outbox gathers before sending: {@link #BATCH} frames of up to
   * 2 KiB, but only two 64 KiB super-frames. Batching saves a system call per frame, which is what
   * small frames cost; super-frames cost their bytes, and they are better sent on while the
   * receiver can already work on them and read while they are still in the cache.
   */
  private static final int BATCH_BYTES = 2 * PacketSocket.BUFFER;

  /** Frames received on the underlay and waiting for the polling thread to emit them. */
  private static final int DELIVERY_QUEUE = 4096;

  private final HostId host;
  private final SocketOpener opener;
  private final AtomicReference<Simulator> simulator;
  private final Optional<Underlay> underlay;
  private volatile OverlayView overlay;
  private final BlockingQueue<Delivery> deliveries = new ArrayBlockingQueue<>(DELIVERY_QUEUE);
  private final AtomicBoolean deliveryWakeUp = new AtomicBoolean();
  private final Thread underlayLoop = new Thread(this::receiveUnderlay, "nsvpn-underlay");
  private final LongAdder simulated = new LongAdder();
  private final Traffic overlayTraffic = new Traffic();
  private final Map<OverlayDrop, LongAdder> overlayDrops = new EnumMap<>(OverlayDrop.class);
  private final Map<PortId, Bound> bound = new ConcurrentHashMap<>();
  private final Queue<Bound> retired = new ConcurrentLinkedQueue<>();
  private volatile List<Bound> polled = List.of();
  private final Map<PortId, String> unavailable = new ConcurrentHashMap<>();
  private final Map<PortId, Traffic> traffic = new ConcurrentHashMap<>();
  private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
  private final LongAdder notLocal = new LongAdder();
  private final LongAdder sendErrors = new LongAdder();
  private final LongAdder oversize = new LongAdder();
  private final LongAdder fenced = new LongAdder();
  private final Map<OffloadDrop, LongAdder> offloadDrops = new EnumMap<>(OffloadDrop.class);
  private final LongAdder completedChecksums = new LongAdder();
  private final LongAdder gsoFrames = new LongAdder();
  private final LongAdder handedOn = new LongAdder();
  private final LongAdder segments = new LongAdder();

  /** Ports held by the session fence (see {@link #hold}). */
  private final Set<PortId> held = ConcurrentHashMap.newKeySet();

  private final Object lifecycle = new Object();
  private final ScheduledExecutorService maintenance =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nsvpn-datapath-maintenance"));
  private final PacketPoller poller = PacketPoller.open();
  private final Thread loop = new Thread(this::run, "nsvpn-datapath");

  /** Largest UDP payload in IPv4. */
  private static final int MAX_UDP_PAYLOAD = 65_507;

  /** Frames received from one socket in one system call; the polling thread's. */
  private final FrameBatch received = FrameBatch.forReceiving(BATCH);

  /** Frames to send, gathered per egress; the polling thread's. */
  private final Outbox<Bound> outbox =
      new Outbox<>(BATCH, BATCH_BYTES, b -> b.socket, this::settle);

  /** Tags of frames in the {@link #outbox}: what else to count once the kernel took one. */
  private static final int PLAIN = 0;

  private static final int HANDED_ON = 1;
  private static final int FROM_OVERLAY = 2;

  /** The polling thread's buffer for the segments of a super-frame cut in software. */
  private final byte[] segmentBuffer = new byte[PacketSocket.MAX_FRAME];

  /** The polling thread's buffer for outgoing VXLAN packets. */
  private final ByteBuffer tunnelBuffer = ByteBuffer.allocateDirect(MAX_UDP_PAYLOAD);

  /** Callers of {@link #whenReading}, under {@code lifecycle}. */
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(PortId port, String interfaceName, CompletableFuture<Void> done) {}

  private volatile State state = State.CREATED;

  /** Guarded by lifecycle. */
  private boolean socketsClosed;

  /** Where the next maintenance pass starts looking up interfaces; guarded by lifecycle. */
  private int nextIndexCheck;

  UserspaceDatapath(
      HostId host,
      Topology topology,
      NavigableMap<TunnelKey, PortId> tunnelKeys,
      NetworkState state,
      SocketOpener opener,
      Optional<Underlay> underlay) {
    this.host = Objects.requireNonNull(host, "host");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.underlay = Objects.requireNonNull(underlay, "underlay");
    this.simulator = new AtomicReference<>(Simulator.create(topology, state));
    this.overlay = OverlayView.of(host, topology, tunnelKeys, underlay);
    for (DropReason reason : DropReason.values()) {
      drops.put(reason, new LongAdder());
    }
    for (OverlayDrop reason : OverlayDrop.values()) {
      overlayDrops.put(reason, new LongAdder());
    }
    for (OffloadDrop reason : OffloadDrop.values()) {
      offloadDrops.put(reason, new LongAdder());
    }
    loop.setDaemon(true);
    underlayLoop.setDaemon(true);
  }

  @Override
  public void start() {
    synchronized (lifecycle) {
      if (state != State.CREATED) {
        throw new IllegalStateException("datapath is " + state);
      }
      state = State.RUNNING;
      reconcile(simulator.get().topology());
      loop.start();
      if (underlay.isPresent()) {
        underlayLoop.start();
      }
      maintenance.scheduleWithFixedDelay(
          this::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Interfaces come and go under a binding that stays (a VPN namespace repaired after someone
   * deleted it gets a new veth of the same name). Every {@value #MAINTENANCE_MILLIS} ms: a socket
   * that failed is replaced, and so is one whose interface vanished or was re-created (another
   * index), looked up for at most {@value #INDEX_CHECKS_PER_PASS} interfaces a pass, in turn; and
   * bindings that could not be opened are tried again. A socket whose interface is deleted fails at
   * its next receive, so it is replaced at the next pass whatever the number of interfaces.
   */
  private void maintain() {
    synchronized (lifecycle) {
      if (state != State.RUNNING) {
        return;
      }
      maintainLocked();
    }
  }

  private void maintainLocked() {
    List<Bound> all = List.copyOf(bound.values());
    int checks = Math.min(all.size(), INDEX_CHECKS_PER_PASS);
    int first = all.isEmpty() ? 0 : nextIndexCheck % all.size();
    nextIndexCheck = first + checks;
    boolean retired = false;
    for (int i = 0; i < all.size(); i++) {
      Bound b = all.get(i);
      int turn = Math.floorMod(i - first, all.size());
      if (b.failed || (turn < checks && !b.isCurrent())) {
        retire(b);
        retired = true;
        log.info(
            "datapath: {} of port {} vanished or was re-created; reopening",
            b.interfaceName(),
            b.port);
      }
    }
    if (retired || !unavailable.isEmpty()) {
      reconcile(simulator.get().topology());
    } else {
      wakeWaiters();
    }
  }

  @Override
  public void update(Topology next, NavigableMap<TunnelKey, PortId> tunnelKeys) {
    synchronized (lifecycle) {
      if (state == State.CLOSED) {
        throw new IllegalStateException("datapath is closed");
      }
      simulator.set(simulator.get().withTopology(next));
      overlay = OverlayView.of(host, next, tunnelKeys, underlay);
      if (state == State.RUNNING) {
        reconcile(next);
      }
    }
  }

  /**
   * {@link #maintainLocked} for one port: what a provisioning router waits for costs the same
   * whatever the number of bound ports (with every port checked, each of 1,000 routers paid for an
   * interface lookup per bound port and an attempt to open every binding not yet openable).
   */
  private void maintainPortLocked(PortId port) {
    Topology topology = simulator.get().topology();
    Optional<String> wanted =
        topology
            .port(port)
            .flatMap(Port::binding)
            .filter(b -> b.host().equals(host))
            .map(HostBinding::interfaceName);
    Bound b = bound.get(port);
    if (b != null && !wanted.equals(Optional.of(b.interfaceName()))) {
      retire(b);
      log.info("datapath: unbound port {} from {}", b.port, b.interfaceName());
      b = null;
    }
    if (b != null && !b.isCurrent()) {
      retire(b);
      log.info(
          "datapath: {} of port {} vanished or was re-created; reopening", b.interfaceName(), port);
      b = null;
    }
    if (b == null && wanted.isPresent()) {
      if (open(port, wanted.get())) {
        publish();
      }
    } else if (wanted.isEmpty()) {
      unavailable.remove(port);
    }
    wakeWaiters();
  }

  /** Opens and polls {@code interfaceName} for {@code port}; false (and noted) when it cannot. */
  private boolean open(PortId port, String interfaceName) {
    PacketSocket socket;
    try {
      socket = opener.open(interfaceName);
    } catch (RuntimeException e) {
      if (unavailable.put(port, e.getMessage()) == null) {
        log.warn("datapath: cannot open {} for port {}: {}", interfaceName, port, e.getMessage());
      }
      return false;
    }
    unavailable.remove(port);
    bound.put(port, new Bound(port, socket, trafficOf(port)));
    log.info("datapath: bound port {} to {}", port, interfaceName);
    return true;
  }

  /** Makes the polled sockets match the bindings of this host in {@code topology}. */
  private void reconcile(Topology topology) {
    Map<PortId, String> wanted = new HashMap<>();
    for (Port port : topology.ports()) {
      port.binding()
          .filter(b -> b.host().equals(host))
          .ifPresent(b -> wanted.put(port.id(), b.interfaceName()));
    }
    for (Bound b : List.copyOf(bound.values())) {
      if (!b.interfaceName().equals(wanted.get(b.port))) {
        retire(b);
        log.info("datapath: unbound port {} from {}", b.port, b.interfaceName());
      }
    }
    unavailable.keySet().retainAll(wanted.keySet());
    boolean opened = false;
    for (Map.Entry<PortId, String> entry : wanted.entrySet()) {
      if (!bound.containsKey(entry.getKey())) {
        opened |= open(entry.getKey(), entry.getValue());
      }
    }
    if (opened) {
      publish();
    }
    wakeWaiters();
  }

  @Override
  public CompletableFuture<Void> whenReading(PortId port, String interfaceName) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (lifecycle) {
      if (state == State.CLOSED) {
        done.completeExceptionally(new IllegalStateException("datapath is closed"));
        return done;
      }
      waiters.add(new Waiter(port, interfaceName, done));
      if (state == State.RUNNING) {
        maintainPortLocked(port);
      }
    }
    return done;
  }

  /** Completes the waiters whose port is now read on its current interface. */
  private void wakeWaiters() {
    waiters.removeIf(
        w -> {
          if (w.done().isDone()) {
            return true;
          }
          Bound b = bound.get(w.port());
          if (b != null && b.interfaceName().equals(w.interfaceName()) && b.isCurrent()) {
            w.done().complete(null);
            return true;
          }
          return false;
        });
  }

  /** Stops polling {@code b}; the polling thread closes it (see the class comment). */
  private void retire(Bound b) {
    bound.remove(b.port, b);
    publish();
    retired.add(b);
    poller.wakeUp();
  }

  /** Hands the polling thread the current set of sockets. */
  private void publish() {
    polled = List.copyOf(bound.values());
    poller.wakeUp();
  }

  @Override
  public Map<PortId, String> boundPorts() {
    Map<PortId, String> out = new HashMap<>();
    bound.forEach((port, b) -> out.put(port, b.interfaceName()));
    return Map.copyOf(out);
  }

  @Override
  public void hold(PortId port) {
    if (held.add(port)) {
      log.warn("datapath: port {} held by the session fence", port);
    }
  }

  @Override
  public void release(PortId port) {
    if (held.remove(port)) {
      log.info("datapath: port {} released by the session fence", port);
    }
  }

  private boolean isHeld(PortId port) {
    return !held.isEmpty() && held.contains(port);
  }

  @Override
  public Map<PortId, String> unavailable() {
    return Map.copyOf(unavailable);
  }

  @Override
  public DatapathStats stats() {
    Map<PortId, PortCounters> ports = new HashMap<>();
    traffic.forEach((port, t) -> ports.put(port, t.snapshot()));
    return new DatapathStats(
        ports,
        nonZero(drops),
        notLocal.sum(),
        sendErrors.sum(),
        oversize.sum(),
        simulated.sum(),
        new DatapathStats.OverlayCounters(overlayTraffic.snapshot(), nonZero(overlayDrops)),
        fenced.sum(),
        new DatapathStats.OffloadCounters(
            completedChecksums.sum(),
            gsoFrames.sum(),
            handedOn.sum(),
            segments.sum(),
            nonZero(offloadDrops)));
  }

  private static <K> Map<K, Long> nonZero(Map<K, LongAdder> counters) {
    Map<K, Long> out = new HashMap<>();
    counters.forEach(
        (key, count) -> {
          long n = count.sum();
          if (n > 0) {
            out.put(key, n);
          }
        });
    return out;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public void stop() {
    synchronized (lifecycle) {
      stopLocked();
    }
  }

  /** Ends forwarding once; true when the polling thread has ended (or never ran). */
  private boolean stopLocked() {
    if (state != State.CLOSED) {
      boolean started = state == State.RUNNING;
      state = State.CLOSED;
      maintenance.shutdownNow();
      poller.wakeUp();
      underlay.ifPresent(Underlay::close);
      if (started) {
        try {
          underlayLoop.join(POLL_TIMEOUT_MILLIS * 10L);
          loop.join(POLL_TIMEOUT_MILLIS * 10L);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return !loop.isAlive();
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (socketsClosed) {
        return;
      }
      if (!stopLocked()) {
        // Never close a socket the loop might still use; the process is going away anyway.
        log.warn("datapath: polling thread did not stop; leaving its sockets open");
        return;
      }
      socketsClosed = true;
      bound.values().forEach(b -> b.socket.close());
      bound.clear();
      retired.forEach(b -> b.socket.close());
      retired.clear();
      poller.close();
    }
  }

  private Traffic trafficOf(PortId port) {
    return traffic.computeIfAbsent(port, p -> new Traffic());
  }

  /** The polling thread: waits on every live socket and serves those with frames, in turn. */
  private void run() {
    byte[] frame = new byte[PacketSocket.BUFFER];
    byte[] scratch = new byte[PacketSocket.MAX_FRAME];
    List<Bound> live = new ArrayList<>();
    List<PacketSocket> liveSockets = new ArrayList<>();
    boolean[] ready = new boolean[0];
    while (state == State.RUNNING) {
      deliver();
      outbox.flush();
      // Retired sockets first, then the snapshot: a socket retired after this drain is still
      // in any snapshot read below, and is closed at the next turn (see retire()).
      for (Bound b = retired.poll(); b != null; b = retired.poll()) {
        b.socket.close();
      }
      live.clear();
      liveSockets.clear();
      for (Bound b : polled) {
        if (!b.failed) {
          live.add(b);
          liveSockets.add(b.socket);
        }
      }
      if (ready.length < live.size()) {
        ready = new boolean[live.size() * 2];
      }
      try {
        if (poller.poll(liveSockets, POLL_TIMEOUT_MILLIS, ready) == 0) {
          continue;
        }
      } catch (RuntimeException e) {
        log.error("datapath: poll failed; frames stop until the agent restarts", e);
        return;
      }
      for (int i = 0; i < live.size(); i++) {
        if (ready[i]) {
          serve(live.get(i), frame, scratch);
        }
      }
      outbox.flush();
    }
    outbox.flush();
  }

  /**
   * Takes up to {@link #BATCH} frames from {@code b}'s socket through the simulator. Each comes
   * with its virtio-net header: a partial checksum is completed first (the simulator verifies
   * checksums), a GSO super-frame is simulated once and segmented on the way out (see {@link
   * #transmit}).
   */
  private void serve(Bound b, byte[] frame, byte[] scratch) {
    final int at = VirtioNetHeader.LENGTH;
    int count;
    try {
      count = b.socket.receiveNow(received, b.window);
    } catch (RuntimeException e) {
      b.failed = true;
      log.warn(
          "datapath: receiving on {} failed, port {} pauses until it is reopened: {}",
          b.interfaceName(),
          b.port,
          e.getMessage());
      return;
    }
    long bytes = 0;
    for (int n = 0; n < count; n++) {
      int length = received.copy(n, frame);
      if (length == -2) {
        oversize.increment();
        continue;
      }
      bytes += length;
      b.traffic.received(length);
      if (isHeld(b.port)) {
        fenced.increment();
        continue;
      }
      VirtioNetHeader header = VirtioNetHeader.decode(frame, 0);
      Segmentation gso = null;
      if (header != VirtioNetHeader.NONE) {
        OffloadDrop bad = Offloads.check(header, frame, at, length);
        if (bad != null) {
          offloadDrops.get(bad).increment();
          continue;
        }
        if (header.needsChecksum()) {
          Offloads.completeChecksum(header, frame, at, length);
          completedChecksums.increment();
        }
        if (header.isGso()) {
          gso = Offloads.segmentation(header, frame, at, length);
          gsoFrames.increment();
        }
      }
      simulated.increment();
      transmit(simulator.get().simulate(b.port, frame, at, length), gso, scratch);
    }
    outbox.flush();
    if (count > 0) {
      b.window =
          (int) Math.max(1, Math.min(BATCH, BATCH_BYTES * (long) count / Math.max(1, bytes)));
    }
  }

  /**
   * Sends what one simulation emitted; runs on the polling thread. {@code gso} is the ingress
   * super-frame's segmentation, or null: it applies to the emissions that are that frame (forwarded
   * or redirected), not to frames the network generated or released from an ARP wait.
   */
  private void transmit(SimulationResult result, Segmentation gso, byte[] scratch) {
    if (result instanceof SimulationResult.Drop drop) {
      drops.get(drop.reason()).increment();
    }
    for (Emission emission : result.emissions()) {
      Segmentation segmentation = gso != null && carriesIngress(emission) ? gso : null;
      Bound egress = bound.get(emission.port());
      if (egress == null) {
        OverlayView.Remote remote = overlay.remotes().get(emission.port());
        if (remote == null) {
          notLocal.increment();
        } else {
          emission.copyTo(scratch, 0);
          if (segmentation == null) {
            tunnel(scratch, emission.length(), remote);
          } else {
            int made =
                segmentation.segment(
                    scratch,
                    0,
                    emission.length(),
                    segmentBuffer,
                    (segment, length) -> tunnel(segment, length, remote));
            countSegments(made);
          }
        }
        continue;
      }
      emission.copyTo(scratch, 0);
      if (segmentation == null) {
        emit(egress, PLAIN, VirtioNetHeader.NONE, scratch, emission.length());
      } else {
        VirtioNetHeader header = segmentation.partial(scratch, 0, emission.length());
        if (header == null) {
          offloadDrops.get(OffloadDrop.BAD_GSO_HEADERS).increment();
        } else {
          emit(egress, HANDED_ON, header, scratch, emission.length());
        }
      }
    }
  }

  private static boolean carriesIngress(Emission emission) {
    return emission.kind() == EmissionKind.FORWARDED || emission.kind() == EmissionKind.REDIRECTED;
  }

  private void countSegments(int made) {
    if (made < 0) {
      offloadDrops.get(OffloadDrop.BAD_GSO_HEADERS).increment();
    } else {
      segments.add(made);
    }
  }

  /**
   * Queues one frame for a bound port's interface (see {@link Outbox}); {@link #settle} counts it
   * once sent. Polling thread only.
   */
  private void emit(Bound egress, int tag, VirtioNetHeader header, byte[] frame, int length) {
    if (isHeld(egress.port)) {
      fenced.increment();
      return;
    }
    outbox.add(egress, tag, header, frame, length);
  }

  /** Counts what became of a frame {@link #emit} queued. */
  private void settle(Bound egress, int tag, int length, boolean sent) {
    if (!sent) {
      sendErrors.increment();
      log.debug(
          "datapath: send on {} failed: errno {}",
          egress.interfaceName(),
          egress.socket.lastSendError());
      return;
    }
    egress.traffic.sent(length);
    if (tag == HANDED_ON) {
      handedOn.increment();
    } else if (tag == FROM_OVERLAY) {
      overlayTraffic.received(length);
    }
  }

  /**
   * Sends the first {@code length} bytes of {@code frame} to the host where its port is bound, in
   * VXLAN with the port's key; runs on the polling thread.
   */
  private void tunnel(byte[] frame, int length, OverlayView.Remote remote) {
    ByteBuffer packet = tunnelBuffer;
    packet.clear();
    if (length > packet.capacity() - Vxlan.HEADER) {
      sendErrors.increment();
      return;
    }
    Vxlan.writeHeader(packet, remote.key());
    packet.put(frame, 0, length);
    packet.flip();
    try {
      if (underlay.orElseThrow().send(packet, remote.peer(), FlowHash.of(frame, length))) {
        overlayTraffic.sent(length);
      } else {
        sendErrors.increment();
      }
    } catch (IOException e) {
      sendErrors.increment();
      log.debug("datapath: tunnelling to {} failed: {}", remote.peer(), e.getMessage());
    }
  }

  /** The underlay's receiving thread: checks each packet and queues its frame for emission. */
  private void receiveUnderlay() {
    Underlay u = underlay.orElseThrow();
    ByteBuffer packet = ByteBuffer.allocate(MAX_UDP_PAYLOAD);
    while (state == State.RUNNING) {
      SocketAddress from;
      try {
        from = u.receive(packet);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (state != State.RUNNING) {
          return;
        }
        log.warn("datapath: receiving on the {} failed: {}", u, e.getMessage());
        continue;
      }
      OverlayDrop drop = accept(from, packet);
      if (drop != null) {
        overlayDrops.get(drop).increment();
        log.debug("datapath: dropped an underlay packet from {}: {}", from, drop);
      }
    }
  }

  /** Queues one received packet's frame; the drop reason when it is not to be emitted. */
  private OverlayDrop accept(SocketAddress from, ByteBuffer packet) {
    OverlayView view = overlay;
    if (!(from instanceof InetSocketAddress source)
        || !view.senders().contains(source.getAddress())) {
      return OverlayDrop.UNKNOWN_SENDER;
    }
    int key = Vxlan.parse(packet);
    if (key < 0) {
      return Vxlan.drop(key);
    }
    PortId port = view.ports().get(new TunnelKey(key));
    if (port == null) {
      return OverlayDrop.UNKNOWN_KEY;
    }
    if (!view.local().contains(port)) {
      return OverlayDrop.NOT_BOUND_HERE;
    }
    byte[] frame = new byte[packet.limit() - Vxlan.HEADER];
    packet.get(Vxlan.HEADER, frame);
    if (!deliveries.offer(new Delivery(port, frame))) {
      return OverlayDrop.QUEUE_FULL;
    }
    if (deliveryWakeUp.compareAndSet(false, true)) {
      poller.wakeUp();
    }
    return null;
  }

  /**
   * Emits the frames the underlay received, unchanged and without simulating them again: the
   * ingress host's simulation decided where they go. Runs on the polling thread, which alone sends
   * on and closes the sockets.
   */
  private void deliver() {
    deliveryWakeUp.set(false);
    for (Delivery d = deliveries.poll(); d != null; d = deliveries.poll()) {
      Bound egress = bound.get(d.port());
      if (egress == null || egress.failed) {
        overlayDrops.get(OverlayDrop.INTERFACE_NOT_OPEN).increment();
        continue;
      }
      emit(egress, FROM_OVERLAY, VirtioNetHeader.NONE, d.frame(), d.frame().length);
    }
  }

  /** A frame from the underlay for a port bound here. */
  private record Delivery(PortId port, byte[] frame) {}

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

  /** A bound port, its open socket, and the port's counters (which outlive rebindings). */
  private static final class Bound {
    final PortId port;
    final PacketSocket socket;
    final Traffic traffic;

    /**
     * How many frames the next turn takes: as many as {@link #BATCH_BYTES} holds at the size of the
     * last turn's frames. Polling thread only.
     */
    int window = BATCH;

    /** Set by the polling thread when the socket fails; maintenance then replaces it. */
    volatile boolean failed;

    Bound(PortId port, PacketSocket socket, Traffic traffic) {
      this.port = port;
      this.socket = socket;
      this.traffic = traffic;
    }

    String interfaceName() {
      return socket.interfaceName();
    }

    /** True while the socket works and the interface is still the one it was bound to. */
    boolean isCurrent() {
      if (failed) {
        return false;
      }
      try {
        return Syscalls.interfaceIndex(socket.interfaceName()) == socket.interfaceIndex();
      } catch (RuntimeException e) {
        return false;
      }
    }
  }
}
