package org.nsvpn.namespacemanager;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.chainrules.vpn.StaticNeighbour;
import org.nsvpn.namespacemanager.testing.Specs;

/** What the manager refuses before touching the kernel, beyond NamespaceSpec's own checks. */
class NamespaceSpecValidationTest {
  private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");

  private static NamespaceSpec spec(List<InterfaceAddress> addresses, List<StaticNeighbour> n) {
    return new NamespaceSpec(
        "ns", "a0ns", "a0dp", MAC, addresses, Ipv4Address.parse("169.254.1.1"), n);
  }

  @Test
  void theSeedIsValid() {
    assertThatCode(() -> NetlinkNamespaceManager.validate(Specs.seed002("ns", "a0ns", "a0dp")))
        .doesNotThrowAnyException();
  }

  @Test
  void loopbackIsNotAnInterfaceName() {
    assertThatThrownBy(() -> NetlinkNamespaceManager.validate(Specs.seed002("ns", "lo", "a0dp")))
        .hasMessageStartingWith("interface name: invalid value 'lo'");
  }

  @Test
  void neighbourOfAFamilyWithoutAddress() {
    NamespaceSpec spec =
        spec(
            List.of(InterfaceAddress.parse("169.254.1.2/30")),
            List.of(new StaticNeighbour(IpAddress.parse("2001:db8::1"), MAC)));
    assertThatThrownBy(() -> NetlinkNamespaceManager.validate(spec))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage(
            "neighbour address: invalid value '2001:db8::1': is IPv6 but the interface has no such"
                + " address");
  }

  @Test
  void duplicatesAndOwnAddressesAsNeighbours() {
    assertThatThrownBy(
            () ->
                NetlinkNamespaceManager.validate(
                    spec(
                        List.of(
                            InterfaceAddress.parse("169.254.1.2/30"),
                            InterfaceAddress.parse("169.254.1.2/32")),
                        List.of())))
        .hasMessageStartingWith("addresses:");
    StaticNeighbour gw = new StaticNeighbour(IpAddress.parse("169.254.1.1"), MAC);
    assertThatThrownBy(
            () ->
                NetlinkNamespaceManager.validate(
                    spec(List.of(InterfaceAddress.parse("169.254.1.2/30")), List.of(gw, gw))))
        .hasMessageStartingWith("neighbours:");
    assertThatThrownBy(
            () ->
                NetlinkNamespaceManager.validate(
                    spec(
                        List.of(InterfaceAddress.parse("169.254.1.2/30")),
                        List.of(new StaticNeighbour(IpAddress.parse("169.254.1.2"), MAC)))))
        .hasMessageStartingWith("neighbour address:");
  }
}
