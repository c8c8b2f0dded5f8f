package org.nsvpn.simulator.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.simulator.testing.ManualTicker;

class MacTableTest {
  private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:07");
  private final ManualTicker ticker = new ManualTicker();
  private final NetworkState state = NetworkState.create(ticker, LearningConfig.DEFAULT);
  private final MacTable table = state.macTable(BridgeId.random());

  @Test
  void learnsPerVlanAndAges() {
    PortId port = PortId.random();
    table.learn(5, MAC, port);

    assertThat(table.lookup(5, MAC)).contains(port);
    assertThat(table.lookup(6, MAC)).isEmpty();
    ticker.advance(LearningConfig.DEFAULT.macAging());
    assertThat(table.lookup(5, MAC)).isEmpty();
    assertThat(table.size()).isZero();
  }

  @Test
  void trafficKeepsAnEntryAliveAndExpirySweepsIdleOnes() {
    PortId port = PortId.random();
    MacAddress idle = MacAddress.parse("02:00:00:00:00:08");
    table.learn(0, MAC, port);
    table.learn(0, idle, port);
    for (int i = 0; i < 10; i++) {
      ticker.advance(Duration.ofSeconds(60));
      table.learn(0, MAC, port);
    }
    state.expire();
    assertThat(table.lookup(0, MAC)).contains(port);
    assertThat(table.size()).isEqualTo(1);

    table.forgetPort(port);
    assertThat(table.size()).isZero();
  }

  @Test
  void stateIsSharedPerDevice() {
    BridgeId bridge = BridgeId.random();
    assertThat(state.macTable(bridge)).isSameAs(state.macTable(bridge));
    assertThat(state.macTable(bridge)).isNotSameAs(table);
  }

  @Test
  void concurrentLearningEndsWithTheLastPortOfEachAddress() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<PortId> ports =
          List.of(PortId.random(), PortId.random(), PortId.random(), PortId.random());
      List<Future<?>> done = new ArrayList<>();
      for (PortId p : ports) {
        done.add(
            pool.submit(
                () -> {
                  for (long mac = 1; mac <= 5_000; mac++) {
                    table.learn(0, mac << 1, p);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      PortId last = PortId.random();
      for (long mac = 1; mac <= 5_000; mac++) {
        assertThat(table.portOf(0, mac << 1)).isIn(ports);
        table.learn(0, mac << 1, last);
        assertThat(table.portOf(0, mac << 1)).isEqualTo(last);
      }
      assertThat(table.size()).isEqualTo(5_000);
    } finally {
      pool.shutdownNow();
    }
  }
}
