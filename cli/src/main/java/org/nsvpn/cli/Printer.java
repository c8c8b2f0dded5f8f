package org.nsvpn.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
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
 *
 * <p>Which hosts are alive is read from the store once, on first need (a host listing, a status
 * view), and not at all by commands that print no liveness: reading it costs a round trip per host.
 */
final class Printer {
  private final StoreSnapshot snapshot;
  private final Supplier<Set<HostId>> liveHosts;
  private Set<HostId> alive;

  Printer(StoreSnapshot snapshot, Supplier<Set<HostId>> liveHosts) {
    this.snapshot = snapshot;
    this.liveHosts = liveHosts;
  }

  /** Whether {@code host}'s agent is alive, as the store said when first asked. */
  boolean isAlive(HostId host) {
    if (alive == null) {
      alive = Set.copyOf(liveHosts.get());
    }
    return alive.contains(host);
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

  private PrintedObject.Builder object(String type, EntityId id) {
    String label = ref(id);
    return PrintedObject.builder(type, label, label, id);
  }

  /** A scoped object ({@code router0:port1}): the text form names it by its alias alone. */
  private PrintedObject.Builder scoped(String type, EntityId id) {
    String label = ref(id);
    return PrintedObject.builder(type, label.substring(label.lastIndexOf(':') + 1), label, id);
  }

  private Optional<String> refs(Optional<? extends EntityId> id) {
    return id.map(this::ref);
  }

  PrintedObject router(Router r) {
    return object("router", r.id())
        .put("name", r.name())
        .put("state", state(r.adminStateUp()))
        .put("infilter", refs(r.inboundFilter()))
        .put("outfilter", refs(r.outboundFilter()))
        .put("local-redirect-chain", refs(r.localRedirectChain()))
        .build();
  }

  PrintedObject bridge(Bridge b) {
    return object("bridge", b.id())
        .put("name", b.name())
        .put("state", state(b.adminStateUp()))
        .put("infilter", refs(b.inboundFilter()))
        .put("outfilter", refs(b.outboundFilter()))
        .build();
  }

  /** {@code port port0 device router0 state up plugged no mac ... address A net N}. */
  PrintedObject port(Port p) {
    PrintedObject.Builder out =
        scoped("port", p.id())
            .put("device", ref(p.device()))
            .put("state", state(p.adminStateUp()))
            .put("plugged", p.binding().isPresent() ? "yes" : "no");
    if (p instanceof RouterPort rp) {
      out.put("mac", rp.mac().toString());
      List<Map<String, Object>> addresses = new ArrayList<>();
      for (InterfaceAddress a : rp.addresses()) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("address", a.address().toString());
        group.put("net", a.subnet().toString());
        addresses.add(group);
      }
      out.put("addresses", new PrintedObject.Groups(addresses));
    }
    out.put("peer", refs(p.peer()));
    out.put("tunnel-key", snapshot.tunnelKey(p.id()).map(k -> k.value()));
    p.binding().ifPresent(b -> out.put("host", ref(b.host())).put("interface", b.interfaceName()));
    return out.build();
  }

  PrintedObject route(Route r) {
    return scoped("route", r.id())
        .put("type", r.type().text())
        .put("src", subnet(r.source()))
        .put("dst", subnet(r.destination()))
        .put("gw", r.nextHopGateway().map(Object::toString))
        .put("port", refs(r.nextHopPort()))
        .put("weight", r.weight())
        .build();
  }

  PrintedObject chain(org.nsvpn.chainrules.rules.Chain c) {
    return object("chain", c.id()).put("name", c.name()).build();
  }

  PrintedObject rule(ChainId chain, int position, Rule rule) {
    PrintedObject.Builder out =
        PrintedObject.builder(
                "rule",
                snapshot.ruleAlias(chain, rule.id()).orElse(rule.id().toString()),
                snapshot.ruleLabel(chain, rule.id()),
                rule.id())
            .put("pos", position);
    if (rule instanceof LiteralRule lr) {
      out.put("type", lr.action().text());
    } else if (rule instanceof JumpRule jr) {
      out.put("type", "jump").put("jump-to", ref(jr.target()));
    } else {
      out.put("type", "l2-transform");
    }
    condition(out, rule.condition());
    if (rule instanceof L2TransformRule l2) {
      out.put("action", "redirect").put("target-port", ref(l2.redirect().targetPort()));
      if (l2.redirect().ingress()) {
        out.put("ingress", true);
      }
      if (l2.redirect().failOpen()) {
        out.put("fail-open", true);
      }
    }
    return out.build();
  }

  private void condition(PrintedObject.Builder out, Condition c) {
    ports(out, "in-ports", c.inPorts());
    ports(out, "out-ports", c.outPorts());
    if (c.etherType() instanceof Match.Is<Integer> e) {
      put(out, "ethertype", e.inverted(), String.format("0x%04x", e.value()));
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
      out.put("fragment-policy", c.fragmentPolicy().text());
    }
    if (c.inverted()) {
      out.put("invert", true);
    }
  }

  private static void put(PrintedObject.Builder out, String field, boolean inverted, Object value) {
    out.put(field, inverted ? new PrintedObject.Not(value) : value);
  }

  private static void match(PrintedObject.Builder out, String field, Match<?> m) {
    if (m instanceof Match.Is<?> is) {
      Object value = is.value() instanceof IpSubnet subnet ? subnet(subnet) : is.value();
      put(out, field, is.inverted(), value instanceof Integer ? value : value.toString());
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

  private void ports(PrintedObject.Builder out, String field, Match<Set<PortId>> m) {
    if (m instanceof Match.Is<Set<PortId>> is) {
      put(out, field, is.inverted(), is.value().stream().map(this::ref).sorted().toList());
    }
  }

  PrintedObject host(Host h) {
    PrintedObject.Builder out =
        object("host", h.id())
            .put("name", h.name())
            .put("alive", isAlive(h.id()))
            .put("tunnel-address", h.tunnelAddress().map(Object::toString));
    if (h.maintenance()) {
      out.put("maintenance", true);
    }
    return out.build();
  }

  /** {@code gateway-group gwgroup0 name NAME members HOST,HOST}: members by name, sorted. */
  PrintedObject gatewayGroup(GatewayGroup g) {
    PrintedObject.Builder out = object("gateway-group", g.id()).put("name", g.name());
    if (!g.members().isEmpty()) {
      out.put("members", g.members().stream().map(this::hostName).sorted().toList());
    }
    return out.build();
  }

  /** {@code host HOST interface IF port PORT}. */
  PrintedObject binding(Port p) {
    HostBinding b = p.binding().orElseThrow();
    return object("host", b.host())
        .put("interface", b.interfaceName())
        .put("port", ref(p.id()))
        .build();
  }

  PrintedObject vpnService(VpnService s) {
    return object("vpn-service", s.id())
        .put("name", s.name())
        .put("router", ref(s.router()))
        .put("external-ip", s.externalIp().toString())
        .put("state", state(s.adminStateUp()))
        .put("gateway-group", s.gatewayGroup().map(this::groupName))
        .put(
            "ca-certificates",
            s.caCertificates().isEmpty()
                ? Optional.empty()
                : Optional.of(s.caCertificates().stream().map(Certificate::subject).toList()))
        .put("crl-uris", s.crlUris().isEmpty() ? Optional.empty() : Optional.of(s.crlUris()))
        .build();
  }

  PrintedObject connection(IpsecSiteConnection c) {
    return object("ipsec-site-connection", c.id())
        .put("name", c.name())
        .put("peer-address", c.peerAddress().toString())
        .put("peer-id", c.peerId())
        .put("local-id", c.localId())
        .put("local-cidrs", strings(c.localCidrs()))
        .put("peer-cidrs", strings(c.peerCidrs()))
        .put("auth", c.auth() == AuthMethod.CERT ? Optional.of("cert") : Optional.empty())
        .put("psk", c.auth() == AuthMethod.PSK ? Optional.of("****") : Optional.empty())
        .put("certificate", c.localCertificate().map(Certificate::subject))
        .put("certificate-expires", c.localCertificate().map(cert -> cert.notAfter().toString()))
        .put("private-key", c.auth() == AuthMethod.CERT ? Optional.of("****") : Optional.empty())
        .put("ike-version", c.ikePolicy().version().text())
        .put("ike-encryption", c.ikePolicy().encryption().text())
        .put("ike-integrity", c.ikePolicy().integrity().text())
        .put("ike-dh-group", c.ikePolicy().dhGroup().text())
        .put("ike-lifetime", c.ikePolicy().lifetime().getSeconds())
        .put("phase1-mode", c.ikePolicy().phase1Mode().text())
        .put("ike-reauth", c.ikePolicy().reauthenticate())
        .put("transform", c.ipsecPolicy().transform().text())
        .put("encapsulation-mode", c.ipsecPolicy().mode().text())
        .put("esp-encryption", c.ipsecPolicy().encryption().text())
        .put("esp-integrity", c.ipsecPolicy().integrity().text())
        .put("pfs", c.ipsecPolicy().pfs().map(g -> g.text()).orElse("none"))
        .put("ipsec-lifetime", c.ipsecPolicy().lifetime().getSeconds())
        .put("dpd-action", c.dpd().action().text())
        .put("dpd-interval", c.dpd().interval().getSeconds())
        .put("dpd-timeout", c.dpd().timeout().getSeconds())
        .put("initiator", c.initiator().text())
        .put("mtu", c.mtu())
        .put("force-udp-encapsulation", c.forceUdpEncapsulation())
        .put("state", state(c.adminStateUp()))
        .build();
  }

  private static List<String> strings(List<?> values) {
    return values.stream().map(Object::toString).toList();
  }

  static String join(List<?> values) {
    return values.stream().map(Object::toString).collect(Collectors.joining(","));
  }
}
