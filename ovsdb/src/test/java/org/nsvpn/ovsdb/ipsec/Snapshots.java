package org.nsvpn.ovsdb.ipsec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Status snapshots for tests and benchmarks: n connections, each with an SA pair and an SP. */
public final class Snapshots {
  private Snapshots() {}

  /** Connection {@code i}'s name. */
  public static String name(int i) {
    return "site-" + i;
  }

  /** A connection status whose counters depend on {@code generation}. */
  public static IkeConnectionStatus connection(int i, long generation) {
    return IkeConnectionStatus.builder(name(i), "established")
        .requestId(i + 1)
        .ikeSpis(0x1000_0000_0000L + i, 0x2000_0000_0000L + i)
        .ikeProposals("AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")
        .ikeReauthEta(Instant.ofEpochSecond(1_700_003_600L + i))
        .saStatus("installed")
        .saMode(IpsecMode.TUNNEL)
        .saSpis(0xc000_0000L + i, 0xd000_0000L + i)
        .saProposal("AES_CBC_256/HMAC_SHA2_256_128")
        .saRekeyEta(Instant.ofEpochSecond(1_700_000_900L + i))
        .traffic(
            new TrafficCounters(
                1500 * generation + i, 10 * generation, 1400 * generation + i, 9 * generation))
        .build();
  }

  /** The inbound (direction 0) or outbound (1) SA of connection {@code i}. */
  public static SaStatus sa(int i, int direction, long generation) {
    String local = "192.0.2." + (1 + i % 250);
    String peer = "203.0.113." + (1 + i % 250);
    long spi = (direction == 0 ? 0xc000_0000L : 0xd000_0000L) + i;
    String dst = direction == 0 ? local : peer;
    String src = direction == 0 ? peer : local;
    return new SaStatus(
        new SaKey(spi, dst, IpsecProtocol.ESP),
        src,
        IpsecMode.TUNNEL,
        Optional.of(
            new Selector(
                IpFamily.IPV4, "10." + (i / 250) + "." + (i % 250) + ".0", 24, "10.200.0.0", 16)),
        new Counters(
            1000 * generation + i,
            10 * generation + i,
            1_700_000_000L,
            generation == 0 ? 0 : 1_700_000_100L));
  }

  /** The outbound policy of connection {@code i}. */
  public static SpStatus sp(int i, long generation) {
    String src = "10." + (i / 250) + "." + (i % 250) + ".0";
    return new SpStatus(
        new SpSelector(src, 24, "10.200.0.0", 16, SpDirection.OUT),
        SpAction.ALLOW,
        375423,
        Optional.of(
            new SpTemplate(
                IpsecProtocol.ESP,
                IpFamily.IPV4,
                Optional.of("192.0.2." + (1 + i % 250)),
                Optional.of("203.0.113." + (1 + i % 250)),
                i + 1,
                IpsecMode.TUNNEL)),
        new Counters(900 * generation + i, 9 * generation + i, 1_700_000_000L, 0));
  }

  /** Connections {@code from..to-1} alone: state and counters in one row each. */
  public static IpsecStatusSnapshot connectionsOnly(int from, int to, long generation) {
    List<IkeConnectionStatus> conns = new ArrayList<>();
    for (int i = from; i < to; i++) {
      conns.add(connection(i, generation));
    }
    return IpsecStatusSnapshot.of(conns, List.of(), List.of());
  }

  /** Connections {@code from..to-1}, each with two SAs and one SP. */
  public static IpsecStatusSnapshot snapshot(int from, int to, long generation) {
    List<IkeConnectionStatus> conns = new ArrayList<>();
    List<SaStatus> sas = new ArrayList<>();
    List<SpStatus> sps = new ArrayList<>();
    for (int i = from; i < to; i++) {
      conns.add(connection(i, generation));
      sas.add(sa(i, 0, generation));
      sas.add(sa(i, 1, generation));
      sps.add(sp(i, generation));
    }
    return IpsecStatusSnapshot.of(conns, sas, sps);
  }
}
