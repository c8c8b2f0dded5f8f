package org.nsvpn.chainrules.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;

class ConditionTest {
  private static final PortId P1 = PortId.random();
  private static final PortId P2 = PortId.random();
  private static final MacAddress OTHER_MAC = MacAddress.parse("02:00:00:00:00:99");

  /**
   * For every match field: a builder setting it, a packet inside it and a packet outside it. Each
   * row is checked plain, inverted per field, and inverted as a whole condition.
   */
  static Stream<Arguments> fields() {
    TestPacket base = TestPacket.udp();
    return Stream.of(
        row(
            "in-ports",
            b -> b.inPorts(Match.is(Set.of(P1))),
            b -> b.inPorts(Match.not(Set.of(P1))),
            base.withInPort(P1),
            base.withInPort(P2)),
        row(
            "out-ports",
            b -> b.outPorts(Match.is(Set.of(P1, P2))),
            b -> b.outPorts(Match.not(Set.of(P1, P2))),
            base.withOutPort(P2),
            base.withOutPort(PortId.random())),
        row(
            "ethertype",
            b -> b.etherType(0x0800),
            b -> b.etherType(Match.not(0x0800)),
            base,
            base.withEtherType(0x86dd)),
        row(
            "src-mac",
            b -> b.ethSrc(TestPacket.SRC_MAC),
            b -> b.ethSrc(Match.not(TestPacket.SRC_MAC)),
            base,
            base.withEthSrc(OTHER_MAC)),
        row(
            "dst-mac",
            b -> b.ethDst(TestPacket.DST_MAC),
            b -> b.ethDst(Match.not(TestPacket.DST_MAC)),
            base,
            base.withEthDst(OTHER_MAC)),
        row(
            "src",
            b -> b.nwSrc(IpSubnet.parse("198.51.100.0/24")),
            b -> b.nwSrc(Match.not(IpSubnet.parse("198.51.100.0/24"))),
            base,
            base.withNwSrc("198.51.101.10")),
        row(
            "dst",
            b -> b.nwDst(IpSubnet.parse("203.0.113.1/32")),
            b -> b.nwDst(Match.not(IpSubnet.parse("203.0.113.1/32"))),
            base,
            base.withNwDst("203.0.113.2")),
        row("proto", b -> b.nwProto(17), b -> b.nwProto(Match.not(17)), base, base.withNwProto(6)),
        row(
            "src-port",
            b -> b.nwProto(17).tpSrc(new PortRange(40000, 40010)),
            b -> b.nwProto(17).tpSrc(Match.not(new PortRange(40000, 40010))),
            base,
            base.withTpSrc(40011)),
        row(
            "dst-port",
            b -> b.nwProto(17).tpDst(PortRange.of(500)),
            b -> b.nwProto(17).tpDst(Match.not(PortRange.of(500))),
            base,
            base.withTpDst(501)));
  }

  private static Arguments row(
      String field,
      Function<Condition.Builder, Condition.Builder> is,
      Function<Condition.Builder, Condition.Builder> not,
      TestPacket inside,
      TestPacket outside) {
    return Arguments.of(field, is, not, inside, outside);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void eachFieldMatchesAndInverts(
      String field,
      Function<Condition.Builder, Condition.Builder> is,
      Function<Condition.Builder, Condition.Builder> not,
      TestPacket inside,
      TestPacket outside) {
    Condition plain = is.apply(Condition.builder()).build();
    Condition fieldInverted = not.apply(Condition.builder()).build();
    Condition wholeInverted = is.apply(Condition.builder()).inverted(true).build();

    assertThat(plain.matches(inside)).as("%s matches a packet inside", field).isTrue();
    assertThat(plain.matches(outside)).as("%s rejects a packet outside", field).isFalse();
    assertThat(fieldInverted.matches(inside)).as("!%s rejects a packet inside", field).isFalse();
    assertThat(fieldInverted.matches(outside)).as("!%s matches a packet outside", field).isTrue();
    assertThat(wholeInverted.matches(inside)).as("inv %s", field).isFalse();
    assertThat(wholeInverted.matches(outside)).as("inv %s", field).isTrue();
  }

  @Test
  void emptyConditionMatchesEverything() {
    assertThat(Condition.ANY.matches(TestPacket.udp())).isTrue();
    assertThat(Condition.ANY.matches(TestPacket.arp())).isTrue();
    assertThat(Condition.ANY.toString()).isEqualTo("any");
  }

  @Test
  void aPacketLackingTheFieldFailsIsAndSatisfiesNot() {
    TestPacket arp = TestPacket.arp();
    assertThat(Condition.builder().nwDst(IpSubnet.parse("0.0.0.0/0")).build().matches(arp))
        .isFalse();
    assertThat(
            Condition.builder().nwDst(Match.not(IpSubnet.parse("0.0.0.0/0"))).build().matches(arp))
        .isTrue();
    assertThat(Condition.builder().nwProto(Match.not(6)).build().matches(arp)).isTrue();
    assertThat(Condition.builder().inPorts(P1).build().matches(TestPacket.udp())).isFalse();
    assertThat(Condition.builder().inPorts(Match.not(Set.of(P1))).build().matches(TestPacket.udp()))
        .isTrue();
    assertThat(Condition.builder().nwSrc(IpSubnet.parse("::/0")).build().matches(TestPacket.udp()))
        .as("other family")
        .isFalse();
  }

  @Test
  void allFieldsMustMatchTogether() {
    Condition c =
        Condition.builder()
            .nwDst(IpSubnet.parse("203.0.113.1/32"))
            .nwProto(17)
            .tpDst(PortRange.of(500))
            .build();
    assertThat(c.matches(TestPacket.udp())).isTrue();
    assertThat(c.matches(TestPacket.udp().withNwProto(6))).isFalse();
    assertThat(c.matches(TestPacket.udp().withTpDst(4500))).isFalse();
    assertThat(c.matches(TestPacket.udp().withNwDst("203.0.113.9"))).isFalse();
  }

  @Test
  void fragmentPoliciesFollowMidonet() {
    TestPacket whole = TestPacket.udp();
    TestPacket first = whole.asFragment(FragmentType.FIRST);
    TestPacket later = whole.asFragment(FragmentType.LATER);
    assertThat(accepts(FragmentPolicy.ANY, whole, first, later)).containsExactly(true, true, true);
    assertThat(accepts(FragmentPolicy.HEADER, whole, first, later))
        .containsExactly(true, true, false);
    assertThat(accepts(FragmentPolicy.NONHEADER, whole, first, later))
        .containsExactly(false, false, true);
    assertThat(accepts(FragmentPolicy.UNFRAGMENTED, whole, first, later))
        .containsExactly(true, false, false);
  }

  private static Boolean[] accepts(FragmentPolicy policy, TestPacket... packets) {
    Condition c = Condition.builder().fragmentPolicy(policy).build();
    return Stream.of(packets).map(c::matches).toArray(Boolean[]::new);
  }

  @Test
  void portMatchesDefaultToHeaderFragmentsAndNeverSeeLaterOnes() {
    Condition c = Condition.builder().nwProto(17).tpDst(PortRange.of(500)).build();
    assertThat(c.fragmentPolicy()).isEqualTo(FragmentPolicy.HEADER);
    assertThat(c.matches(TestPacket.udp().asFragment(FragmentType.FIRST))).isTrue();
    assertThat(c.matches(TestPacket.udp().asFragment(FragmentType.LATER))).isFalse();
    assertThat(Condition.builder().nwProto(17).build().fragmentPolicy())
        .isEqualTo(FragmentPolicy.ANY);
  }

  @Test
  void refusesInvalidFieldValuesNamingTheField() {
    assertThatThrownBy(() -> Condition.builder().nwProto(256).build())
        .isInstanceOf(InvalidValueException.class)
        .hasMessage("proto: invalid value '256': must be 0..255");
    assertThatThrownBy(() -> Condition.builder().nwProto(-1).build())
        .hasMessageStartingWith("proto:");
    assertThatThrownBy(() -> Condition.builder().etherType(0x10000).build())
        .hasMessageStartingWith("ethertype:");
    assertThatThrownBy(() -> Condition.builder().tpDst(PortRange.of(500)).build())
        .hasMessageStartingWith("dst-port:")
        .hasMessageContaining("needs proto 6 (tcp), 17 (udp) or 132 (sctp)");
    assertThatThrownBy(
            () -> Condition.builder().nwProto(Match.not(17)).tpSrc(PortRange.of(1)).build())
        .hasMessageStartingWith("src-port:");
    assertThatThrownBy(
            () ->
                Condition.builder()
                    .nwProto(6)
                    .tpDst(PortRange.of(22))
                    .fragmentPolicy(FragmentPolicy.ANY)
                    .build())
        .hasMessageStartingWith("fragment-policy: invalid value 'any'");
    assertThatThrownBy(() -> Condition.builder().inPorts(Match.is(Set.of())).build())
        .hasMessageStartingWith("in-ports:");
    assertThatThrownBy(
            () ->
                Condition.builder()
                    .nwSrc(IpSubnet.parse("10.0.0.0/8"))
                    .nwDst(IpSubnet.parse("::/0"))
                    .build())
        .hasMessageStartingWith("dst:")
        .hasMessageContaining("IPv6 but src is IPv4");
  }

  @Test
  void describesItselfInMidonetCliTerms() {
    Condition c =
        Condition.builder()
            .nwDst(IpSubnet.parse("201.201.201.1/32"))
            .nwProto(17)
            .tpDst(PortRange.of(500))
            .build();
    assertThat(c).hasToString("dst 201.201.201.1/32 proto 17 dst-port 500 fragment-policy header");
    assertThat(Condition.builder().nwProto(Match.not(50)).inverted(true).build())
        .hasToString("inv !proto 50");
  }

  @Test
  void portRangeParsesCliForms() {
    assertThat(PortRange.parse("500")).isEqualTo(PortRange.of(500));
    assertThat(PortRange.parse("1000:2000")).isEqualTo(new PortRange(1000, 2000));
    assertThat(new PortRange(1000, 2000)).hasToString("1000:2000");
    assertThatThrownBy(() -> PortRange.parse("65536")).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> PortRange.parse("2000:1000"))
        .hasMessageContaining("start must not exceed end");
    assertThatThrownBy(() -> PortRange.parse("x")).hasMessageContaining("port range");
    assertThatThrownBy(() -> new PortRange(-1, 5)).hasMessageContaining("0..65535");
  }

  @Test
  void fragmentPolicyParsesItsTextOnly() {
    assertThat(FragmentPolicy.parse("fragment-policy", "header")).isEqualTo(FragmentPolicy.HEADER);
    assertThatThrownBy(() -> FragmentPolicy.parse("fragment-policy", "HEADER"))
        .hasMessage(
            "fragment-policy: invalid value 'HEADER': must be one of any, nonheader, header, unfragmented");
  }
}
