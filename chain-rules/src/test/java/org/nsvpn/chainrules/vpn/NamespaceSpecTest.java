package org.nsvpn.chainrules.vpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;

class NamespaceSpecTest {
  private static final MacAddress MAC = MacAddress.parse("ac:ca:ba:4a:61:c5");
  private static final List<InterfaceAddress> ADDRESSES =
      List.of(InterfaceAddress.parse("169.254.1.2/30"), InterfaceAddress.parse("201.201.201.1/32"));
  private static final Ipv4Address GW = Ipv4Address.parse("169.254.1.1");

  private static NamespaceSpec spec(String name, String inner, String outer) {
    return new NamespaceSpec(name, inner, outer, MAC, ADDRESSES, GW, List.of());
  }

  @Test
  void derivedNamesAlwaysFit() {
    for (int i = 0; i < 1000; i++) {
      VpnServiceId id = VpnServiceId.random();
      NamespaceSpec s =
          spec(VpnNames.namespace(id), VpnNames.namespaceInterface(id), VpnNames.hostInterface(id));
      assertThat(s.interfaceName()).hasSize(15);
      assertThat(s.hostInterfaceName()).hasSize(15);
      assertThat(s.name()).hasSize(36);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "../etc", "a/b", "ns name", "-leading", "x;rm"})
  void refusesNamespaceNamesThatAreNotPlainFileNames(String name) {
    assertThatThrownBy(() -> spec(name, "v0ns", "v0dp"))
        .hasMessageStartingWith("namespace name: invalid value");
  }

  @Test
  void refusesBadInterfacesAddressesAndGateways() {
    assertThatThrownBy(() -> spec("ns", "sixteen-chars-xx", "v0dp"))
        .hasMessageStartingWith("interface name:");
    assertThatThrownBy(() -> spec("ns", "v0", "v0")).hasMessageStartingWith("host interface name:");
    assertThatThrownBy(
            () -> new NamespaceSpec("ns", "a", "b", MacAddress.BROADCAST, ADDRESSES, GW, List.of()))
        .hasMessageStartingWith("interface mac:");
    assertThatThrownBy(() -> new NamespaceSpec("ns", "a", "b", MAC, List.of(), GW, List.of()))
        .hasMessageStartingWith("addresses:");
    assertThatThrownBy(
            () ->
                new NamespaceSpec(
                    "ns", "a", "b", MAC, ADDRESSES, Ipv4Address.parse("169.254.1.9"), List.of()))
        .hasMessageStartingWith("default gateway: invalid value '169.254.1.9': is not on-link");
    assertThatThrownBy(
            () ->
                new NamespaceSpec(
                    "ns", "a", "b", MAC, ADDRESSES, Ipv4Address.parse("169.254.1.2"), List.of()))
        .as("the namespace's own address is no gateway")
        .hasMessageStartingWith("default gateway:");
    assertThatThrownBy(
            () ->
                new StaticNeighbour(
                    IpAddress.parse("169.254.1.1"), MacAddress.parse("01:00:5e:00:00:01")))
        .hasMessageStartingWith("neighbour mac:");
    assertThatThrownBy(
            () ->
                new NamespaceSpec(
                    "ns",
                    "a",
                    "b",
                    MAC,
                    ADDRESSES,
                    GW,
                    List.of(),
                    List.of(InterfaceAddress.parse("10.1.0.1/24")),
                    List.of()))
        .hasMessageStartingWith(
            "loopback addresses: invalid value '10.1.0.1/24': must be a host address");
    assertThatThrownBy(
            () ->
                new NamespaceSpec(
                    "ns",
                    "a",
                    "b",
                    MAC,
                    ADDRESSES,
                    GW,
                    List.of(),
                    List.of(InterfaceAddress.parse("201.201.201.1/32")),
                    List.of()))
        .hasMessageContaining("also on the interface");
  }

  @Test
  void blackholeRoutesMustLeaveIkeAndTheLinkAlone() {
    assertThatThrownBy(() -> withBlackholes("0.0.0.0/0"))
        .hasMessageStartingWith(
            "blackhole routes: invalid value '0.0.0.0/0': must not be a default");
    assertThatThrownBy(() -> withBlackholes("169.254.1.0/24"))
        .hasMessageContaining("covers the default gateway");
    assertThatThrownBy(() -> withBlackholes("201.201.0.0/16"))
        .hasMessageContaining("covers the namespace's own address 201.201.201.1/32");
    assertThatThrownBy(() -> withBlackholes("10.2.0.0/24", "10.2.0.0/24"))
        .hasMessageContaining("twice");
    assertThat(withBlackholes("10.2.0.0/24", "10.3.0.0/24").blackholeRoutes())
        .containsExactly(IpSubnet.parse("10.2.0.0/24"), IpSubnet.parse("10.3.0.0/24"));
  }

  private static NamespaceSpec withBlackholes(String... destinations) {
    return new NamespaceSpec(
        "ns",
        "a",
        "b",
        MAC,
        ADDRESSES,
        GW,
        List.of(),
        List.of(),
        java.util.Arrays.stream(destinations).map(IpSubnet::parse).toList());
  }
}
