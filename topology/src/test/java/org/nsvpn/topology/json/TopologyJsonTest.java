package org.nsvpn.topology.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.Match;
import org.nsvpn.chainrules.rules.PortRange;
import org.nsvpn.chainrules.rules.RedirectAction;

class TopologyJsonTest {
  private static final RouterId R = RouterId.parse("11111111-1111-4111-8111-111111111111");
  private static final PortId P = PortId.parse("22222222-2222-4222-8222-222222222222");
  private static final ChainId C = ChainId.parse("33333333-3333-4333-8333-333333333333");
  private static final RuleId RULE = RuleId.parse("44444444-4444-4444-8444-444444444444");

  private static <T extends Identified> void roundTrips(T object) {
    ObjectNode json = TopologyJson.encode(object);
    byte[] bytes = JsonCodec.toBytes(json);
    Identified back = TopologyJson.decode(kindOf(object), JsonCodec.parse("test", bytes));
    assertThat(back).isEqualTo(object);
    assertThat(JsonCodec.toBytes(TopologyJson.encode(back))).isEqualTo(bytes);
  }

  private static String kindOf(Identified o) {
    if (o instanceof Router) {
      return "router";
    } else if (o instanceof Bridge) {
      return "bridge";
    } else if (o instanceof RouterPort || o instanceof BridgePort) {
      return "port";
    } else if (o instanceof Chain) {
      return "chain";
    } else if (o instanceof Route) {
      return "route";
    } else if (o instanceof Host) {
      return "host";
    } else if (o instanceof VpnService) {
      return "vpn-service";
    } else if (o instanceof org.nsvpn.chainrules.model.GatewayGroup) {
      return "gateway-group";
    }
    return "ipsec-site-connection";
  }

  @Test
  void everyKindRoundTrips() {
    roundTrips(Router.of(R, "r1").withLocalRedirectChain(Optional.of(C)).withAdminStateUp(false));
    roundTrips(Bridge.of(BridgeId.random(), "b1").withInboundFilter(Optional.of(C)));
    roundTrips(
        RouterPort.of(
                P,
                R,
                MacAddress.parse("02:00:00:00:00:01"),
                InterfaceAddress.parse("192.0.2.1/24"),
                InterfaceAddress.parse("2001:db8::1/64"))
            .withBinding(Optional.of(new HostBinding(HostId.random(), "eth0"))));
    roundTrips(BridgePort.of(PortId.random(), BridgeId.random()).withPeer(Optional.of(P)));
    roundTrips(
        new Chain(
            C,
            "c",
            java.util.List.of(
                new JumpRule(RULE, Condition.ANY, ChainId.random()),
                new L2TransformRule(
                    RuleId.random(),
                    Condition.builder()
                        .nwDst(IpSubnet.parse("201.201.201.1/32"))
                        .nwProto(17)
                        .tpDst(PortRange.of(500))
                        .outPorts(Match.not(java.util.Set.of(P, PortId.random())))
                        .ethDst(MacAddress.parse("02:00:00:00:00:02"))
                        .build(),
                    RedirectAction.to(P)))));
    roundTrips(
        Route.normal(
            new org.nsvpn.chainrules.id.RouteId(R.derive("x")),
            R,
            IpSubnet.parse("198.51.100.0/24"),
            P,
            Optional.of(IpAddress.parse("192.0.2.254"))));
    roundTrips(new Host(HostId.random(), "h1"));
    roundTrips(new Host(HostId.random(), "h2", Optional.of(Ipv4Address.parse("169.254.7.1"))));
    roundTrips(new Host(HostId.random(), "h3", Optional.empty(), true));
    roundTrips(
        new org.nsvpn.chainrules.model.GatewayGroup(
            org.nsvpn.chainrules.id.GatewayGroupId.random(),
            "gw0",
            java.util.Set.of(HostId.random(), HostId.random())));
    roundTrips(
        new org.nsvpn.chainrules.model.GatewayGroup(
            org.nsvpn.chainrules.id.GatewayGroupId.random(), "empty", java.util.Set.of()));
    roundTrips(
        new VpnService(
            org.nsvpn.chainrules.id.VpnServiceId.random(),
            "grouped",
            R,
            IpAddress.parse("203.0.113.2"),
            true,
            Optional.of(org.nsvpn.chainrules.id.GatewayGroupId.random())));
    roundTrips(
        new VpnService(
            org.nsvpn.chainrules.id.VpnServiceId.random(),
            "v",
            R,
            IpAddress.parse("203.0.113.1"),
            true));
    roundTrips(
        IpsecSiteConnection.builder()
            .id(org.nsvpn.chainrules.id.IpsecSiteConnectionId.random())
            .vpnService(org.nsvpn.chainrules.id.VpnServiceId.random())
            .name("c1")
            .peerAddress(IpAddress.parse("198.51.100.7"))
            .localCidrs(IpSubnet.parse("10.1.0.0/16"))
            .peerCidrs(IpSubnet.parse("10.2.0.0/16"))
            .psk(new SecretRef("k"))
            .build());
  }

  private static org.nsvpn.chainrules.model.Certificate certificate(String name) {
    try (java.io.InputStream in = TopologyJsonTest.class.getResourceAsStream("/certs/" + name)) {
      return org.nsvpn.chainrules.model.Certificate.parse("cert", in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void certificatesRoundTripAndPskConnectionsKeepTheirOldForm() {
    org.nsvpn.chainrules.model.Certificate ca = certificate("ca.crt");
    org.nsvpn.chainrules.model.Certificate site = certificate("site.crt");
    roundTrips(
        new VpnService(
            org.nsvpn.chainrules.id.VpnServiceId.random(),
            "trusting",
            R,
            IpAddress.parse("203.0.113.3"),
            true,
            Optional.empty(),
            java.util.List.of(ca),
            java.util.List.of("http://crl.example.org/ca.crl")));
    IpsecSiteConnection byCert =
        IpsecSiteConnection.builder()
            .id(org.nsvpn.chainrules.id.IpsecSiteConnectionId.random())
            .vpnService(org.nsvpn.chainrules.id.VpnServiceId.random())
            .name("c2")
            .peerAddress(IpAddress.parse("198.51.100.8"))
            .peerId("C=CH, O=nsvpn test, CN=peer.example.org")
            .localId(Optional.of("site.example.org"))
            .localCidrs(IpSubnet.parse("10.1.0.0/16"))
            .peerCidrs(IpSubnet.parse("10.2.0.0/16"))
            .certificate(site, new SecretRef("site-key"))
            .build();
    roundTrips(byCert);
    com.fasterxml.jackson.databind.JsonNode stored = TopologyJson.encode(byCert);
    assertThat(stored.get("auth").asText()).isEqualTo("cert");
    assertThat(stored.get("private-key-ref").asText()).isEqualTo("site-key");
    assertThat(stored.get("local-certificate").asText()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(stored.has("psk-ref")).isFalse();
    com.fasterxml.jackson.databind.JsonNode psk =
        TopologyJson.encode(
            byCert.toBuilder().localId(Optional.empty()).psk(new SecretRef("k")).build());
    assertThat(psk.has("auth")).as("a PSK connection is stored as before").isFalse();
    assertThat(psk.get("psk-ref").asText()).isEqualTo("k");
  }

  @Test
  void storedFormIsStableText() {
    Router r = Router.of(R, "router1").withLocalRedirectChain(Optional.of(C));
    assertThat(new String(JsonCodec.toBytes(TopologyJson.encode(r)), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"id\":\"11111111-1111-4111-8111-111111111111\",\"name\":\"router1\","
                + "\"admin-state-up\":true,\"inbound-filter\":null,\"outbound-filter\":null,"
                + "\"local-redirect-chain\":\"33333333-3333-4333-8333-333333333333\"}");
    L2TransformRule rule =
        new L2TransformRule(
            RULE,
            Condition.builder().nwDst(IpSubnet.parse("201.201.201.1/32")).nwProto(50).build(),
            RedirectAction.to(P));
    assertThat(new String(JsonCodec.toBytes(TopologyJson.rule(rule)), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"id\":\"44444444-4444-4444-8444-444444444444\",\"type\":\"l2-transform\","
                + "\"action\":\"redirect\",\"target-port\":\"22222222-2222-4222-8222-222222222222\","
                + "\"ingress\":false,\"fail-open\":false,\"condition\":{"
                + "\"dst\":{\"value\":\"201.201.201.1/32\",\"inverted\":false},"
                + "\"proto\":{\"value\":50,\"inverted\":false},"
                + "\"fragment-policy\":\"any\",\"inverted\":false}}");
  }

  @Test
  void decodingValidatesThroughTheModelAndNamesTheField() {
    ObjectNode json = TopologyJson.encode(Router.of(R, "r1"));
    json.put("name", "bad name;rm");
    assertThatThrownBy(() -> TopologyJson.decode("router", json))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("router name: invalid value 'bad name;rm'");
    ObjectNode noId = TopologyJson.encode(Router.of(R, "r1"));
    noId.remove("id");
    assertThatThrownBy(() -> TopologyJson.decode("router", noId))
        .hasMessageStartingWith("id: invalid value 'null'");
    JsonNode port =
        TopologyJson.encode(
            RouterPort.of(
                P,
                R,
                MacAddress.parse("02:00:00:00:00:01"),
                InterfaceAddress.parse("192.0.2.1/24")));
    ((ObjectNode) port).put("mac", "02:00:00:00:00");
    assertThatThrownBy(() -> TopologyJson.decode("port", port)).hasMessageStartingWith("mac:");
  }

  @Test
  void notJsonNamesTheNode() {
    assertThatThrownBy(() -> JsonCodec.parse("/nsvpn/x", "{oops".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(StoredDataException.class)
        .hasMessageStartingWith("/nsvpn/x: not valid JSON");
  }
}
