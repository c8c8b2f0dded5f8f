package org.nsvpn.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nsvpn.simulator.testing.Seed002Network.GATEWAY;
import static org.nsvpn.simulator.testing.Seed002Network.GATEWAY_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE_IP;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE_PORT_IP;
import static org.nsvpn.simulator.testing.Seed002Network.NAMESPACE_PORT_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.PEER_HOST_IP;
import static org.nsvpn.simulator.testing.Seed002Network.PEER_PUBLIC_IP;
import static org.nsvpn.simulator.testing.Seed002Network.PUBLIC_IP;
import static org.nsvpn.simulator.testing.Seed002Network.ROUTER;
import static org.nsvpn.simulator.testing.Seed002Network.TENANT_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK;
import static org.nsvpn.simulator.testing.Seed002Network.UPLINK_MAC;
import static org.nsvpn.simulator.testing.Seed002Network.VM;
import static org.nsvpn.simulator.testing.Seed002Network.VM_IP;
import static org.nsvpn.simulator.testing.Seed002Network.VM_MAC;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.EthernetFrame;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.packet.TcpSegment;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.LearningConfig;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.ManualTicker;
import org.nsvpn.simulator.testing.Seed002Network;
import org.nsvpn.simulator.testing.TestNetwork;

/**
 * The six scenarios of the simulator issue, on the seed-002 network built with the chain-rules VPN
 * redirect plan. The test plays the IPsec namespace, the uplink gateway and the VM: it injects
 * their frames and reads what the virtual network emits towards them.
 */
class Seed002ScenarioTest {
  private static final Bytes ESP_BODY = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10");
  private static final Bytes DATA = Bytes.fromHex("48656c6c6f2c207369746520622100");

  private final TestNetwork net = Seed002Network.build();
  private final NetworkState state =
      NetworkState.create(new ManualTicker(), LearningConfig.DEFAULT);
  private final Simulator sim = net.simulator(state);
  private final PortId uplink = net.port(UPLINK);
  private final PortId namespace = net.port(NAMESPACE);
  private final PortId vm = net.port(VM);

  // ---- frames the outside world sends ---------------------------------------------------------

  private static EthernetFrame espFromPeer() {
    return Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
        .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
        .ttl(57)
        .identification(0x1c46)
        .esp(0xc0ffee01L, 7, ESP_BODY);
  }

  private static EthernetFrame udpFromPeer(int port) {
    return Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
        .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
        .ttl(57)
        .udp(port, port, Bytes.fromHex("deadbeef"));
  }

  /** Cleartext from the VM to a host behind the peer, as the VM sends it (to its gateway). */
  private static EthernetFrame cleartextFromVm(int ttl) {
    return Packets.ethernet(VM_MAC, TENANT_MAC)
        .ipv4(VM_IP, PEER_HOST_IP)
        .ttl(ttl)
        .udp(40000, 7, DATA);
  }

  /** ESP the namespace sends towards the peer: from the public IP, to its static neighbour. */
  private static EthernetFrame espFromNamespace(int ttl) {
    return Packets.ethernet(UPLINK_MAC, NAMESPACE_PORT_MAC)
        .ipv4(PUBLIC_IP, PEER_PUBLIC_IP)
        .ttl(ttl)
        .esp(0x0badf00dL, 1, ESP_BODY);
  }

  /** A decrypted packet the namespace forwards to the local VM. */
  private static EthernetFrame decryptedFromNamespace(int ttl) {
    return Packets.ethernet(UPLINK_MAC, NAMESPACE_PORT_MAC)
        .ipv4(PEER_HOST_IP, VM_IP)
        .ttl(ttl)
        .udp(7, 40000, DATA);
  }

  private static byte[] arpReply(
      MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp) {
    return Packets.ethernet(senderMac, targetMac)
        .arpReply(senderIp, targetMac, targetIp)
        .paddedTo(60)
        .encode();
  }

  private static byte[] arpRequest(MacAddress from, Ipv4Address sender, Ipv4Address target) {
    return Packets.ethernet(from, MacAddress.BROADCAST).arpRequest(sender, target).encode();
  }

  /** Plays the uplink gateway answering the router's ARP request. */
  private SimulationResult gatewayAnswers() {
    return sim.simulate(uplink, arpReply(GATEWAY_MAC, GATEWAY, UPLINK_MAC, PUBLIC_IP));
  }

  /** Plays the IPsec namespace answering the router's ARP request for 169.254.1.2. */
  private SimulationResult namespaceAnswers() {
    return sim.simulate(
        namespace, arpReply(UPLINK_MAC, NAMESPACE_IP, NAMESPACE_PORT_MAC, NAMESPACE_PORT_IP));
  }

  // ---- 1. incoming ESP / IKE / NAT-T ----------------------------------------------------------

  @Nested
  class IncomingIpsecIsRedirectedToTheNamespace {

    @Test
    void espToThePublicIpLeavesByTheNamespacePortUnchanged() {
      byte[] esp = espFromPeer().encode();

      SimulationResult result = sim.simulate(uplink, esp);

      assertThat(result).isInstanceOf(SimulationResult.Emit.class);
      assertThat(result.emissions())
          .containsExactly(Emission.of(namespace, esp, EmissionKind.REDIRECTED));
    }

    @ParameterizedTest
    @ValueSource(ints = {VpnRedirectPlan.PORT_IKE, VpnRedirectPlan.PORT_NAT_T})
    void ikeAndNatTraversalToThePublicIpLeaveByTheNamespacePortUnchanged(int port) {
      byte[] ike = udpFromPeer(port).encode();

      SimulationResult result = sim.simulate(uplink, ike);

      assertThat(result.emissions())
          .containsExactly(Emission.of(namespace, ike, EmissionKind.REDIRECTED));
    }

    @Test
    void otherTrafficToThePublicIpIsNotRedirected() {
      byte[] udp501 = udpFromPeer(501).encode();
      byte[] ssh =
          Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
              .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
              .tcp(51000, 22, TcpSegment.SYN)
              .encode();

      for (byte[] frame : new byte[][] {udp501, ssh}) {
        SimulationResult result = sim.simulate(uplink, frame);
        assertThat(result).isInstanceOf(SimulationResult.Drop.class);
        assertThat(((SimulationResult.Drop) result).reason()).isEqualTo(DropReason.LOCAL_UNHANDLED);
        assertThat(result.emissions()).isEmpty();
      }
    }

    @Test
    void espToAnotherAddressIsNotRedirected() {
      byte[] esp =
          Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
              .ipv4(PEER_PUBLIC_IP, Ipv4Address.parse("201.201.201.7"))
              .esp(1, 1, ESP_BODY)
              .encode();

      SimulationResult result = sim.simulate(uplink, esp);

      assertThat(result.on(namespace)).isEmpty();
    }

    @Test
    void laterFragmentsOfEspAreRedirectedButThoseOfIkeAreNot() {
      // The ESP rule matches on protocol alone; the IKE rules need a UDP header (documented limit).
      byte[] espFragment =
          Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
              .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
              .fragment(185, false)
              .raw(50, ESP_BODY)
              .encode();
      byte[] ikeFragment =
          Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
              .ipv4(PEER_PUBLIC_IP, PUBLIC_IP)
              .fragment(185, false)
              .raw(17, ESP_BODY)
              .encode();

      assertThat(sim.simulate(uplink, espFragment).emissions())
          .containsExactly(Emission.of(namespace, espFragment, EmissionKind.REDIRECTED));
      assertThat(sim.simulate(uplink, ikeFragment).on(namespace)).isEmpty();
    }
  }

  // ---- 2. cleartext local -> peer goes to the namespace ---------------------------------------

  @Test
  void cleartextToThePeerIsRoutedToTheNamespaceWithItsMacAndTtlDecremented() {
    SimulationResult first = sim.simulate(vm, cleartextFromVm(64).encode());

    // The router does not know the namespace's MAC yet: it holds the packet and asks.
    assertThat(first).isInstanceOf(SimulationResult.Hold.class);
    assertThat(first.emissions())
        .containsExactly(
            Emission.of(
                namespace,
                Packets.ethernet(NAMESPACE_PORT_MAC, MacAddress.BROADCAST)
                    .arpRequest(NAMESPACE_PORT_IP, NAMESPACE_IP)
                    .encode(),
                EmissionKind.ARP_REQUEST));

    // The namespace answers with its interface MAC, which is the router's uplink MAC.
    SimulationResult answered = namespaceAnswers();

    byte[] expected =
        Packets.ethernet(NAMESPACE_PORT_MAC, UPLINK_MAC)
            .ipv4(VM_IP, PEER_HOST_IP)
            .ttl(63)
            .udp(40000, 7, DATA)
            .encode();
    assertThat(answered).isInstanceOf(SimulationResult.Consume.class);
    assertThat(answered.emissions())
        .containsExactly(Emission.of(namespace, expected, EmissionKind.RELEASED));

    // From now on the packet goes straight through, and never towards the uplink.
    SimulationResult next = sim.simulate(vm, cleartextFromVm(64).encode());
    assertThat(next).isInstanceOf(SimulationResult.Emit.class);
    assertThat(next.emissions())
        .containsExactly(Emission.of(namespace, expected, EmissionKind.FORWARDED));
    assertThat(state.arpCache(net.router(ROUTER)).lookup(namespace, NAMESPACE_IP))
        .contains(UPLINK_MAC);
  }

  // ---- 3. ESP from the namespace goes out of the uplink ---------------------------------------

  @Test
  void espFromTheNamespaceIsRoutedOutOfTheUplinkWithTheUplinkMacAsSource() {
    SimulationResult first = sim.simulate(namespace, espFromNamespace(64).encode());

    assertThat(first).isInstanceOf(SimulationResult.Hold.class);
    assertThat(first.emissions())
        .containsExactly(
            Emission.of(
                uplink,
                Packets.ethernet(UPLINK_MAC, MacAddress.BROADCAST)
                    .arpRequest(PUBLIC_IP, GATEWAY)
                    .encode(),
                EmissionKind.ARP_REQUEST));

    SimulationResult answered = gatewayAnswers();

    byte[] expected =
        Packets.ethernet(UPLINK_MAC, GATEWAY_MAC)
            .ipv4(PUBLIC_IP, PEER_PUBLIC_IP)
            .ttl(63)
            .esp(0x0badf00dL, 1, ESP_BODY)
            .encode();
    assertThat(answered.emissions())
        .containsExactly(Emission.of(uplink, expected, EmissionKind.RELEASED));
    assertThat(sim.simulate(namespace, espFromNamespace(64).encode()).emissions())
        .containsExactly(Emission.of(uplink, expected, EmissionKind.FORWARDED));
  }

  // ---- 4. decrypted traffic from the namespace reaches the VM ---------------------------------

  @Test
  void decryptedTrafficFromTheNamespaceIsDeliveredToTheVmPort() {
    SimulationResult first = sim.simulate(namespace, decryptedFromNamespace(64).encode());

    // The router asks for the VM on the tenant port; the bridge floods the request to the VM.
    assertThat(first).isInstanceOf(SimulationResult.Hold.class);
    assertThat(first.emissions())
        .containsExactly(
            Emission.of(
                vm,
                Packets.ethernet(TENANT_MAC, MacAddress.BROADCAST)
                    .arpRequest(Ipv4Address.parse("192.168.10.1"), VM_IP)
                    .encode(),
                EmissionKind.ARP_REQUEST));

    SimulationResult answered =
        sim.simulate(vm, arpReply(VM_MAC, VM_IP, TENANT_MAC, Ipv4Address.parse("192.168.10.1")));

    byte[] expected =
        Packets.ethernet(TENANT_MAC, VM_MAC)
            .ipv4(PEER_HOST_IP, VM_IP)
            .ttl(63)
            .udp(7, 40000, DATA)
            .encode();
    assertThat(answered).isInstanceOf(SimulationResult.Consume.class);
    assertThat(answered.emissions())
        .containsExactly(Emission.of(vm, expected, EmissionKind.RELEASED));
    assertThat(sim.simulate(namespace, decryptedFromNamespace(64).encode()).emissions())
        .containsExactly(Emission.of(vm, expected, EmissionKind.FORWARDED));
  }

  // ---- 5. fail closed -------------------------------------------------------------------------

  @Nested
  class FailClosed {

    /** The router knows every neighbour, so only the port state can stop a packet. */
    private Simulator primed(TestNetwork network) {
      Simulator s = network.simulator(state);
      state.arpCache(net.router(ROUTER)).putPermanent(namespace, NAMESPACE_IP, UPLINK_MAC);
      state.arpCache(net.router(ROUTER)).putPermanent(uplink, GATEWAY, GATEWAY_MAC);
      return s;
    }

    @Test
    void beforeTheAgentInstalledItsPlanTheRouterStillKeepsProtectedTrafficOffTheUplink() {
      // The service and its connection exist, the redirect plan (routes to the namespace) does
      // not yet: the default route would carry the cleartext out of the uplink.
      Simulator s = primed(Seed002Network.withoutVpn());

      SimulationResult result = s.simulate(vm, cleartextFromVm(64).encode());

      assertThat(result).isInstanceOf(SimulationResult.Drop.class);
      assertThat(((SimulationResult.Drop) result).reason()).isEqualTo(DropReason.VPN_FAIL_CLOSED);
      assertThat(result.emissions()).isEmpty();
    }

    @Test
    void withoutAnIpsecSiteConnectionTheSameTrafficIsRoutedAsUsual() {
      TestNetwork plain = Seed002Network.withoutVpn();
      var service = plain.topology().vpnServices().iterator().next();
      var builder = plain.topology().toBuilder();
      plain.topology().connections(service.id()).forEach(c -> builder.remove(c.id()));
      plain = plain.withTopology(builder.remove(service.id()).build());
      Simulator s = primed(plain);

      SimulationResult result = s.simulate(vm, cleartextFromVm(64).encode());

      assertThat(result.on(uplink)).hasSize(1);
    }

    @Test
    void withTheNamespacePortDownCleartextIsDroppedAndNeverReachesTheUplink() {
      Simulator s = primed(net.portDown(NAMESPACE));

      SimulationResult result = s.simulate(vm, cleartextFromVm(64).encode());

      assertThat(result).isInstanceOf(SimulationResult.Drop.class);
      assertThat(((SimulationResult.Drop) result).reason()).isEqualTo(DropReason.EGRESS_PORT_DOWN);
      assertThat(result.emissions()).isEmpty();
    }

    @Test
    void withTheNamespaceUnboundCleartextIsDroppedAndNeverReachesTheUplink() {
      Simulator s = primed(net.unbind(NAMESPACE));

      SimulationResult result = s.simulate(vm, cleartextFromVm(64).encode());

      assertThat(result).isInstanceOf(SimulationResult.Drop.class);
      assertThat(((SimulationResult.Drop) result).reason())
          .isEqualTo(DropReason.EGRESS_PORT_UNBOUND);
      assertThat(result.emissions()).isEmpty();
    }

    @Test
    void withTheNamespaceDownOrUnboundIncomingEspIsDroppedNotDeliveredElsewhere() {
      for (TestNetwork broken :
          new TestNetwork[] {net.portDown(NAMESPACE), net.unbind(NAMESPACE)}) {
        SimulationResult result = primed(broken).simulate(uplink, espFromPeer().encode());

        assertThat(result).isInstanceOf(SimulationResult.Drop.class);
        assertThat(((SimulationResult.Drop) result).reason())
            .isEqualTo(DropReason.REDIRECT_TARGET_UNAVAILABLE);
        assertThat(result.emissions()).isEmpty();
      }
    }
  }

  // ---- 6. ARP on the namespace link -----------------------------------------------------------

  @Nested
  class ArpOnTheNamespaceLink {

    @Test
    void theRouterAnswersArpForItsNamespacePortAddress() {
      byte[] request = arpRequest(UPLINK_MAC, NAMESPACE_IP, NAMESPACE_PORT_IP);

      SimulationResult result = sim.simulate(namespace, request);

      assertThat(result).isInstanceOf(SimulationResult.Consume.class);
      assertThat(result.emissions())
          .containsExactly(
              Emission.of(
                  namespace,
                  Packets.ethernet(NAMESPACE_PORT_MAC, UPLINK_MAC)
                      .arpReply(NAMESPACE_PORT_IP, UPLINK_MAC, NAMESPACE_IP)
                      .encode(),
                  EmissionKind.ARP_REPLY));
    }

    @Test
    void anArpRequestSourcedFromThePublicIpIsNeverAnswered() {
      // Why the namespace needs a permanent neighbour entry (seed 002).
      byte[] request = arpRequest(UPLINK_MAC, PUBLIC_IP, NAMESPACE_PORT_IP);

      SimulationResult result = sim.simulate(namespace, request);

      assertThat(result).isInstanceOf(SimulationResult.Drop.class);
      assertThat(((SimulationResult.Drop) result).reason()).isEqualTo(DropReason.ARP_NOT_HANDLED);
      assertThat(result.emissions()).isEmpty();
      assertThat(state.arpCache(net.router(ROUTER)).contains(namespace, PUBLIC_IP)).isFalse();
    }

    @Test
    void trafficBetweenNamespaceAndRouterNeedsNoArpOnTheNamespaceLink() {
      // Empty cache: incoming ESP is redirected at L2, no resolution needed.
      assertThat(sim.simulate(uplink, espFromPeer().encode()))
          .isInstanceOf(SimulationResult.Emit.class);

      // Empty cache: the namespace sends straight to the router port MAC (its static entry); the
      // router takes it and only ever asks on the uplink, for the gateway.
      SimulationResult out = sim.simulate(namespace, espFromNamespace(64).encode());
      assertThat(out.on(namespace)).isEmpty();
      assertThat(out.on(uplink))
          .extracting(Emission::kind)
          .containsExactly(EmissionKind.ARP_REQUEST);
      assertThat(gatewayAnswers().on(uplink))
          .extracting(Emission::kind)
          .containsExactly(EmissionKind.RELEASED);

      assertThat(state.arpCache(net.router(ROUTER)).contains(namespace, NAMESPACE_IP)).isFalse();
    }
  }
}
