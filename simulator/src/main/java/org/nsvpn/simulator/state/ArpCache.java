package org.nsvpn.simulator.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * One router's neighbour cache: (router port, next-hop address) to MAC, with the frames waiting for
 * an address being resolved. Thread-safe; each entry is an immutable value replaced atomically.
 *
 * <p>Life of an entry: a miss creates a <em>pending</em> entry that holds up to {@link
 * LearningConfig#arpQueueLimit()} frames and asks the caller to send an ARP request (again at most
 * once per {@link LearningConfig#arpRetryInterval()}). {@link #learn} makes it <em>resolved</em>
 * and hands back the held frames. A resolved entry is used for {@link LearningConfig#arpTimeout()},
 * then resolved again; from half that age on, {@link #refreshDue} asks the caller to send a request
 * (at most once per retry interval) while the entry is still used, so that a neighbour that still
 * answers is learned again before its entry expires and no frame waits. A pending entry older than
 * {@link LearningConfig#arpPendingTimeout()} is given up: its frames are discarded (counted in
 * {@link #discardedFrames()}). <em>Permanent</em> entries never expire and are never overwritten by
 * learning.
 *
 * <p>Keys are per port, so one address may map to different MACs on different ports: the IPsec
 * namespace answers with the router's own uplink MAC on the namespace port, and that must not be
 * confused with anything on the uplink.
 */
public final class ArpCache {

  /** What {@link #hold} did with a frame whose next hop is unresolved. */
  public enum HoldOutcome {
    /** Held; the caller must send an ARP request now. */
    HELD_SEND_REQUEST(true, true),
    /** Held; a request was sent recently, wait for its reply. */
    HELD(true, false),
    /** Not held (the queue is full); the caller must still send an ARP request now. */
    DROPPED_SEND_REQUEST(false, true),
    /** Not held (the queue is full). */
    DROPPED(false, false),
    /** The address got resolved meanwhile: not held, resolve again. */
    RESOLVED(false, false);

    private final boolean held;
    private final boolean sendRequest;

    HoldOutcome(boolean held, boolean sendRequest) {
      this.held = held;
      this.sendRequest = sendRequest;
    }

    public boolean held() {
      return held;
    }

    public boolean sendRequest() {
      return sendRequest;
    }
  }

  private record Key(PortId port, IpAddress ip) {}

  /**
   * mac null: pending. since: when learned (resolved) or first missed (pending). told: when the
   * listener was last told of this neighbour (resolved entries learned here).
   */
  private record Entry(
      MacAddress mac,
      long since,
      long lastRequest,
      List<byte[]> held,
      boolean permanent,
      long told) {
    boolean resolved() {
      return mac != null;
    }
  }

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final LongAdder discarded = new LongAdder();
  private final RouterId router;
  private final NeighbourListener listener;
  private final Ticker ticker;
  private final long timeout;
  private final long retry;
  private final long pendingTimeout;
  private final int queueLimit;

  ArpCache(RouterId router, NeighbourListener listener, Ticker ticker, LearningConfig config) {
    this.router = router;
    this.listener = listener;
    this.ticker = ticker;
    this.timeout = config.arpTimeout().toNanos();
    this.retry = config.arpRetryInterval().toNanos();
    this.pendingTimeout = config.arpPendingTimeout().toNanos();
    this.queueLimit = config.arpQueueLimit();
  }

  private boolean usable(Entry e, long now) {
    return e.resolved() && (e.permanent || now - e.since < timeout);
  }

  /** The MAC of {@code ip} on {@code port}, or null when unknown, pending or expired. */
  public MacAddress resolve(PortId port, IpAddress ip) {
    return resolve(port, ip, ticker.nanos());
  }

  /**
   * As {@link #resolve(PortId, IpAddress)} at time {@code now}, a reading of this state's ticker
   * the caller already took (one clock read per simulation).
   */
  public MacAddress resolve(PortId port, IpAddress ip, long now) {
    Entry e = entries.get(new Key(port, ip));
    return e != null && usable(e, now) ? e.mac : null;
  }

  public Optional<MacAddress> lookup(PortId port, IpAddress ip) {
    return Optional.ofNullable(resolve(port, ip));
  }

  /**
   * Holds {@code frame} until {@code ip} on {@code port} is resolved (see the class comment). The
   * frame must be a private array that nobody else writes; {@link #learn} returns it.
   */
  public HoldOutcome hold(PortId port, IpAddress ip, byte[] frame) {
    HoldOutcome[] outcome = new HoldOutcome[1];
    entries.compute(
        new Key(port, ip),
        (k, e) -> {
          long now = ticker.nanos();
          if (e != null && usable(e, now)) {
            outcome[0] = HoldOutcome.RESOLVED;
            return e;
          }
          if (e == null || e.resolved() || now - e.since >= pendingTimeout) {
            if (e != null && !e.resolved()) {
              discarded.add(e.held.size());
            }
            boolean held = queueLimit > 0;
            outcome[0] = held ? HoldOutcome.HELD_SEND_REQUEST : HoldOutcome.DROPPED_SEND_REQUEST;
            if (!held) {
              discarded.increment();
            }
            return new Entry(null, now, now, held ? List.of(frame) : List.of(), false, 0);
          }
          boolean request = now - e.lastRequest >= retry;
          List<byte[]> held = e.held;
          boolean room = held.size() < queueLimit;
          if (room) {
            held = new ArrayList<>(held);
            held.add(frame);
            held = List.copyOf(held);
          } else {
            discarded.increment();
          }
          outcome[0] =
              room
                  ? (request ? HoldOutcome.HELD_SEND_REQUEST : HoldOutcome.HELD)
                  : (request ? HoldOutcome.DROPPED_SEND_REQUEST : HoldOutcome.DROPPED);
          return new Entry(null, e.since, request ? now : e.lastRequest, held, false, 0);
        });
    return outcome[0];
  }

  /**
   * Records that {@code ip} is at {@code mac} on {@code port} (an ARP reply or request from that
   * neighbour) and returns the frames that were waiting for it, oldest first. A permanent entry is
   * left as it is.
   */
  public List<byte[]> learn(PortId port, IpAddress ip, MacAddress mac) {
    return learn(port, ip, mac, true);
  }

  /**
   * As {@link #learn}, for what another host learned (multi-host: the neighbour answered there):
   * the state's {@link NeighbourListener} is not told, so the news does not echo back. Frames that
   * were waiting are discarded (counted): their egress port's host resends them.
   */
  public void learnFromPeer(PortId port, IpAddress ip, MacAddress mac) {
    List<byte[]> released = learn(port, ip, mac, false);
    discarded.add(released.size());
  }

  private List<byte[]> learn(PortId port, IpAddress ip, MacAddress mac, boolean tell) {
    Require.nonNull("mac", mac);
    AtomicReference<List<byte[]>> released = new AtomicReference<>(List.of());
    boolean[] news = new boolean[1];
    entries.compute(
        new Key(Require.nonNull("port", port), Require.nonNull("ip", ip)),
        (k, e) -> {
          if (e != null && e.permanent) {
            return e;
          }
          long now = ticker.nanos();
          if (e != null && !e.resolved()) {
            if (now - e.since < pendingTimeout) {
              released.set(e.held);
            } else {
              discarded.add(e.held.size());
            }
          }
          // News: a new or changed neighbour, one whose entry is half way to expiring elsewhere
          // (peers refresh theirs from it), or one heard again at least a retry interval after
          // it was last told: a peer whose copy expired asks again and again (its requests go
          // to the neighbour, the replies come here), and must hear the answer even though
          // nothing changed here.
          news[0] =
              e == null
                  || !e.resolved()
                  || !mac.equals(e.mac)
                  || now - e.since >= timeout / 2
                  || now - e.told >= retry;
          long told = tell && news[0] ? now : e != null && e.resolved() ? e.told : 0;
          return new Entry(mac, now, now, List.of(), false, told);
        });
    if (tell && news[0]) {
      listener.learned(router, port, ip, mac);
    }
    return released.get();
  }

  /**
   * Pins {@code ip} on {@code port} to {@code mac}, replacing any learned entry; returns the frames
   * that were waiting for it.
   */
  public List<byte[]> putPermanent(PortId port, IpAddress ip, MacAddress mac) {
    Require.nonNull("mac", mac);
    Entry previous =
        entries.put(
            new Key(Require.nonNull("port", port), Require.nonNull("ip", ip)),
            new Entry(mac, ticker.nanos(), 0, List.of(), true, 0));
    return previous == null || previous.resolved() ? List.of() : previous.held;
  }

  /**
   * True when the usable, learned entry for {@code ip} on {@code port} is half way to expiring and
   * no request was asked for within the retry interval: the caller sends an ARP request and keeps
   * using the entry. Without it, a neighbour whose replies are learned on another host (multi-host)
   * would be unresolved for a moment every {@link LearningConfig#arpTimeout()}. Counts as the
   * request (the next call within the retry interval says false).
   */
  public boolean refreshDue(PortId port, IpAddress ip, long now) {
    Key key = new Key(port, ip);
    // Read first: this runs for every routed frame, and is almost always false.
    if (!refreshing(entries.get(key), now)) {
      return false;
    }
    boolean[] due = new boolean[1];
    entries.computeIfPresent(
        key,
        (k, e) -> {
          if (!refreshing(e, now)) {
            return e;
          }
          due[0] = true;
          return new Entry(e.mac, e.since, now, e.held, false, e.told);
        });
    return due[0];
  }

  private boolean refreshing(Entry e, long now) {
    return e != null
        && e.resolved()
        && !e.permanent
        && usable(e, now)
        && now - e.since >= timeout / 2
        && now - e.lastRequest >= retry;
  }

  /** True when an entry (resolved, pending or expired) exists for {@code ip} on {@code port}. */
  public boolean contains(PortId port, IpAddress ip) {
    return entries.containsKey(new Key(port, ip));
  }

  /** Removes the entry for {@code ip} on {@code port}, discarding frames it held. */
  public void forget(PortId port, IpAddress ip) {
    Entry e = entries.remove(new Key(port, ip));
    if (e != null && !e.resolved()) {
      discarded.add(e.held.size());
    }
  }

  /** Removes expired resolved entries and given-up pending ones. */
  public void expire() {
    long now = ticker.nanos();
    entries
        .values()
        .removeIf(
            e -> {
              boolean gone =
                  e.resolved()
                      ? !e.permanent && now - e.since >= timeout
                      : now - e.since >= pendingTimeout;
              if (gone && !e.resolved()) {
                discarded.add(e.held.size());
              }
              return gone;
            });
  }

  /** Entries held, in any state. */
  public int size() {
    return entries.size();
  }

  /** Frames dropped so far because their next hop did not resolve in time or the queue was full. */
  public long discardedFrames() {
    return discarded.sum();
  }
}
