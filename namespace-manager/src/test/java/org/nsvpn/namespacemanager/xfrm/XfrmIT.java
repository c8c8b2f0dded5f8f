package org.nsvpn.namespacemanager.xfrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.namespacemanager.netlink.NetlinkException;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.rtnl.RouteEntry;
import org.nsvpn.namespacemanager.rtnl.RouteNetlink;
import org.nsvpn.namespacemanager.rtnl.Rtnl;
import org.nsvpn.namespacemanager.rtnl.VethPair;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;

/** XFRM against the kernel, in a namespace of its own, checked with {@code ip xfrm}. */
class XfrmIT {
  private static final IpSubnet LOCAL = IpSubnet.parse("192.0.2.0/24");
  private static final IpSubnet REMOTE = IpSubnet.parse("198.51.100.0/24");

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private final NetworkNamespaces namespaces = NetworkNamespaces.system();
  private String namespace;
  private Xfrm xfrm;

  @BeforeEach
  void createNamespace() {
    namespace = kernel.namespace(KernelResources.unique("xfit-"));
    xfrm = namespaces.create(namespace, Xfrm::open);
  }

  @AfterEach
  void close() {
    xfrm.close();
  }

  /** Two veth ends inside the namespace, 192.0.2.1/24 on one, REMOTE routed out of it. */
  private void giveTheNamespaceARouteToRemote() {
    namespaces.run(
        namespace,
        () -> {
          try (RouteNetlink rtnl = RouteNetlink.open()) {
            rtnl.createVeth(
                new VethPair(
                    "xa", "xb", Optional.empty(), Optional.empty(), OptionalInt.empty(), false));
            int a = rtnl.link("xa").orElseThrow().index();
            int b = rtnl.link("xb").orElseThrow().index();
            rtnl.setUp(a, true);
            rtnl.setUp(b, true);
            rtnl.addAddress(a, InterfaceAddress.parse("192.0.2.1/24"));
            rtnl.addRoute(
                RouteEntry.via(REMOTE, IpAddress.parse("192.0.2.2"), a, Rtnl.RT_TABLE_MAIN));
          }
          return null;
        });
  }

  @Test
  void blockAndAllowPoliciesAreInstalledDumpedCountedAndDeleted() {
    giveTheNamespaceARouteToRemote();
    XfrmSelector blocked = XfrmSelector.between(LOCAL, REMOTE);
    XfrmSelector allowed =
        XfrmSelector.between(IpSubnet.parse("192.0.2.0/25"), IpSubnet.parse("198.51.100.0/25"))
            .withProtocol(17);
    long before = System.currentTimeMillis() / 1000;

    xfrm.addPolicy(XfrmPolicy.block(blocked, PolicyDirection.OUT, 100));
    xfrm.addPolicy(XfrmPolicy.allow(allowed, PolicyDirection.OUT, 50));

    List<XfrmPolicy> policies = xfrm.policies();
    assertThat(policies).hasSize(2);
    XfrmPolicy block = find(policies, blocked);
    assertThat(block.action()).isEqualTo(PolicyAction.BLOCK);
    assertThat(block.info().priority()).isEqualTo(100);
    assertThat(block.current().addTime()).isBetween(before - 1, before + 60);
    assertThat(block.current().useTime()).isZero();
    assertThat(find(policies, allowed).action()).isEqualTo(PolicyAction.ALLOW);
    String oracle = Ip.ip("-n", namespace, "xfrm", "policy", "list");
    assertThat(oracle)
        .contains("src 192.0.2.0/24 dst 198.51.100.0/24")
        .contains("dir out action block priority 100")
        .contains("src 192.0.2.0/25 dst 198.51.100.0/25 proto udp")
        .as("ip prints no action for allow")
        .contains("dir out priority 50");

    Ip.Result ping =
        Ip.exec(
            "ip", "netns", "exec", namespace, "ping", "-n", "-c", "1", "-W", "1", "198.51.100.200");
    assertThat(ping.ok()).as("the block policy drops the echo request").isFalse();
    XfrmPolicy used = find(xfrm.policies(), blocked);
    assertThat(used.current().useTime()).as("use time set by the dropped ping").isGreaterThan(0);

    assertThatThrownBy(() -> xfrm.addPolicy(XfrmPolicy.block(blocked, PolicyDirection.OUT, 100)))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("EEXIST");
    xfrm.deletePolicy(blocked, PolicyDirection.OUT);
    xfrm.deletePolicy(allowed, PolicyDirection.OUT);
    assertThat(xfrm.policies()).isEmpty();
    assertThat(Ip.ip("-n", namespace, "xfrm", "policy", "list")).isBlank();
    assertThat(
            Ip.exec(
                    "ip",
                    "netns",
                    "exec",
                    namespace,
                    "ping",
                    "-n",
                    "-c",
                    "1",
                    "-W",
                    "1",
                    "198.51.100.200")
                .stderr())
        .as("no longer refused locally by a policy")
        .doesNotContain("Operation not permitted");
  }

  @Test
  void ipsecPolicyKeepsItsTemplates() {
    XfrmSelector selector = XfrmSelector.between(LOCAL, REMOTE);
    XfrmUserTemplate template =
        XfrmUserTemplate.tunnel(
            IpAddress.parse("203.0.113.1"),
            IpAddress.parse("203.0.113.2"),
            XfrmConstants.IPPROTO_ESP,
            7);
    xfrm.addPolicy(XfrmPolicy.ipsec(selector, PolicyDirection.OUT, 10, List.of(template)));

    XfrmPolicy dumped = find(xfrm.policies(), selector);
    assertThat(dumped.templates()).containsExactly(template);
    assertThat(Ip.ip("-n", namespace, "xfrm", "policy", "list"))
        .contains("tmpl src 203.0.113.1 dst 203.0.113.2")
        .contains("proto esp")
        .contains("reqid 7")
        .contains("mode tunnel");
  }

  @Test
  void espStatesFollowWhatTheKernelSupports() {
    boolean kernelHasEsp = probeEspWithIp();
    XfrmState sa =
        XfrmState.manual(
            IpAddress.parse("203.0.113.1"),
            IpAddress.parse("203.0.113.2"),
            0x1234,
            XfrmConstants.IPPROTO_ESP,
            XfrmConstants.XFRM_MODE_TUNNEL,
            7,
            List.of(
                XfrmAlgorithm.encryption("cbc(aes)", new byte[16]),
                XfrmAlgorithm.authentication("hmac(sha256)", new byte[32], 128)));

    if (kernelHasEsp) {
      long before = System.currentTimeMillis() / 1000;
      xfrm.addState(sa);
      XfrmState dumped = xfrm.states().get(0);
      assertThat(dumped.id()).isEqualTo(sa.id());
      assertThat(dumped.info().source()).isEqualTo(sa.info().source());
      assertThat(dumped.info().reqid()).isEqualTo(7);
      assertThat(dumped.current().addTime()).isBetween(before - 1, before + 60);
      assertThat(dumped.current().bytes()).isZero();
      assertThat(dumped.algorithms())
          .extracting(XfrmAlgorithm::name)
          .containsExactlyInAnyOrder("cbc(aes)", "hmac(sha256)");
      assertThat(Ip.ip("-n", namespace, "xfrm", "state", "list")).contains("spi 0x00001234");
      xfrm.deleteState(sa.id());
      assertThat(xfrm.states()).isEmpty();
    } else {
      assertThatThrownBy(() -> xfrm.addState(sa))
          .isInstanceOfSatisfying(
              TransformUnsupportedException.class,
              e -> {
                assertThat(e.protocol()).isEqualTo(XfrmConstants.IPPROTO_ESP);
                assertThat(e.errnoName()).isEqualTo("EPROTONOSUPPORT");
                assertThat(e.kernelMessage()).contains("Requested type not found");
                assertThat(e.getMessage()).contains("kernel lacks ESP support");
              });
      assertThat(xfrm.states()).isEmpty();
      assertThat(Ip.ip("-n", namespace, "xfrm", "state", "list")).isBlank();
    }
  }

  /** The oracle: can iproute2 install an ESP state in this namespace? Cleans up after itself. */
  private boolean probeEspWithIp() {
    Ip.Result result =
        Ip.exec(
            "ip",
            "-n",
            namespace,
            "xfrm",
            "state",
            "add",
            "src",
            "192.0.2.250",
            "dst",
            "192.0.2.251",
            "proto",
            "esp",
            "spi",
            "0x999",
            "mode",
            "tunnel",
            "enc",
            "cbc(aes)",
            "0x00112233445566778899aabbccddeeff");
    if (result.ok()) {
      Ip.ip("-n", namespace, "xfrm", "state", "flush");
      return true;
    }
    assertThat(result.stderr()).contains("Requested type not found");
    return false;
  }

  private static XfrmPolicy find(List<XfrmPolicy> policies, XfrmSelector selector) {
    return policies.stream()
        .filter(p -> p.selector().equals(selector))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no policy for " + selector + " in " + policies));
  }
}
