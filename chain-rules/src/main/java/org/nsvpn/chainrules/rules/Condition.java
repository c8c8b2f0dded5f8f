package org.nsvpn.chainrules.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;

/**
 * The match part of a rule: a conjunction of field matches (the MidoNet match fields), each of
 * which may be inverted, plus an inversion of the whole conjunction.
 *
 * <p>Invariants checked at construction: numeric fields in range (EtherType 0..0xffff, protocol
 * 0..255); port sets non-empty; L4 port matches need a non-inverted protocol of TCP, UDP or SCTP
 * and a fragment policy that only admits packets carrying an L4 header.
 *
 * @param inPorts ports the packet arrived on
 * @param outPorts ports the packet is leaving by
 * @param etherType EtherType, e.g. 0x0800
 * @param ethSrc source MAC
 * @param ethDst destination MAC
 * @param nwSrc IP source prefix
 * @param nwDst IP destination prefix
 * @param nwProto IP protocol number
 * @param tpSrc L4 source port range
 * @param tpDst L4 destination port range
 * @param fragmentPolicy which fragments are considered
 * @param inverted invert the result of the whole conjunction
 */
public record Condition(
    Match<Set<PortId>> inPorts,
    Match<Set<PortId>> outPorts,
    Match<Integer> etherType,
    Match<MacAddress> ethSrc,
    Match<MacAddress> ethDst,
    Match<IpSubnet> nwSrc,
    Match<IpSubnet> nwDst,
    Match<Integer> nwProto,
    Match<PortRange> tpSrc,
    Match<PortRange> tpDst,
    FragmentPolicy fragmentPolicy,
    boolean inverted) {

  /** Protocols whose packets carry 16-bit source and destination ports. */
  private static final Set<Integer> PORT_PROTOCOLS = Set.of(6, 17, 132);

  /** Matches every packet. */
  public static final Condition ANY = builder().build();

  public Condition {
    nonNull("in-ports", inPorts);
    nonNull("out-ports", outPorts);
    nonNull("ethertype", etherType);
    nonNull("src-mac", ethSrc);
    nonNull("dst-mac", ethDst);
    nonNull("src", nwSrc);
    nonNull("dst", nwDst);
    nonNull("proto", nwProto);
    nonNull("src-port", tpSrc);
    nonNull("dst-port", tpDst);
    nonNull("fragment-policy", fragmentPolicy);
    inPorts = frozenPorts("in-ports", inPorts);
    outPorts = frozenPorts("out-ports", outPorts);
    if (etherType instanceof Match.Is<Integer> e && (e.value() < 0 || e.value() > 0xffff)) {
      throw new InvalidValueException("ethertype", e.value(), "must be 0..65535 (0x0000..0xffff)");
    }
    if (nwProto instanceof Match.Is<Integer> p && (p.value() < 0 || p.value() > 255)) {
      throw new InvalidValueException("proto", p.value(), "must be 0..255");
    }
    if (tpSrc.isSet() || tpDst.isSet()) {
      String field = tpDst.isSet() ? "dst-port" : "src-port";
      Object value = tpDst.isSet() ? tpDst : tpSrc;
      if (!(nwProto instanceof Match.Is<Integer> p
          && !p.inverted()
          && PORT_PROTOCOLS.contains(p.value()))) {
        throw new InvalidValueException(
            field, value, "matching L4 ports needs proto 6 (tcp), 17 (udp) or 132 (sctp)");
      }
      if (fragmentPolicy == FragmentPolicy.ANY || fragmentPolicy == FragmentPolicy.NONHEADER) {
        throw new InvalidValueException(
            "fragment-policy",
            fragmentPolicy.text(),
            "must be header or unfragmented when matching L4 ports");
      }
    }
    if (nwSrc instanceof Match.Is<IpSubnet> s
        && nwDst instanceof Match.Is<IpSubnet> d
        && s.value().family() != d.value().family()) {
      throw new InvalidValueException(
          "dst", d.value(), "is " + d.value().family() + " but src is " + s.value().family());
    }
  }

  private static void nonNull(String field, Object value) {
    if (value == null) {
      throw new InvalidValueException(field, "null", "use Match.any() for an unmatched field");
    }
  }

  private static Match<Set<PortId>> frozenPorts(String field, Match<Set<PortId>> ports) {
    if (ports instanceof Match.Is<Set<PortId>> is) {
      if (is.value().isEmpty() || is.value().stream().anyMatch(Objects::isNull)) {
        throw new InvalidValueException(field, is.value(), "must list at least one port, no nulls");
      }
      return new Match.Is<>(Set.copyOf(is.value()), is.inverted());
    }
    return ports;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with this condition's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.inPorts = inPorts;
    b.outPorts = outPorts;
    b.etherType = etherType;
    b.ethSrc = ethSrc;
    b.ethDst = ethDst;
    b.nwSrc = nwSrc;
    b.nwDst = nwDst;
    b.nwProto = nwProto;
    b.tpSrc = tpSrc;
    b.tpDst = tpDst;
    b.fragmentPolicy = fragmentPolicy;
    b.inverted = inverted;
    return b;
  }

  /** Evaluates the condition against a packet. Allocation-free. */
  public boolean matches(PacketFields packet) {
    return matchesFields(packet) != inverted;
  }

  private boolean matchesFields(PacketFields p) {
    if (!fragmentPolicy.accepts(p.fragmentType())) {
      return false;
    }
    if (inPorts instanceof Match.Is<Set<PortId>> m
        && !m.accepts(p.inPort() != null && m.value().contains(p.inPort()))) {
      return false;
    }
    if (outPorts instanceof Match.Is<Set<PortId>> m
        && !m.accepts(p.outPort() != null && m.value().contains(p.outPort()))) {
      return false;
    }
    if (etherType instanceof Match.Is<Integer> m && !m.accepts(p.etherType() == m.value())) {
      return false;
    }
    if (ethSrc instanceof Match.Is<MacAddress> m && !m.accepts(m.value().equals(p.ethSrc()))) {
      return false;
    }
    if (ethDst instanceof Match.Is<MacAddress> m && !m.accepts(m.value().equals(p.ethDst()))) {
      return false;
    }
    if (nwSrc instanceof Match.Is<IpSubnet> m && !m.accepts(within(m.value(), p.nwSrc()))) {
      return false;
    }
    if (nwDst instanceof Match.Is<IpSubnet> m && !m.accepts(within(m.value(), p.nwDst()))) {
      return false;
    }
    if (nwProto instanceof Match.Is<Integer> m && !m.accepts(p.nwProto() == m.value())) {
      return false;
    }
    if (tpSrc instanceof Match.Is<PortRange> m
        && !m.accepts(p.tpSrc() >= 0 && m.value().contains(p.tpSrc()))) {
      return false;
    }
    return !(tpDst instanceof Match.Is<PortRange> m
        && !m.accepts(p.tpDst() >= 0 && m.value().contains(p.tpDst())));
  }

  private static boolean within(IpSubnet subnet, IpAddress address) {
    return address != null && subnet.contains(address);
  }

  /** midonet-cli style text of the matched fields, e.g. {@code dst 201.201.201.1/32 proto 50}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (inverted) {
      parts.add("inv");
    }
    describe(parts, "in-ports", inPorts);
    describe(parts, "out-ports", outPorts);
    if (etherType instanceof Match.Is<Integer> e) {
      parts.add((e.inverted() ? "!" : "") + "ethertype " + String.format("0x%04x", e.value()));
    }
    describe(parts, "src-mac", ethSrc);
    describe(parts, "dst-mac", ethDst);
    describe(parts, "src", nwSrc);
    describe(parts, "dst", nwDst);
    describe(parts, "proto", nwProto);
    describe(parts, "src-port", tpSrc);
    describe(parts, "dst-port", tpDst);
    if (fragmentPolicy != FragmentPolicy.ANY) {
      parts.add("fragment-policy " + fragmentPolicy.text());
    }
    return parts.isEmpty() ? "any" : String.join(" ", parts);
  }

  private static void describe(List<String> parts, String name, Match<?> match) {
    if (match instanceof Match.Is<?> is) {
      Object value = is.value();
      String text =
          value instanceof Set<?> set
              ? set.stream().map(String::valueOf).sorted().toList().toString()
              : value.toString();
      parts.add((is.inverted() ? "!" : "") + name + " " + text);
    }
  }

  /**
   * Builds conditions field by field. Unset fields match anything. The fragment policy defaults to
   * {@link FragmentPolicy#HEADER} when L4 ports are matched, else {@link FragmentPolicy#ANY}.
   */
  public static final class Builder {
    private Match<Set<PortId>> inPorts = Match.any();
    private Match<Set<PortId>> outPorts = Match.any();
    private Match<Integer> etherType = Match.any();
    private Match<MacAddress> ethSrc = Match.any();
    private Match<MacAddress> ethDst = Match.any();
    private Match<IpSubnet> nwSrc = Match.any();
    private Match<IpSubnet> nwDst = Match.any();
    private Match<Integer> nwProto = Match.any();
    private Match<PortRange> tpSrc = Match.any();
    private Match<PortRange> tpDst = Match.any();
    private FragmentPolicy fragmentPolicy;
    private boolean inverted;

    private Builder() {}

    public Builder inPorts(Match<Set<PortId>> match) {
      this.inPorts = match;
      return this;
    }

    public Builder inPorts(PortId... ports) {
      return inPorts(Match.is(Set.of(ports)));
    }

    public Builder outPorts(Match<Set<PortId>> match) {
      this.outPorts = match;
      return this;
    }

    public Builder outPorts(PortId... ports) {
      return outPorts(Match.is(Set.of(ports)));
    }

    public Builder etherType(Match<Integer> match) {
      this.etherType = match;
      return this;
    }

    public Builder etherType(int value) {
      return etherType(Match.is(value));
    }

    public Builder ethSrc(Match<MacAddress> match) {
      this.ethSrc = match;
      return this;
    }

    public Builder ethSrc(MacAddress value) {
      return ethSrc(Match.is(value));
    }

    public Builder ethDst(Match<MacAddress> match) {
      this.ethDst = match;
      return this;
    }

    public Builder ethDst(MacAddress value) {
      return ethDst(Match.is(value));
    }

    public Builder nwSrc(Match<IpSubnet> match) {
      this.nwSrc = match;
      return this;
    }

    public Builder nwSrc(IpSubnet value) {
      return nwSrc(Match.is(value));
    }

    public Builder nwDst(Match<IpSubnet> match) {
      this.nwDst = match;
      return this;
    }

    public Builder nwDst(IpSubnet value) {
      return nwDst(Match.is(value));
    }

    public Builder nwProto(Match<Integer> match) {
      this.nwProto = match;
      return this;
    }

    public Builder nwProto(int value) {
      return nwProto(Match.is(value));
    }

    public Builder tpSrc(Match<PortRange> match) {
      this.tpSrc = match;
      return this;
    }

    public Builder tpSrc(PortRange value) {
      return tpSrc(Match.is(value));
    }

    public Builder tpDst(Match<PortRange> match) {
      this.tpDst = match;
      return this;
    }

    public Builder tpDst(PortRange value) {
      return tpDst(Match.is(value));
    }

    public Builder fragmentPolicy(FragmentPolicy policy) {
      this.fragmentPolicy = policy;
      return this;
    }

    /** Inverts the whole conjunction. */
    public Builder inverted(boolean inverted) {
      this.inverted = inverted;
      return this;
    }

    public Condition build() {
      FragmentPolicy policy = fragmentPolicy;
      if (policy == null) {
        policy = tpSrc.isSet() || tpDst.isSet() ? FragmentPolicy.HEADER : FragmentPolicy.ANY;
      }
      return new Condition(
          inPorts, outPorts, etherType, ethSrc, ethDst, nwSrc, nwDst, nwProto, tpSrc, tpDst, policy,
          inverted);
    }
  }
}
