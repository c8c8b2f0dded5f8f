package org.nsvpn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Condition;
import org.nsvpn.chainrules.rules.FragmentPolicy;
import org.nsvpn.chainrules.rules.JumpRule;
import org.nsvpn.chainrules.rules.L2TransformRule;
import org.nsvpn.chainrules.rules.LiteralRule;
import org.nsvpn.chainrules.rules.Match;
import org.nsvpn.chainrules.rules.Rule;
import org.nsvpn.topology.StoreSnapshot;

/**
 * The midonet-cli output form, {@code <type> <alias> <field> <value> ...}, with references printed
 * as aliases, except gateway groups and their member hosts, which are printed by name, and a host
 * prefix of a rule or route printed as its bare address, as midonet-cli does. Secrets are never
 * printed: a connection shows {@code psk ****}.
 */
final class Printer {
  private final StoreSnapshot snapshot;
  private final Set<EntityId> alive;

  Printer(StoreSnapshot snapshot, Set<EntityId> alive) {
    this.snapshot = snapshot;
    this.alive = alive;
  }

  String ref(EntityId id) {
    return snapshot.label(id);
  }

  /** A host's name; its id when the snapshot does not hold it (any more). */
  String hostName(HostId id) {
    return snapshot.topology().host(id).map(Host::name).orElse(id.toString());
  }

  /** A gateway group's name; its id when the snapshot does not hold it (any more). */
  String groupName(GatewayGroupId id) {
    return snapshot.topology().gatewayGroup(id).map(GatewayGroup::name).orElse(id.toString());
  }

  private static String state(boolean up) {
    return up ? "up" : "down";
  }

  private void optional(List<String> out, String field, Optional<? extends EntityId> id) {
    id.ifPresent(v -> out.add(field + " " + ref(v)));
  }

  String router(Router r) {
    List<String> out = new ArrayList<>();
    out.add("router " + ref(r.id()));
    out.add("name " + r.name());
    out.add("state " + state(r.adminStateUp()));
    optional(out, "infilter", r.inboundFilter());
    optional(out, "outfilter", r.outboundFilter());
    optional(out, "local-redirect-chain", r.localRedirectChain());
    return String.join(" ", out);
  }

  String bridge(Bridge b) {
    List<String> out = new ArrayList<>();
    out.add("bridge " + ref(b.id()));
    out.add("name " + b.name());
    out.add("state " + state(b.adminStateUp()));
    optional(out, "infilter", b.inboundFilter());
    optional(out, "outfilter", b.outboundFilter());
    return String.join(" ", out);
  }

  /** {@code port port0 device router0 state up plugged no mac ... address A net N}. */
  String port(Port p) {
    List<String> out = new ArrayList<>();
    String label = ref(p.id());
    out.add("port " + label.substring(label.lastIndexOf(':') + 1));
    out.add("device " + ref(p.device()));
    out.add("state " + state(p.adminStateUp()));
    out.add("plugged " + (p.binding().isPresent() ? "yes" : "no"));
    if (p instanceof RouterPort rp) {
      out.add("mac " + rp.mac());
      for (InterfaceAddress a : rp.addresses()) {
        out.add("address " + a.address() + " net " + a.subnet());
      }
    }
    optional(out, "peer", p.peer());
    snapshot.tunnelKey(p.id()).ifPresent(k -> out.add("tunnel-key " + k));
    p.binding()
        .ifPresent(
            b -> {
              out.add("host " + ref(b.host()));
              out.add("interface " + b.interfaceName());
            });
    return String.join(" ", out);
  }

  String route(Route r) {
    List<String> out = new ArrayList<>();
    String label = ref(r.id());
    out.add("route " + label.substring(label.lastIndexOf(':') + 1));
    out.add("type " + r.type().text());
    out.add("src " + subnet(r.source()));
    out.add("dst " + subnet(r.destination()));
    r.nextHopGateway().ifPresent(gw -> out.add("gw " + gw));
    r.nextHopPort().ifPresent(port -> out.add("port " + ref(port)));
    out.add("weight " + r.weight());
    return String.join(" ", out);
  }

  String chain(org.nsvpn.chainrules.rules.Chain c) {
    return "chain " + ref(c.id()) + " name " + c.name();
  }

  String rule(ChainId chain, int position, Rule rule) {
    List<String> out = new ArrayList<>();
    out.add("rule " + snapshot.ruleAlias(chain, rule.id()).orElse(rule.id().toString()));
    out.add("pos " + position);
    if (rule instanceof LiteralRule lr) {
      out.add("type " + lr.action().text());
    } else if (rule instanceof JumpRule jr) {
      out.add("type jump");
      out.add("jump-to " + ref(jr.target()));
    } else {
      out.add("type l2-transform");
    }
    condition(out, rule.condition());
    if (rule instanceof L2TransformRule l2) {
      out.add("action redirect");
      out.add("target-port " + ref(l2.redirect().targetPort()));
      if (l2.redirect().ingress()) {
        out.add("ingress true");
      }
      if (l2.redirect().failOpen()) {
        out.add("fail-open true");
      }
    }
    return String.join(" ", out);
  }

  private void condition(List<String> out, Condition c) {
    ports(out, "in-ports", c.inPorts());
    ports(out, "out-ports", c.outPorts());
    if (c.etherType() instanceof Match.Is<Integer> e) {
      out.add((e.inverted() ? "!" : "") + "ethertype " + String.format("0x%04x", e.value()));
    }
    match(out, "src-mac", c.ethSrc());
    match(out, "dst-mac", c.ethDst());
    match(out, "src", c.nwSrc());
    match(out, "dst", c.nwDst());
    match(out, "proto", c.nwProto());
    match(out, "src-port", c.tpSrc());
    match(out, "dst-port", c.tpDst());
    boolean impliedHeader =
        c.fragmentPolicy() == FragmentPolicy.HEADER && (c.tpSrc().isSet() || c.tpDst().isSet());
    if (c.fragmentPolicy() != FragmentPolicy.ANY && !impliedHeader) {
      out.add("fragment-policy " + c.fragmentPolicy().text());
    }
    if (c.inverted()) {
      out.add("invert true");
    }
  }

  private static void match(List<String> out, String field, Match<?> m) {
    if (m instanceof Match.Is<?> is) {
      Object value = is.value() instanceof IpSubnet subnet ? subnet(subnet) : is.value();
      out.add((is.inverted() ? "!" : "") + field + " " + value);
    }
  }

  /**
   * A rule's or route's subnet as midonet-cli prints it: a host prefix (/32, /128) as its bare
   * address, which {@link Values#subnet} reads back as the same prefix.
   */
  static String subnet(IpSubnet subnet) {
    return subnet.prefixLength() == subnet.family().bits()
        ? subnet.address().toString()
        : subnet.toString();
  }

  private void ports(List<String> out, String field, Match<Set<PortId>> m) {
    if (m instanceof Match.Is<Set<PortId>> is) {
      out.add(
          (is.inverted() ? "!" : "")
              + field
              + " "
              + is.value().stream().map(this::ref).sorted().collect(Collectors.joining(",")));
    }
  }

  String host(Host h) {
    return "host "
        + ref(h.id())
        + " name "
        + h.name()
        + " alive "
        + alive.contains(h.id())
        + h.tunnelAddress().map(a -> " tunnel-address " + a).orElse("")
        + (h.maintenance() ? " maintenance true" : "");
  }

  /** {@code gateway-group gwgroup0 name NAME members HOST,HOST}: members by name, sorted. */
  String gatewayGroup(GatewayGroup g) {
    List<String> out = new ArrayList<>();
    out.add("gateway-group " + ref(g.id()));
    out.add("name " + g.name());
    if (!g.members().isEmpty()) {
      out.add(
          "members "
              + g.members().stream().map(this::hostName).sorted().collect(Collectors.joining(",")));
    }
    return String.join(" ", out);
  }

  String binding(Port p) {
    return "host "
        + ref(p.binding().orElseThrow().host())
        + " interface "
        + p.binding().get().interfaceName()
        + " port "
        + ref(p.id());
  }

  String vpnService(VpnService s) {
    return "vpn-service "
        + ref(s.id())
        + " name "
        + s.name()
        + " router "
        + ref(s.router())
        + " external-ip "
        + s.externalIp()
        + " state "
        + state(s.adminStateUp())
        + s.gatewayGroup().map(g -> " gateway-group " + groupName(g)).orElse("");
  }

  String connection(IpsecSiteConnection c) {
    List<String> out = new ArrayList<>();
    out.add("ipsec-site-connection " + ref(c.id()));
    out.add("name " + c.name());
    out.add("peer-address " + c.peerAddress());
    out.add("peer-id " + c.peerId());
    c.localId().ifPresent(id -> out.add("local-id " + id));
    out.add("local-cidrs " + join(c.localCidrs()));
    out.add("peer-cidrs " + join(c.peerCidrs()));
    out.add("psk ****");
    out.add("ike-version " + c.ikePolicy().version().text());
    out.add("ike-encryption " + c.ikePolicy().encryption().text());
    out.add("ike-integrity " + c.ikePolicy().integrity().text());
    out.add("ike-dh-group " + c.ikePolicy().dhGroup().text());
    out.add("ike-lifetime " + c.ikePolicy().lifetime().getSeconds());
    out.add("phase1-mode " + c.ikePolicy().phase1Mode().text());
    out.add("ike-reauth " + c.ikePolicy().reauthenticate());
    out.add("transform " + c.ipsecPolicy().transform().text());
    out.add("encapsulation-mode " + c.ipsecPolicy().mode().text());
    out.add("esp-encryption " + c.ipsecPolicy().encryption().text());
    out.add("esp-integrity " + c.ipsecPolicy().integrity().text());
    out.add("pfs " + c.ipsecPolicy().pfs().map(g -> g.text()).orElse("none"));
    out.add("ipsec-lifetime " + c.ipsecPolicy().lifetime().getSeconds());
    out.add("dpd-action " + c.dpd().action().text());
    out.add("dpd-interval " + c.dpd().interval().getSeconds());
    out.add("dpd-timeout " + c.dpd().timeout().getSeconds());
    out.add("initiator " + c.initiator().text());
    out.add("mtu " + c.mtu());
    out.add("force-udp-encapsulation " + c.forceUdpEncapsulation());
    out.add("state " + state(c.adminStateUp()));
    return String.join(" ", out);
  }

  static String join(List<?> values) {
    return values.stream().map(Object::toString).collect(Collectors.joining(","));
  }
}
