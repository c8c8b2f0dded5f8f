package org.nsvpn.benchmarks.simulator;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;
import org.nsvpn.simulator.Simulator;
import org.nsvpn.simulator.packet.Bytes;
import org.nsvpn.simulator.packet.Frame;
import org.nsvpn.simulator.packet.Packets;
import org.nsvpn.simulator.result.SimulationResult;
import org.nsvpn.simulator.state.ArpCache;
import org.nsvpn.simulator.state.NetworkState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Simulations per second on one thread over the seed-002 VPN network (router, tenant bridge,
 * namespace port and redirect rules from {@link VpnRedirectPlan}), every neighbour resolved:
 *
 * <ul>
 *   <li>{@code redirectEsp}: ESP from the peer to the public IP, redirected to the namespace port;
 *   <li>{@code routedLocalToPeer}: cleartext from a VM through the bridge and the router to the
 *       namespace port (MACs rewritten, TTL decremented);
 *   <li>{@code bridged}: a frame between two VMs on the tenant bridge (learned MACs);
 *   <li>{@code parse*}: parsing the same frames only (a reused {@link Frame}, checksums verified).
 * </ul>
 *
 * The targets: a redirect simulation costs at most 5x a bare parse, and at least one
 * million simulations per second per core on the redirect path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SimulatorBenchmark {

  private static final MacAddress UPLINK_MAC = MacAddress.parse("ac:ca:ba:4a:61:c5");
  private static final MacAddress NS_PORT_MAC = MacAddress.parse("ac:ca:ba:43:05:45");
  private static final MacAddress TENANT_MAC = MacAddress.parse("02:00:5e:10:00:01");
  private static final MacAddress GATEWAY_MAC = MacAddress.parse("02:00:5e:ff:00:fe");
  private static final MacAddress VM1_MAC = MacAddress.parse("02:00:5e:10:00:05");
  private static final MacAddress VM2_MAC = MacAddress.parse("02:00:5e:10:00:06");
  private static final Ipv4Address PUBLIC_IP = Ipv4Address.parse("201.201.201.1");
  private static final Ipv4Address PEER_IP = Ipv4Address.parse("198.51.100.2");

  private Simulator simulator;
  private PortId uplink;
  private PortId vm1;
  private byte[] esp;
  private byte[] cleartext;
  private byte[] vmToVm;
  private final Frame frame = new Frame();

  @Setup
  public void setUp() {
    RouterId router = RouterId.random();
    BridgeId bridge = BridgeId.random();
    HostId host = HostId.random();
    VpnServiceId service = VpnServiceId.random();
    uplink = PortId.random();
    PortId tenant = PortId.random();
    PortId bridgeToRouter = PortId.random();
    vm1 = PortId.random();
    PortId vm2 = PortId.random();
    Topology t =
        Topology.builder()
            .put(new Host(host, "host1"))
            .put(Router.of(router, "router1"))
            .put(
                RouterPort.of(
                        uplink, router, UPLINK_MAC, InterfaceAddress.parse("201.201.201.1/24"))
                    .withBinding(Optional.of(new HostBinding(host, "eth0"))))
            .put(
                RouterPort.of(tenant, router, TENANT_MAC, InterfaceAddress.parse("192.168.10.1/24"))
                    .withPeer(Optional.of(bridgeToRouter)))
            .put(Bridge.of(bridge, "tenant"))
            .put(BridgePort.of(bridgeToRouter, bridge).withPeer(Optional.of(tenant)))
            .put(BridgePort.of(vm1, bridge).withBinding(Optional.of(new HostBinding(host, "tap1"))))
            .put(BridgePort.of(vm2, bridge).withBinding(Optional.of(new HostBinding(host, "tap2"))))
            .put(
                Route.normal(
                    RouteId.random(),
                    router,
                    IpSubnet.parse("0.0.0.0/0"),
                    uplink,
                    Optional.of(IpAddress.parse("201.201.201.254"))))
            .put(new VpnService(service, "vpn0", router, PUBLIC_IP, true))
            .put(
                IpsecSiteConnection.builder()
                    .id(IpsecSiteConnectionId.random())
                    .vpnService(service)
                    .name("site-b")
                    .peerAddress(PEER_IP)
                    .localCidrs(IpSubnet.parse("192.168.10.0/24"))
                    .peerCidrs(IpSubnet.parse("192.168.20.0/24"))
                    .psk(new SecretRef("site-b-psk"))
                    .build())
            .build();
    VpnRedirectPlan plan =
        VpnRedirectPlan.request(t, service).namespacePort(PortId.random(), NS_PORT_MAC).compute();
    Topology installed = t.apply(plan.installChange(t));
    RouterPort nsPort = plan.namespacePort();
    installed =
        installed.toBuilder()
            .put(
                nsPort.withBinding(
                    Optional.of(new HostBinding(host, plan.namespace().hostInterfaceName()))))
            .build();

    NetworkState state = NetworkState.create();
    ArpCache arp = state.arpCache(router);
    arp.putPermanent(nsPort.id(), plan.namespace().defaultGateway().plus(1), UPLINK_MAC);
    arp.putPermanent(uplink, IpAddress.parse("201.201.201.254"), GATEWAY_MAC);
    state.macTable(bridge).learn(0, VM2_MAC, vm2);
    simulator = Simulator.create(installed, state);

    Bytes espBody = Bytes.zeros(96);
    esp =
        Packets.ethernet(GATEWAY_MAC, UPLINK_MAC)
            .ipv4(PEER_IP, PUBLIC_IP)
            .ttl(57)
            .esp(0xc0ffee01L, 1, espBody)
            .encode();
    Bytes data = Bytes.zeros(64);
    cleartext =
        Packets.ethernet(VM1_MAC, TENANT_MAC)
            .ipv4("192.168.10.5", "192.168.20.5")
            .udp(40000, 7, data)
            .encode();
    vmToVm =
        Packets.ethernet(VM1_MAC, VM2_MAC)
            .ipv4("192.168.10.5", "192.168.10.6")
            .udp(40000, 7, data)
            .encode();

    require(simulator.simulate(uplink, esp), nsPort.id());
    require(simulator.simulate(vm1, cleartext), nsPort.id());
    require(simulator.simulate(vm1, vmToVm), vm2);
  }

  private static void require(SimulationResult r, PortId expected) {
    if (!(r instanceof SimulationResult.Emit) || !r.emissions().get(0).port().equals(expected)) {
      throw new IllegalStateException("benchmark set-up does not behave as expected: " + r);
    }
  }

  @Benchmark
  public SimulationResult redirectEsp() {
    return simulator.simulate(uplink, esp);
  }

  @Benchmark
  public boolean parseEsp() {
    return frame.parse(esp, 0, esp.length, true);
  }

  @Benchmark
  public SimulationResult routedLocalToPeer() {
    return simulator.simulate(vm1, cleartext);
  }

  @Benchmark
  public boolean parseLocalToPeer() {
    return frame.parse(cleartext, 0, cleartext.length, true);
  }

  @Benchmark
  public SimulationResult bridged() {
    return simulator.simulate(vm1, vmToVm);
  }

  @Benchmark
  public boolean parseBridged() {
    return frame.parse(vmToVm, 0, vmToVm.length, true);
  }
}
