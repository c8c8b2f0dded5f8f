package org.nsvpn.ovsdb.ipsec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Proposal;
import org.nsvpn.chainrules.status.SaCounters;

/** Status snapshots for tests and benchmarks: n connections, each with an SA pair and an SP. */
public final class Snapshots {
  private Snapshots() {}

  /** Connection {@code i}'s name. */
  public static String name(int i) {
    return "site-" + i;
  }

  /**
   * Connection {@code i}'s status: up, one IKE SA with one child SA, counters depending on {@code
   * generation}.
   */
  public static ConnectionStatus connection(int i, long generation) {
    ChildSaStatus child =
        new ChildSaStatus(
            "c",
            i + 1,
            i + 1,
            "INSTALLED",
            EncapsulationMode.TUNNEL,
            TransformProtocol.ESP,
            false,
            0xc000_0000L + i,
            0xd000_0000L + i,
            Optional.of(
                new Proposal(
                    "AES_CBC-256",
                    Optional.of("HMAC_SHA2_256_128"),
                    Optional.empty(),
                    Optional.empty())),
            List.of("10.0.0.0/24"),
            List.of("10.200.0.0/16"),
            new SaCounters(
                1500 * generation + i,
                10 * generation,
                1400 * generation + i,
                9 * generation,
                Optional.empty(),
                Optional.empty()),
            Optional.of(Instant.ofEpochSecond(1_700_000_000L)),
            Optional.of(Instant.ofEpochSecond(1_700_000_900L + i)),
            Optional.empty());
    IkeSaStatus ike =
        new IkeSaStatus(
            i + 1,
            "ESTABLISHED",
            org.nsvpn.chainrules.model.IkeVersion.V2,
            IpAddress.parse("192.0.2.1"),
            500,
            IpAddress.parse("203.0.113.1"),
            500,
            "192.0.2.1",
            "203.0.113.1",
            true,
            0x1000_0000_0000L + i,
            0x2000_0000_0000L + i,
            Optional.of(
                new Proposal(
                    "AES_CBC-256",
                    Optional.of("HMAC_SHA2_256_128"),
                    Optional.of("PRF_HMAC_SHA2_256"),
                    Optional.of("MODP_2048"))),
            false,
            Optional.of(Instant.ofEpochSecond(1_700_000_000L)),
            Optional.empty(),
            Optional.of(Instant.ofEpochSecond(1_700_003_600L + i)),
            List.of(child));
    return ConnectionStatus.up(
        new IpsecSiteConnectionId(new UUID(7, i)),
        List.of(ike),
        Instant.ofEpochSecond(1_700_000_000L));
  }

  /** Connection {@code i}'s status map. */
  public static Map<String, String> connectionMap(int i, long generation) {
    return IkeConnectionStatusMap.of(name(i), connection(i, generation));
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
    Map<String, ConnectionStatus> conns = new LinkedHashMap<>();
    for (int i = from; i < to; i++) {
      conns.put(name(i), connection(i, generation));
    }
    return IpsecStatusSnapshot.of(conns, List.of(), List.of());
  }

  /** Connections {@code from..to-1}, each with two SAs and one SP. */
  public static IpsecStatusSnapshot snapshot(int from, int to, long generation) {
    Map<String, ConnectionStatus> conns = new LinkedHashMap<>();
    List<SaStatus> sas = new ArrayList<>();
    List<SpStatus> sps = new ArrayList<>();
    for (int i = from; i < to; i++) {
      conns.put(name(i), connection(i, generation));
      sas.add(sa(i, 0, generation));
      sas.add(sa(i, 1, generation));
      sps.add(sp(i, generation));
    }
    return IpsecStatusSnapshot.of(conns, sas, sps);
  }
}
