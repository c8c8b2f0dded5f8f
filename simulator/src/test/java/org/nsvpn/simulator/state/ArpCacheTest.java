package org.nsvpn.simulator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.simulator.testing.ManualTicker;

class ArpCacheTest {
  private static final PortId PORT = PortId.random();
  private static final PortId OTHER = PortId.random();
  private static final IpAddress IP = IpAddress.parse("192.0.2.7");
  private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:07");

  private final ManualTicker ticker = new ManualTicker();
  private final ArpCache cache =
      NetworkState.create(ticker, LearningConfig.DEFAULT).arpCache(RouterId.random());

  @Test
  void aNeighbourHeardAgainAfterTheRetryIntervalIsToldAgainSoPeersWhoseCopyExpiredLearnIt() {
    List<MacAddress> told = new ArrayList<>();
    ArpCache shared =
        new ArpCache(
            RouterId.random(),
            (router, port, ip, mac) -> told.add(mac),
            ticker,
            LearningConfig.DEFAULT);
    shared.learn(PORT, IP, MAC);
    shared.learn(PORT, IP, MAC);
    assertThat(told).as("nothing new within the retry interval").hasSize(1);
    // A peer's copy expired; its ARP requests reach the neighbour, whose replies come here.
    ticker.advance(LearningConfig.DEFAULT.arpRetryInterval());
    shared.learn(PORT, IP, MAC);
    assertThat(told).hasSize(2);
    shared.learnFromPeer(PORT, IP, MAC);
    ticker.advance(LearningConfig.DEFAULT.arpRetryInterval());
    shared.learnFromPeer(PORT, IP, MAC);
    assertThat(told).as("what peers tell is never echoed").hasSize(2);

    ArpCache other =
        new ArpCache(
            RouterId.random(),
            (router, port, ip, mac) -> told.add(mac),
            ticker,
            LearningConfig.DEFAULT);
    other.learnFromPeer(PORT, IP, MAC);
    other.learn(PORT, IP, MAC);
    assertThat(told).as("heard here after a peer told us: now it is here to tell").hasSize(3);
  }

  @Test
  void refreshIsDueHalfWayToExpiryAtMostOncePerRetryInterval() {
    cache.learn(PORT, IP, MAC);
    assertThat(cache.refreshDue(PORT, IP, ticker.nanos())).isFalse();
    ticker.advance(LearningConfig.DEFAULT.arpTimeout().dividedBy(2));
    assertThat(cache.refreshDue(PORT, IP, ticker.nanos())).isTrue();
    assertThat(cache.refreshDue(PORT, IP, ticker.nanos())).isFalse();
    ticker.advance(LearningConfig.DEFAULT.arpRetryInterval());
    assertThat(cache.refreshDue(PORT, IP, ticker.nanos())).isTrue();
    assertThat(cache.lookup(PORT, IP)).as("still used meanwhile").contains(MAC);
    ticker.advance(LearningConfig.DEFAULT.arpTimeout());
    assertThat(cache.refreshDue(PORT, IP, ticker.nanos())).as("expired: resolved anew").isFalse();
    cache.putPermanent(OTHER, IP, MAC);
    ticker.advance(LearningConfig.DEFAULT.arpTimeout());
    assertThat(cache.refreshDue(OTHER, IP, ticker.nanos())).isFalse();
  }

  @Test
  void entriesArePerPort() {
    cache.learn(PORT, IP, MAC);

    assertThat(cache.lookup(PORT, IP)).contains(MAC);
    assertThat(cache.lookup(OTHER, IP)).isEmpty();
  }

  @Test
  void holdingFollowsTheRetryIntervalAndQueueLimit() {
    assertThat(cache.hold(PORT, IP, new byte[] {1}))
        .isEqualTo(ArpCache.HoldOutcome.HELD_SEND_REQUEST);
    assertThat(cache.hold(PORT, IP, new byte[] {2})).isEqualTo(ArpCache.HoldOutcome.HELD);
    assertThat(cache.hold(PORT, IP, new byte[] {3})).isEqualTo(ArpCache.HoldOutcome.HELD);
    assertThat(cache.hold(PORT, IP, new byte[] {4})).isEqualTo(ArpCache.HoldOutcome.DROPPED);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(cache.hold(PORT, IP, new byte[] {5}))
        .isEqualTo(ArpCache.HoldOutcome.DROPPED_SEND_REQUEST);

    List<byte[]> released = cache.learn(PORT, IP, MAC);

    assertThat(released).extracting(b -> (int) b[0]).containsExactly(1, 2, 3);
    assertThat(cache.discardedFrames()).isEqualTo(2);
    assertThat(cache.hold(PORT, IP, new byte[] {6})).isEqualTo(ArpCache.HoldOutcome.RESOLVED);
  }

  @Test
  void pendingEntriesAreGivenUpAndResolvedOnesExpire() {
    cache.hold(PORT, IP, new byte[] {1});
    ticker.advance(LearningConfig.DEFAULT.arpPendingTimeout());
    assertThat(cache.learn(PORT, IP, MAC)).isEmpty();
    assertThat(cache.discardedFrames()).isEqualTo(1);

    ticker.advance(LearningConfig.DEFAULT.arpTimeout().minusNanos(1));
    assertThat(cache.resolve(PORT, IP)).isEqualTo(MAC);
    ticker.advance(Duration.ofNanos(1));
    assertThat(cache.resolve(PORT, IP)).isNull();
    assertThat(cache.contains(PORT, IP)).isTrue();
    cache.expire();
    assertThat(cache.contains(PORT, IP)).isFalse();
  }

  @Test
  void permanentEntriesStayAndReleaseWaitingFrames() {
    cache.hold(PORT, IP, new byte[] {9});

    assertThat(cache.putPermanent(PORT, IP, MAC)).extracting(b -> (int) b[0]).containsExactly(9);
    ticker.advance(Duration.ofDays(1));
    cache.learn(PORT, IP, MacAddress.parse("02:00:00:00:00:99"));
    cache.expire();
    assertThat(cache.lookup(PORT, IP)).contains(MAC);

    cache.forget(PORT, IP);
    assertThat(cache.size()).isZero();
  }

  @Test
  void refusesNulls() {
    assertThatThrownBy(() -> cache.learn(PORT, IP, null)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> cache.putPermanent(null, IP, MAC))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void concurrentHoldsAndLearnsLoseNoFrameAndDuplicateNone() throws Exception {
    // Four threads hold frames for 200 addresses while a fifth learns them: every frame is either
    // released exactly once, forwarded because the entry was already resolved, or counted as
    // discarded (queue full).
    int addresses = 200;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Future<int[]>> holders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        holders.add(
            pool.submit(
                () -> {
                  int resolved = 0;
                  for (int i = 0; i < perThread; i++) {
                    IpAddress ip = IpAddress.parse("198.51.100." + (i % addresses));
                    int id = thread * perThread + i;
                    byte[] frame = {
                      (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id
                    };
                    if (cache.resolve(PORT, ip) != null
                        || cache.hold(PORT, ip, frame) == ArpCache.HoldOutcome.RESOLVED) {
                      resolved++;
                    }
                  }
                  return new int[] {resolved};
                }));
      }
      Future<Set<Integer>> learner =
          pool.submit(
              () -> {
                Set<Integer> released = new HashSet<>();
                for (int round = 0; round < 3; round++) {
                  for (int a = 0; a < addresses; a++) {
                    for (byte[] f : cache.learn(PORT, IpAddress.parse("198.51.100." + a), MAC)) {
                      int id =
                          (f[0] & 0xff) << 24
                              | (f[1] & 0xff) << 16
                              | (f[2] & 0xff) << 8
                              | f[3] & 0xff;
                      assertThat(released.add(id)).as("frame %d released twice", id).isTrue();
                    }
                  }
                }
                return released;
              });
      int resolved = 0;
      for (Future<int[]> h : holders) {
        resolved += h.get(60, TimeUnit.SECONDS)[0];
      }
      Set<Integer> released = learner.get(60, TimeUnit.SECONDS);
      // Whatever is still pending after the learner finished.
      for (int a = 0; a < addresses; a++) {
        for (byte[] f : cache.learn(PORT, IpAddress.parse("198.51.100." + a), MAC)) {
          int id = (f[0] & 0xff) << 24 | (f[1] & 0xff) << 16 | (f[2] & 0xff) << 8 | f[3] & 0xff;
          assertThat(released.add(id)).isTrue();
        }
      }
      assertThat(released.size() + resolved + cache.discardedFrames()).isEqualTo(4L * perThread);
    } finally {
      pool.shutdownNow();
    }
  }
}
