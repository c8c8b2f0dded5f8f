package org.nsvpn.chainrules.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

class RouteTest {
  private static final RouterId ROUTER = RouterId.random();
  private static final PortId PORT = PortId.random();
  private static final IpSubnet ANY4 = IpSubnet.parse("0.0.0.0/0");
  private static final IpSubnet DST = IpSubnet.parse("192.168.20.0/24");

  private static Route route(RouteType type, Optional<PortId> port, Optional<IpAddress> gw) {
    return new Route(RouteId.random(), ROUTER, ANY4, DST, type, port, gw, Route.DEFAULT_WEIGHT);
  }

  @Test
  void acceptsEachTypeWithItsNextHop() {
    assertThat(
            route(RouteType.NORMAL, Optional.of(PORT), Optional.of(IpAddress.parse("169.254.1.2")))
                .type())
        .isEqualTo(RouteType.NORMAL);
    assertThat(route(RouteType.NORMAL, Optional.of(PORT), Optional.empty()).nextHopGateway())
        .isEmpty();
    assertThat(route(RouteType.LOCAL, Optional.of(PORT), Optional.empty()).nextHopPort())
        .contains(PORT);
    assertThat(route(RouteType.BLACKHOLE, Optional.empty(), Optional.empty()).nextHopPort())
        .isEmpty();
    assertThat(route(RouteType.REJECT, Optional.empty(), Optional.empty()).type())
        .isEqualTo(RouteType.REJECT);
  }

  @Test
  void refusesInconsistentNextHops() {
    assertThatThrownBy(() -> route(RouteType.NORMAL, Optional.empty(), Optional.empty()))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("port:")
        .hasMessageContaining("needs a next-hop port");
    assertThatThrownBy(() -> route(RouteType.BLACKHOLE, Optional.of(PORT), Optional.empty()))
        .hasMessageStartingWith("port:")
        .hasMessageContaining("has no next hop");
    assertThatThrownBy(
            () ->
                route(RouteType.REJECT, Optional.empty(), Optional.of(IpAddress.parse("10.0.0.1"))))
        .hasMessageStartingWith("gw:");
    assertThatThrownBy(
            () ->
                route(RouteType.LOCAL, Optional.of(PORT), Optional.of(IpAddress.parse("10.0.0.1"))))
        .hasMessageContaining("local route has no gateway");
    assertThatThrownBy(
            () ->
                route(
                    RouteType.NORMAL,
                    Optional.of(PORT),
                    Optional.of(IpAddress.parse("2001:db8::1"))))
        .hasMessageStartingWith("gw:")
        .hasMessageContaining("not of the destination's family IPv4");
  }

  @Test
  void refusesMixedFamiliesAndBadWeights() {
    assertThatThrownBy(
            () ->
                new Route(
                    RouteId.random(),
                    ROUTER,
                    IpSubnet.parse("::/0"),
                    DST,
                    RouteType.BLACKHOLE,
                    Optional.empty(),
                    Optional.empty(),
                    1))
        .hasMessageStartingWith("src:");
    assertThatThrownBy(
            () ->
                new Route(
                    RouteId.random(),
                    ROUTER,
                    ANY4,
                    DST,
                    RouteType.BLACKHOLE,
                    Optional.empty(),
                    Optional.empty(),
                    -1))
        .hasMessage("weight: invalid value '-1': must be in 0..65535");
    assertThatThrownBy(
            () ->
                new Route(
                    RouteId.random(),
                    ROUTER,
                    ANY4,
                    null,
                    RouteType.BLACKHOLE,
                    Optional.empty(),
                    Optional.empty(),
                    1))
        .hasMessageStartingWith("dst:");
  }

  @Test
  void typeParsesCliText() {
    assertThat(RouteType.parse("type", "blackhole")).isEqualTo(RouteType.BLACKHOLE);
    assertThatThrownBy(() -> RouteType.parse("type", "nomal"))
        .hasMessage("type: invalid value 'nomal': must be one of normal, blackhole, reject, local");
  }
}
