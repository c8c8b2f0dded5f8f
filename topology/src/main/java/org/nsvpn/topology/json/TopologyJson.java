package org.nsvpn.topology.json;

import static org.nsvpn.topology.json.Fields.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.DeadPeerDetection;
import org.nsvpn.chainrules.model.DhGroup;
import org.nsvpn.chainrules.model.DpdAction;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.EncryptionAlgorithm;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IkePolicy;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IntegrityAlgorithm;
import org.nsvpn.chainrules.model.IpsecPolicy;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Phase1Mode;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.FragmentPolicy;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.LiteralAction;
import org.nsvpn.chainrules.rules.LiteralRule;
import org.nsvpn.chainrules.rules.Match;
import org.nsvpn.chainrules.rules.PortRange;
import org.nsvpn.chainrules.rules.RedirectAction;
import org.nsvpn.chainrules.rules.Rule;

/**
 * The JSON form of every chain-rules topology object (schema version {@value #SCHEMA_VERSION}).
 * Hand-written on Jackson's tree model rather than derived by reflection, so that the stored format
 * is explicit, stable across refactorings of the model, and free of annotations in chain-rules.
 *
 * <p>Conventions: field names are the CLI's (kebab-case); ids are canonical UUID text; addresses,
 * subnets, MACs and enums are their canonical text; durations are whole seconds; an absent optional
 * value is JSON {@code null}. Decoding runs every value through the model's constructors, so stored
 * data is validated exactly as CLI input is.
 */
public final class TopologyJson {

  /** The version of this format; written in the store's schema-version node. */
  public static final int SCHEMA_VERSION = 1;

  private TopologyJson() {}

  // ---- dispatch -----------------------------------------------------------------------------

  /** Encodes any topology object. */
  public static ObjectNode encode(Identified object) {
    if (object instanceof Router r) {
      return router(r);
    } else if (object instanceof Bridge b) {
      return bridge(b);
    } else if (object instanceof Port p) {
      return port(p);
    } else if (object instanceof Chain c) {
      return chain(c);
    } else if (object instanceof Route r) {
      return route(r);
    } else if (object instanceof Host h) {
      return host(h);
    } else if (object instanceof VpnService v) {
      return vpnService(v);
    } else if (object instanceof IpsecSiteConnection c) {
      return connection(c);
    } else if (object instanceof GatewayGroup g) {
      return gatewayGroup(g);
    }
    throw new IllegalArgumentException("no JSON form for " + object.getClass().getSimpleName());
  }

  /**
   * Decodes an object of the type {@code type} names ({@code router}, {@code port}, ...).
   *
   * @throws InvalidValueException naming the field at fault
   */
  public static Identified decode(String type, JsonNode json) {
    if (!json.isObject()) {
      throw new InvalidValueException(type, json, "must be a JSON object");
    }
    return switch (type) {
      case "router" -> router(json);
      case "bridge" -> bridge(json);
      case "port" -> port(json);
      case "chain" -> chain(json);
      case "route" -> route(json);
      case "host" -> host(json);
      case "vpn-service" -> vpnService(json);
      case "ipsec-site-connection" -> connection(json);
      case "gateway-group" -> gatewayGroup(json);
      default -> throw new InvalidValueException("kind", type, "unknown object type");
    };
  }

  // ---- routers, bridges, hosts --------------------------------------------------------------

  static ObjectNode router(Router r) {
    ObjectNode out = NODES.objectNode();
    out.put("id", r.id().toString());
    out.put("name", r.name());
    out.put("admin-state-up", r.adminStateUp());
    Fields.putOptional(out, "inbound-filter", r.inboundFilter());
    Fields.putOptional(out, "outbound-filter", r.outboundFilter());
    Fields.putOptional(out, "local-redirect-chain", r.localRedirectChain());
    return out;
  }

  static Router router(JsonNode in) {
    return new Router(
        Fields.parsed(in, "id", RouterId::parse),
        Fields.text(in, "name"),
        Fields.bool(in, "admin-state-up"),
        Fields.optionalParsed(in, "inbound-filter", ChainId::parse),
        Fields.optionalParsed(in, "outbound-filter", ChainId::parse),
        Fields.optionalParsed(in, "local-redirect-chain", ChainId::parse));
  }

  static ObjectNode bridge(Bridge b) {
    ObjectNode out = NODES.objectNode();
    out.put("id", b.id().toString());
    out.put("name", b.name());
    out.put("admin-state-up", b.adminStateUp());
    Fields.putOptional(out, "inbound-filter", b.inboundFilter());
    Fields.putOptional(out, "outbound-filter", b.outboundFilter());
    return out;
  }

  static Bridge bridge(JsonNode in) {
    return new Bridge(
        Fields.parsed(in, "id", BridgeId::parse),
        Fields.text(in, "name"),
        Fields.bool(in, "admin-state-up"),
        Fields.optionalParsed(in, "inbound-filter", ChainId::parse),
        Fields.optionalParsed(in, "outbound-filter", ChainId::parse));
  }

  static ObjectNode host(Host h) {
    ObjectNode out = NODES.objectNode();
    out.put("id", h.id().toString());
    out.put("name", h.name());
    h.tunnelAddress().ifPresent(a -> out.put("tunnel-address", a.toString()));
    if (h.maintenance()) {
      out.put("maintenance", true);
    }
    return out;
  }

  static Host host(JsonNode in) {
    return new Host(
        Fields.parsed(in, "id", HostId::parse),
        Fields.text(in, "name"),
        Fields.optionalParsed(in, "tunnel-address", Ipv4Address::parse),
        in.has("maintenance") && Fields.bool(in, "maintenance"));
  }

  static ObjectNode gatewayGroup(GatewayGroup g) {
    ObjectNode out = NODES.objectNode();
    out.put("id", g.id().toString());
    out.put("name", g.name());
    out.set("members", Fields.strings(List.copyOf(g.members())));
    return out;
  }

  static GatewayGroup gatewayGroup(JsonNode in) {
    return new GatewayGroup(
        Fields.parsed(in, "id", GatewayGroupId::parse),
        Fields.text(in, "name"),
        Set.copyOf(Fields.parsedList(in, "members", HostId::parse)));
  }

  // ---- ports ----------------------------------------------------------------------------------

  static ObjectNode port(Port p) {
    ObjectNode out = NODES.objectNode();
    out.put("id", p.id().toString());
    if (p instanceof RouterPort rp) {
      out.put("device-type", "router");
      out.put("device", rp.router().toString());
      out.put("admin-state-up", rp.adminStateUp());
      out.put("mac", rp.mac().toString());
      out.set("addresses", Fields.strings(rp.addresses()));
    } else {
      BridgePort bp = (BridgePort) p;
      out.put("device-type", "bridge");
      out.put("device", bp.bridge().toString());
      out.put("admin-state-up", bp.adminStateUp());
    }
    Fields.putOptional(out, "peer", p.peer());
    if (p.binding().isPresent()) {
      ObjectNode binding = out.putObject("binding");
      binding.put("host", p.binding().get().host().toString());
      binding.put("interface", p.binding().get().interfaceName());
    } else {
      out.putNull("binding");
    }
    return out;
  }

  static Port port(JsonNode in) {
    PortId id = Fields.parsed(in, "id", PortId::parse);
    Optional<PortId> peer = Fields.optionalParsed(in, "peer", PortId::parse);
    Optional<HostBinding> binding = Optional.empty();
    if (in.hasNonNull("binding")) {
      JsonNode b = Fields.object(in, "binding");
      binding =
          Optional.of(
              new HostBinding(
                  Fields.parsed(b, "host", HostId::parse), Fields.text(b, "interface")));
    }
    String deviceType = Fields.text(in, "device-type");
    return switch (deviceType) {
      case "router" ->
          new RouterPort(
              id,
              Fields.parsed(in, "device", RouterId::parse),
              Fields.bool(in, "admin-state-up"),
              Fields.parsed(in, "mac", MacAddress::parse),
              Fields.parsedList(in, "addresses", InterfaceAddress::parse),
              peer,
              binding);
      case "bridge" ->
          new BridgePort(
              id,
              Fields.parsed(in, "device", BridgeId::parse),
              Fields.bool(in, "admin-state-up"),
              peer,
              binding);
      default ->
          throw new InvalidValueException("device-type", deviceType, "must be router or bridge");
    };
  }

  // ---- chains and rules -----------------------------------------------------------------------

  static ObjectNode chain(Chain c) {
    ObjectNode out = NODES.objectNode();
    out.put("id", c.id().toString());
    out.put("name", c.name());
    ArrayNode rules = out.putArray("rules");
    c.rules().forEach(r -> rules.add(rule(r)));
    return out;
  }

  static Chain chain(JsonNode in) {
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : Fields.array(in, "rules")) {
      rules.add(rule(r));
    }
    return new Chain(Fields.parsed(in, "id", ChainId::parse), Fields.text(in, "name"), rules);
  }

  /** Encodes one rule (also used on its own by tools that show rules). */
  public static ObjectNode rule(Rule r) {
    ObjectNode out = NODES.objectNode();
    out.put("id", r.id().toString());
    if (r instanceof LiteralRule lr) {
      out.put("type", "literal");
      out.put("action", lr.action().text());
    } else if (r instanceof JumpRule jr) {
      out.put("type", "jump");
      out.put("jump-to", jr.target().toString());
    } else {
      L2TransformRule l2 = (L2TransformRule) r;
      out.put("type", "l2-transform");
      out.put("action", "redirect");
      out.put("target-port", l2.redirect().targetPort().toString());
      out.put("ingress", l2.redirect().ingress());
      out.put("fail-open", l2.redirect().failOpen());
    }
    out.set("condition", condition(r.condition()));
    return out;
  }

  static Rule rule(JsonNode in) {
    RuleId id = Fields.parsed(in, "id", RuleId::parse);
    Condition condition = condition(Fields.object(in, "condition"));
    String type = Fields.text(in, "type");
    return switch (type) {
      case "literal" ->
          new LiteralRule(id, condition, LiteralAction.parse("action", Fields.text(in, "action")));
      case "jump" -> new JumpRule(id, condition, Fields.parsed(in, "jump-to", ChainId::parse));
      case "l2-transform" -> {
        String action = Fields.text(in, "action");
        if (!action.equals("redirect")) {
          throw new InvalidValueException("action", action, "l2-transform rules only redirect");
        }
        yield new L2TransformRule(
            id,
            condition,
            new RedirectAction(
                Fields.parsed(in, "target-port", PortId::parse),
                Fields.bool(in, "ingress"),
                Fields.bool(in, "fail-open")));
      }
      default ->
          throw new InvalidValueException("type", type, "must be literal, jump or l2-transform");
    };
  }

  static ObjectNode condition(Condition c) {
    ObjectNode out = NODES.objectNode();
    match(out, "in-ports", c.inPorts(), v -> Fields.strings(sortedIds(v)));
    match(out, "out-ports", c.outPorts(), v -> Fields.strings(sortedIds(v)));
    match(out, "ethertype", c.etherType(), v -> NODES.numberNode(v.intValue()));
    match(out, "src-mac", c.ethSrc(), v -> NODES.textNode(v.toString()));
    match(out, "dst-mac", c.ethDst(), v -> NODES.textNode(v.toString()));
    match(out, "src", c.nwSrc(), v -> NODES.textNode(v.toString()));
    match(out, "dst", c.nwDst(), v -> NODES.textNode(v.toString()));
    match(out, "proto", c.nwProto(), v -> NODES.numberNode(v.intValue()));
    match(out, "src-port", c.tpSrc(), v -> NODES.textNode(v.toString()));
    match(out, "dst-port", c.tpDst(), v -> NODES.textNode(v.toString()));
    out.put("fragment-policy", c.fragmentPolicy().text());
    out.put("inverted", c.inverted());
    return out;
  }

  private static List<PortId> sortedIds(Set<PortId> ids) {
    return ids.stream().sorted(EntityId.ORDER).toList();
  }

  private static <T> void match(
      ObjectNode out, String field, Match<T> match, Function<T, JsonNode> value) {
    if (match instanceof Match.Is<T> is) {
      ObjectNode m = out.putObject(field);
      m.set("value", value.apply(is.value()));
      m.put("inverted", is.inverted());
    }
  }

  static Condition condition(JsonNode in) {
    return Condition.builder()
        .inPorts(
            match(in, "in-ports", v -> new HashSet<>(Fields.parsedList(v, "value", PortId::parse))))
        .outPorts(
            match(
                in, "out-ports", v -> new HashSet<>(Fields.parsedList(v, "value", PortId::parse))))
        .etherType(match(in, "ethertype", v -> Fields.integer(v, "value")))
        .ethSrc(match(in, "src-mac", v -> Fields.parsed(v, "value", MacAddress::parse)))
        .ethDst(match(in, "dst-mac", v -> Fields.parsed(v, "value", MacAddress::parse)))
        .nwSrc(match(in, "src", v -> Fields.parsed(v, "value", IpSubnet::parse)))
        .nwDst(match(in, "dst", v -> Fields.parsed(v, "value", IpSubnet::parse)))
        .nwProto(match(in, "proto", v -> Fields.integer(v, "value")))
        .tpSrc(match(in, "src-port", v -> Fields.parsed(v, "value", PortRange::parse)))
        .tpDst(match(in, "dst-port", v -> Fields.parsed(v, "value", PortRange::parse)))
        .fragmentPolicy(FragmentPolicy.parse("fragment-policy", Fields.text(in, "fragment-policy")))
        .inverted(Fields.bool(in, "inverted"))
        .build();
  }

  private static <T> Match<T> match(JsonNode in, String field, Function<JsonNode, T> value) {
    if (!in.hasNonNull(field)) {
      return Match.any();
    }
    JsonNode m = Fields.object(in, field);
    T v;
    try {
      v = value.apply(m);
    } catch (InvalidValueException e) {
      throw e.forField(field);
    }
    return Fields.bool(m, "inverted") ? Match.not(v) : Match.is(v);
  }

  // ---- routes -------------------------------------------------------------------------------

  static ObjectNode route(Route r) {
    ObjectNode out = NODES.objectNode();
    out.put("id", r.id().toString());
    out.put("router", r.router().toString());
    out.put("type", r.type().text());
    out.put("src", r.source().toString());
    out.put("dst", r.destination().toString());
    Fields.putOptional(out, "port", r.nextHopPort());
    Fields.putOptional(out, "gw", r.nextHopGateway());
    out.put("weight", r.weight());
    return out;
  }

  static Route route(JsonNode in) {
    return new Route(
        Fields.parsed(in, "id", RouteId::parse),
        Fields.parsed(in, "router", RouterId::parse),
        Fields.parsed(in, "src", IpSubnet::parse),
        Fields.parsed(in, "dst", IpSubnet::parse),
        RouteType.parse("type", Fields.text(in, "type")),
        Fields.optionalParsed(in, "port", PortId::parse),
        Fields.optionalParsed(in, "gw", IpAddress::parse),
        Fields.integer(in, "weight"));
  }

  // ---- VPN ------------------------------------------------------------------------------------

  static ObjectNode vpnService(VpnService v) {
    ObjectNode out = NODES.objectNode();
    out.put("id", v.id().toString());
    out.put("name", v.name());
    out.put("router", v.router().toString());
    out.put("external-ip", v.externalIp().toString());
    out.put("admin-state-up", v.adminStateUp());
    Fields.putOptional(out, "gateway-group", v.gatewayGroup());
    if (!v.caCertificates().isEmpty()) {
      out.set(
          "ca-certificates",
          Fields.strings(v.caCertificates().stream().map(Certificate::pem).toList()));
    }
    if (!v.crlUris().isEmpty()) {
      out.set("crl-uris", Fields.strings(v.crlUris()));
    }
    return out;
  }

  static VpnService vpnService(JsonNode in) {
    return new VpnService(
        Fields.parsed(in, "id", VpnServiceId::parse),
        Fields.text(in, "name"),
        Fields.parsed(in, "router", RouterId::parse),
        Fields.parsed(in, "external-ip", IpAddress::parse),
        Fields.bool(in, "admin-state-up"),
        Fields.optionalParsed(in, "gateway-group", GatewayGroupId::parse),
        in.has("ca-certificates")
            ? Fields.parsedList(
                in, "ca-certificates", pem -> Certificate.fromPem("ca-certificates", pem))
            : List.of(),
        in.has("crl-uris") ? Fields.parsedList(in, "crl-uris", uri -> uri) : List.of());
  }

  static ObjectNode connection(IpsecSiteConnection c) {
    ObjectNode out = NODES.objectNode();
    out.put("id", c.id().toString());
    out.put("vpn-service", c.vpnService().toString());
    out.put("name", c.name());
    out.put("peer-address", c.peerAddress().toString());
    out.put("peer-id", c.peerId());
    Fields.putOptional(out, "local-id", c.localId());
    out.set("local-cidrs", Fields.strings(c.localCidrs()));
    out.set("peer-cidrs", Fields.strings(c.peerCidrs()));
    // A PSK connection keeps the form it had before certificates existed.
    if (c.auth() == AuthMethod.CERT) {
      out.put("auth", c.auth().text());
      out.put("local-certificate", c.localCertificate().orElseThrow().pem());
      out.put("private-key-ref", c.secret().name());
    } else {
      out.put("psk-ref", c.secret().name());
    }
    ObjectNode ike = out.putObject("ike-policy");
    ike.put("version", c.ikePolicy().version().text());
    ike.put("encryption", c.ikePolicy().encryption().text());
    ike.put("integrity", c.ikePolicy().integrity().text());
    ike.put("dh-group", c.ikePolicy().dhGroup().text());
    ike.put("lifetime", c.ikePolicy().lifetime().getSeconds());
    ike.put("phase1-mode", c.ikePolicy().phase1Mode().text());
    ike.put("reauthenticate", c.ikePolicy().reauthenticate());
    ObjectNode ipsec = out.putObject("ipsec-policy");
    ipsec.put("transform", c.ipsecPolicy().transform().text());
    ipsec.put("encapsulation-mode", c.ipsecPolicy().mode().text());
    ipsec.put("encryption", c.ipsecPolicy().encryption().text());
    ipsec.put("integrity", c.ipsecPolicy().integrity().text());
    Fields.putOptional(ipsec, "pfs", c.ipsecPolicy().pfs().map(DhGroup::text));
    ipsec.put("lifetime", c.ipsecPolicy().lifetime().getSeconds());
    ObjectNode dpd = out.putObject("dpd");
    dpd.put("action", c.dpd().action().text());
    dpd.put("interval", c.dpd().interval().getSeconds());
    dpd.put("timeout", c.dpd().timeout().getSeconds());
    out.put("initiator", c.initiator().text());
    out.put("mtu", c.mtu());
    out.put("force-udp-encapsulation", c.forceUdpEncapsulation());
    out.put("admin-state-up", c.adminStateUp());
    return out;
  }

  static IpsecSiteConnection connection(JsonNode in) {
    JsonNode ike = Fields.object(in, "ike-policy");
    JsonNode ipsec = Fields.object(in, "ipsec-policy");
    JsonNode dpd = Fields.object(in, "dpd");
    return IpsecSiteConnection.builder()
        .id(Fields.parsed(in, "id", IpsecSiteConnectionId::parse))
        .vpnService(Fields.parsed(in, "vpn-service", VpnServiceId::parse))
        .name(Fields.text(in, "name"))
        .peerAddress(Fields.parsed(in, "peer-address", IpAddress::parse))
        .peerId(Fields.text(in, "peer-id"))
        .localId(Fields.optionalText(in, "local-id"))
        .localCidrs(Fields.parsedList(in, "local-cidrs", IpSubnet::parse))
        .peerCidrs(Fields.parsedList(in, "peer-cidrs", IpSubnet::parse))
        .localCertificate(
            Fields.optionalParsed(
                in, "local-certificate", pem -> Certificate.fromPem("local-certificate", pem)))
        .secret(
            Fields.parsed(
                in,
                Fields.optionalText(in, "auth")
                            .map(a -> AuthMethod.parse("auth", a))
                            .orElse(AuthMethod.PSK)
                        == AuthMethod.CERT
                    ? "private-key-ref"
                    : "psk-ref",
                SecretRef::new))
        .ikePolicy(
            new IkePolicy(
                IkeVersion.parse("ike-version", Fields.text(ike, "version")),
                EncryptionAlgorithm.parse("ike-encryption", Fields.text(ike, "encryption")),
                IntegrityAlgorithm.parse("ike-integrity", Fields.text(ike, "integrity")),
                DhGroup.parse("ike-dh-group", Fields.text(ike, "dh-group")),
                Fields.seconds(ike, "lifetime"),
                Phase1Mode.parse("phase1-mode", Fields.text(ike, "phase1-mode")),
                Fields.bool(ike, "reauthenticate")))
        .ipsecPolicy(
            new IpsecPolicy(
                TransformProtocol.parse("transform", Fields.text(ipsec, "transform")),
                EncapsulationMode.parse(
                    "encapsulation-mode", Fields.text(ipsec, "encapsulation-mode")),
                EncryptionAlgorithm.parse("esp-encryption", Fields.text(ipsec, "encryption")),
                IntegrityAlgorithm.parse("esp-integrity", Fields.text(ipsec, "integrity")),
                Fields.optionalParsed(ipsec, "pfs", t -> DhGroup.parse("pfs", t)),
                Fields.seconds(ipsec, "lifetime")))
        .dpd(
            new DeadPeerDetection(
                DpdAction.parse("dpd-action", Fields.text(dpd, "action")),
                Fields.seconds(dpd, "interval"),
                Fields.seconds(dpd, "timeout")))
        .initiator(Initiator.parse("initiator", Fields.text(in, "initiator")))
        .mtu(Fields.integer(in, "mtu"))
        .forceUdpEncapsulation(Fields.bool(in, "force-udp-encapsulation"))
        .adminStateUp(Fields.bool(in, "admin-state-up"))
        .build();
  }
}
