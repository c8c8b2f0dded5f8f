package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.StoreTransaction;

/**
 * IPv6 inside IPv4 tunnels, end to end: the demo's sites A and B ({@link VpnTestbed}) with an IPv6
 * subnet behind each router (2001:db8:1::/64, 2001:db8:2::/64) and a connection of IPv6 CIDRs on
 * each VPN service, over the services' IPv4 public addresses. VM A pings VM B over IPv6 through the
 * agent's datapath and both namespaces; tcpdump on the internet segment sees the tunnel (UDP 4500)
 * and not one IPv6 frame.
 */
class Ipv6InsideVpnIT {
  private static final Duration TUNNEL = Duration.ofSeconds(60);

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private AgentBed run;
  private VpnTestbed bed;
  private AgentProcess agent;
  private Path state;

  @BeforeEach
  void start(TestInfo test) throws IOException {
    run = AgentBed.start(kernel, test.getTestMethod().orElseThrow().getName());
    bed = run.bed;
    agent = run.agent;
    state = run.state;
  }

  @AfterEach
  void stop() {
    if (run != null) {
      run.close();
    }
  }

  /** A connection between 2001:db8:LOCAL::/64 and 2001:db8:PEER::/64, identities aN.../bN... */
  private static IpsecSiteConnection v6(
      IpsecSiteConnectionId id,
      VpnServiceId service,
      String name,
      String peer,
      String local,
      String remote) {
    return VpnTestbed.connection(
            id,
            service,
            name,
            peer,
            "2001:db8:" + local + "::/64",
            "2001:db8:" + remote + "::/64",
            "psk-ab")
        .toBuilder()
        .localId(Optional.of("site" + local + "-v6.example.org"))
        .peerId("site" + remote + "-v6.example.org")
        .build();
  }

  @Test
  void vmAPingsVmBOverIpv6InsideTheTunnelAndTheInternetSeesNoIpv6() throws Exception {
    VpnTestbed.vm6(bed.vmA, "2001:db8:1::10/64", "2001:db8:1::1");
    VpnTestbed.vm6(bed.vmB, "2001:db8:2::10/64", "2001:db8:2::1");
    agent.store().commit(bed.topology(agent.hostId().orElseThrow(), false));

    StoreSnapshot s = agent.store().refresh();
    int tenantA = s.get(ObjectKind.PORT, bed.tenantA).orElseThrow().version();
    int tenantB = s.get(ObjectKind.PORT, bed.tenantB).orElseThrow().version();
    IpsecSiteConnectionId aToB6 = IpsecSiteConnectionId.random();
    IpsecSiteConnectionId bToA6 = IpsecSiteConnectionId.random();
    agent
        .store()
        .commit(
            StoreTransaction.builder()
                .update(VpnTestbed.withAddress(s, bed.tenantA, "2001:db8:1::1/64"), tenantA)
                .update(VpnTestbed.withAddress(s, bed.tenantB, "2001:db8:2::1/64"), tenantB)
                // Identities of their own: between the same two addresses, the responder picks the
                // connection by the identities the initiator sends.
                .create(v6(aToB6, bed.serviceA, "a-to-b-v6", "203.0.113.20", "1", "2"))
                .create(v6(bToA6, bed.serviceB, "b-to-a-v6", "203.0.113.10", "2", "1"))
                .build());

    await("a-to-b-v6 up")
        .atMost(TUNNEL)
        .untilAsserted(
            () ->
                assertThat(
                        agent
                            .store()
                            .status()
                            .connectionStatus(aToB6)
                            .map(r -> r.status().state())
                            .orElse(null))
                    .as("a-to-b-v6: %s", agent.store().status().connectionStatus(aToB6))
                    .isEqualTo(ConnectionState.UP));

    try (Capture internet = Capture.start(bed.internet, "br0", state.resolve("internet.pcap"))) {
      await("VM A reaches VM B over IPv6")
          .atMost(TUNNEL)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> VpnTestbed.ping(bed.vmA, "2001:db8:2::10", 3, "-6").ok());
      // Both ends initiate at once; the extra SAs go within seconds, and packets on one of
      // them as it goes may be lost (seen: one or two of five). Count only once each side has
      // one IKE SA and one child SA and the settled pair has carried a ping.
      agent.awaitOneSaPair(aToB6, TUNNEL);
      agent.awaitOneSaPair(bToA6, TUNNEL);
      await("VM A reaches VM B over the settled SAs")
          .atMost(TUNNEL)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> VpnTestbed.ping(bed.vmA, "2001:db8:2::10", 1, "-6").ok());
      Ip.Result ping = VpnTestbed.ping(bed.vmA, "2001:db8:2::10", 5, "-6");
      assertThat(ping.stdout()).contains("5 received");
      List<byte[]> frames = internet.stop();
      long ipv6 = frames.stream().filter(f -> etherType(f) == 0x86dd).count();
      long nat = frames.stream().filter(Ipv6InsideVpnIT::udp4500).count();
      assertThat(nat)
          .as("the capture sees the tunnel (ESP in UDP 4500)")
          .isGreaterThanOrEqualTo(10);
      assertThat(ipv6).as("IPv6 frames on the internet segment").isZero();
    }
  }

  private static int etherType(byte[] f) {
    return f.length < 14 ? -1 : (f[12] & 0xff) << 8 | (f[13] & 0xff);
  }

  private static boolean udp4500(byte[] f) {
    if (etherType(f) != 0x0800 || f.length < 38 || f[23] != 17) {
      return false;
    }
    int l4 = 14 + (f[14] & 0x0f) * 4;
    int sport = (f[l4] & 0xff) << 8 | (f[l4 + 1] & 0xff);
    int dport = (f[l4 + 2] & 0xff) << 8 | (f[l4 + 3] & 0xff);
    return sport == 4500 || dport == 4500;
  }
}
