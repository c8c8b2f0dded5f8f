package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.StockCharon;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.StoreTransaction;

/**
 * IPv6 outside the tunnel, end to end: router A's uplink gets 2001:db8:ff::10/64 beside its IPv4
 * address and VPN service A takes it as its external IP; site C, a stock strongSwan configured by a
 * swanctl.conf, is 2001:db8:ff::30 on the same (internet) segment. Two connections join them over
 * IPv6, one of IPv4 subnets (10.1.0.0/24 to 10.3.0.0/24) and one of IPv6 subnets (2001:db8:1::/64
 * to 2001:db8:3::/64). VM A pings site C over both; the namespace holds the public IP as a /128
 * with the uplink's MAC; OVSDB's rows and the CLI's status name the IPv6 ends; tcpdump on the
 * segment sees the tunnel over IPv6 and no cleartext of either family.
 */
class Ipv6OutsideVpnIT {
  private static final Duration TUNNEL = Duration.ofSeconds(60);
  private static final String A_PUBLIC = "2001:db8:ff::10";
  private static final String C_PUBLIC = "2001:db8:ff::30";
  private static final String PSK = "correct-horse-battery-staple-v6";

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private AgentBed run;
  private VpnTestbed bed;
  private AgentProcess agent;
  private Path state;
  private StockCharon siteC;

  @BeforeEach
  void start(TestInfo test) throws IOException {
    run = AgentBed.start(kernel, test.getTestMethod().orElseThrow().getName());
    bed = run.bed;
    agent = run.agent;
    state = run.state;
  }

  @AfterEach
  void stop() {
    try {
      if (siteC != null) {
        siteC.stop();
      }
    } finally {
      if (run != null) {
        run.close();
      }
    }
  }

  private static void sysctl(String namespace, String... settings) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "sysctl"));
    command.add("-qw");
    command.addAll(List.of(settings));
    Ip.Result r = Ip.exec(command.toArray(String[]::new));
    assertThat(r.ok()).as("sysctl %s: %s", List.of(settings), r.stderr()).isTrue();
  }

  /** Site C on IPv6: its public address on the segment, its IPv6 subnet's host on its loopback. */
  private void siteCOnIpv6() {
    sysctl(
        bed.siteC,
        "net.ipv6.conf.all.disable_ipv6=0",
        "net.ipv6.conf.lo.disable_ipv6=0",
        "net.ipv6.conf.eth0.disable_ipv6=0",
        "net.ipv6.conf.eth0.accept_ra=0");
    Ip.ip("-n", bed.siteC, "addr", "add", C_PUBLIC + "/64", "dev", "eth0", "nodad");
    Ip.ip("-n", bed.siteC, "addr", "add", "2001:db8:3::1/128", "dev", "lo");
  }

  /** swanctl.conf of site C: one IKE connection per inner family, told apart by identities. */
  private static String siteCConfig() {
    StringBuilder connections = new StringBuilder();
    for (String family : List.of("v4", "v6")) {
      String local = family.equals("v4") ? "10.3.0.0/24" : "2001:db8:3::/64";
      String remote = family.equals("v4") ? "10.1.0.0/24" : "2001:db8:1::/64";
      connections.append(
          """
            to-a-%1$s {
              version = 2
              local_addrs = %2$s
              remote_addrs = %3$s
              proposals = aes256-sha256-modp2048
              encap = yes
              local { auth = psk
                      id = site-c-%1$s.example.org }
              remote { auth = psk
                       id = vpn-a-%1$s.example.org }
              children {
                to-a-%1$s {
                  local_ts = %4$s
                  remote_ts = %5$s
                  esp_proposals = aes256-sha256-modp2048
                  mode = tunnel
                }
              }
            }
          """
              .formatted(family, C_PUBLIC, A_PUBLIC, local, remote));
    }
    return """
        connections {
        %s}
        secrets {
          ike-a { id-1 = vpn-a-v4.example.org
                  id-2 = site-c-v4.example.org
                  id-3 = vpn-a-v6.example.org
                  id-4 = site-c-v6.example.org
                  secret = "%s" }
        }
        """
        .formatted(connections, PSK);
  }

  private IpsecSiteConnection connection(
      IpsecSiteConnectionId id, String family, String local, String peer) {
    return VpnTestbed.connection(id, bed.serviceA, "a-to-c-" + family, C_PUBLIC, local, peer, "psk")
        .toBuilder()
        .localId(Optional.of("vpn-a-" + family + ".example.org"))
        .peerId("site-c-" + family + ".example.org")
        .build();
  }

  private ConnectionState state(IpsecSiteConnectionId id) {
    return agent.store().status().connectionStatus(id).map(r -> r.status().state()).orElse(null);
  }

  @Test
  void aTunnelBetweenIpv6PublicAddressesCarriesIpv4AndIpv6WithNoCleartext() throws Exception {
    siteCOnIpv6();
    siteC = StockCharon.start(bed.siteC, Backend.KERNEL_LIBIPSEC);
    siteC.loadAll(siteCConfig());
    VpnTestbed.vm6(bed.vmA, "2001:db8:1::10/64", "2001:db8:1::1");

    agent.store().commit(bed.network(agent.hostId().orElseThrow()));
    StoreSnapshot s = agent.store().refresh();
    IpsecSiteConnectionId v4 = IpsecSiteConnectionId.random();
    IpsecSiteConnectionId v6 = IpsecSiteConnectionId.random();
    agent
        .store()
        .commit(
            StoreTransaction.builder()
                .update(
                    VpnTestbed.withAddress(s, bed.upA, A_PUBLIC + "/64"),
                    s.get(ObjectKind.PORT, bed.upA).orElseThrow().version())
                .update(
                    VpnTestbed.withAddress(s, bed.tenantA, "2001:db8:1::1/64"),
                    s.get(ObjectKind.PORT, bed.tenantA).orElseThrow().version())
                .create(
                    new VpnService(
                        bed.serviceA, "vpnA", bed.routerA, IpAddress.parse(A_PUBLIC), true))
                .putSecret(new SecretRef("psk"), PSK.getBytes(StandardCharsets.US_ASCII))
                .create(connection(v4, "v4", "10.1.0.0/24", "10.3.0.0/24"))
                .create(connection(v6, "v6", "2001:db8:1::/64", "2001:db8:3::/64"))
                .build());

    try (Capture internet = Capture.start(bed.internet, "br0", state.resolve("internet.pcap"))) {
      for (IpsecSiteConnectionId id : List.of(v4, v6)) {
        await("connection up")
            .atMost(TUNNEL)
            .untilAsserted(
                () ->
                    assertThat(state(id))
                        .as("%s: %s", id, agent.store().status().connectionStatus(id))
                        .isEqualTo(ConnectionState.UP));
      }
      await("VM A reaches site C over IPv4 and IPv6")
          .atMost(TUNNEL)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  VpnTestbed.ping(bed.vmA, "10.3.0.1", 1, "-4").ok()
                      && VpnTestbed.ping(bed.vmA, "2001:db8:3::1", 1, "-6").ok());
      Ip.Result ping4 = VpnTestbed.ping(bed.vmA, "10.3.0.1", 5, "-4");
      Ip.Result ping6 = VpnTestbed.ping(bed.vmA, "2001:db8:3::1", 5, "-6");
      assertThat(ping4.stdout()).as(ping4.stdout()).contains("5 received");
      assertThat(ping6.stdout()).as(ping6.stdout()).contains("5 received");

      // Site C sees one IKE SA per connection, from A's IPv6 public address.
      String sas = siteC.listSas();
      assertThat(sas).contains("to-a-v4").contains("to-a-v6").contains(A_PUBLIC);

      // The namespace mirrors the public IP as a /128 on the uplink's MAC, and reaches the
      // router over the link-local IPv6 pair.
      String namespace = VpnTestbed.namespaceOf(bed.serviceA);
      String addresses = Ip.exec("ip", "-n", namespace, "-6", "-o", "addr", "show").stdout();
      assertThat(addresses).contains(A_PUBLIC + "/128").contains("fe80::2/64");
      String routes = Ip.exec("ip", "-n", namespace, "-6", "route", "show", "default").stdout();
      assertThat(routes).contains("via fe80::1");

      // What an operator reads: the ops-ipsecd row names the family, the CLI the IPv6 peer.
      await("the OVSDB row of a-to-c-v6 says IPv6")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(E2eOracles.ovsdbConnections(state).get("vpnA.a-to-c-v6"))
                      .containsEntry("ip_family", "IPv6")
                      .containsEntry("ike_local_addr", A_PUBLIC)
                      .containsEntry("ike_remote_addr", C_PUBLIC)
                      .containsEntry("connection_state", "up"));
      await("the OVSDB counters of a-to-c-v6 count its pings")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> E2eOracles.ovsdbCounter(state, "vpnA.a-to-c-v6", "sa_data_packets_out") >= 5);
      assertThat(E2eOracles.showStatus(agent, "vpnA"))
          .contains("external-ip " + A_PUBLIC)
          .contains("peer " + C_PUBLIC)
          .contains("[" + A_PUBLIC + "]:4500 <-> [" + C_PUBLIC + "]:4500");

      SegmentAudit audit = SegmentAudit.of(internet.stop());
      assertThat(audit.violations()).as("cleartext on the internet segment: %s", audit).isEmpty();
      assertThat(audit.ipv6()).as("IPv6 frames: the tunnel runs over IPv6").isPositive();
      assertThat(audit.natT())
          .as("ESP in UDP 4500 for 20 pings and their answers: %s", audit)
          .isGreaterThanOrEqualTo(20);
    }
  }
}
