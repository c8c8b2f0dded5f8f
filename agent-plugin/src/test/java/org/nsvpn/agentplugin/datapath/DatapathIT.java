package org.nsvpn.agentplugin.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.state.NetworkState;

/**
 * Real frames through the userspace datapath: two "VM" namespaces, each behind a veth whose host
 * end is bound to an exterior port, ping each other across a virtual bridge or a virtual router
 * that exists only in the simulator. The VM addresses are private ranges inside namespaces this
 * test creates.
 */
class DatapathIT {
  @RegisterExtension final KernelResources kernel = new KernelResources();

  private final HostId host = new HostId(UUID.randomUUID());
  private final NetworkNamespaces namespaces = NetworkNamespaces.system();
  private String vmA;
  private String vmB;
  private String hostA;
  private String hostB;
  private Datapath datapath;

  @BeforeEach
  void createVms() {
    vmA = kernel.namespace(KernelResources.unique("dpa-"));
    vmB = kernel.namespace(KernelResources.unique("dpb-"));
    hostA = kernel.hostLink(KernelResources.unique("dpa"));
    hostB = kernel.hostLink(KernelResources.unique("dpb"));
    vm(vmA, hostA);
    vm(vmB, hostB);
  }

  @AfterEach
  void closeDatapath() {
    if (datapath != null) {
      datapath.close();
    }
  }

  /** A namespace with eth0, its offloads as the kernel sets them (checksum, TSO, GSO on). */
  private void vm(String namespace, String hostEnd) {
    if (!Ip.namespaces().contains(namespace)) {
      Ip.ip("netns", "add", namespace);
    }
    Ip.ip("link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", namespace);
    Ip.ip("link", "set", hostEnd, "up");
    Ip.ip("-n", namespace, "link", "set", "lo", "up");
    Ip.ip("-n", namespace, "link", "set", "eth0", "up");
  }

  private Ip.Result ping(String from, String to) {
    return Ip.exec("ip", "netns", "exec", from, "ping", "-c", "3", "-i", "0.2", "-W", "2", to);
  }

  private Topology.Builder hostTopology() {
    return Topology.builder().put(new Host(host, "host0"));
  }

  private Optional<HostBinding> bind(String interfaceName) {
    return Optional.of(new HostBinding(host, interfaceName));
  }

  @Test
  void vmsPingEachOtherAcrossAVirtualBridge() {
    BridgeId bridge = BridgeId.random();
    PortId portA = PortId.random();
    PortId portB = PortId.random();
    Topology topology =
        hostTopology()
            .put(Bridge.of(bridge, "bridge0"))
            .put(BridgePort.of(portA, bridge).withBinding(bind(hostA)))
            .put(BridgePort.of(portB, bridge).withBinding(bind(hostB)))
            .build();
    Ip.ip("-n", vmA, "addr", "add", "10.0.0.1/24", "dev", "eth0");
    Ip.ip("-n", vmB, "addr", "add", "10.0.0.2/24", "dev", "eth0");
    datapath = Datapath.create(host, topology, NetworkState.create());
    datapath.start();
    assertThat(datapath.boundPorts()).containsEntry(portA, hostA).containsEntry(portB, hostB);

    Ip.Result ping = ping(vmA, "10.0.0.2");
    assertThat(ping.ok()).as(ping.stdout() + ping.stderr()).isTrue();
    assertThat(ping.stdout()).contains("3 received").doesNotContain("DUP!");

    // A frame is counted just after it is sent: the last reply's count may trail the ping.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              DatapathStats stats = datapath.stats();
              // ARP + 3 echo requests
              assertThat(stats.port(portA).rxFrames()).isGreaterThanOrEqualTo(4);
              assertThat(stats.port(portB).txFrames()).isGreaterThanOrEqualTo(4);
              assertThat(stats.port(portB).rxFrames()).isGreaterThanOrEqualTo(4);
              assertThat(stats.port(portA).txBytes()).isGreaterThanOrEqualTo(3 * 98L);
              assertThat(stats.sendErrors()).isZero();
            });
  }

  @Test
  void vmsPingEachOtherThroughAVirtualRouterThatExistsOnlyInTheSimulator() {
    Topology topology = routedVms();
    PortId portA = portOn(topology, hostA);
    PortId portB = portOn(topology, hostB);
    datapath = Datapath.create(host, topology, NetworkState.create());
    datapath.start();

    Ip.Result gateway = ping(vmA, "10.1.0.1");
    assertThat(gateway.stdout()).as("the router answers its own address").contains("3 received");
    Ip.Result across = ping(vmA, "10.2.0.10");
    assertThat(across.ok()).as(across.stdout() + across.stderr()).isTrue();
    assertThat(across.stdout()).contains("3 received").contains("ttl=63").doesNotContain("DUP!");

    // Unbinding B's port cuts B off; the datapath stops reading its interface.
    Topology unbound =
        topology.toBuilder()
            .put(((RouterPort) topology.port(portB).orElseThrow()).withBinding(Optional.empty()))
            .build();
    datapath.update(unbound);
    assertThat(datapath.boundPorts()).containsOnlyKeys(portA);
    assertThat(ping(vmA, "10.2.0.10").ok()).isFalse();
    assertThat(datapath.stats().drops(DropReason.EGRESS_PORT_UNBOUND)).isPositive();

    datapath.update(topology);
    assertThat(datapath.boundPorts()).containsOnlyKeys(portA, portB);
    assertThat(ping(vmA, "10.2.0.10").stdout()).contains("3 received");
  }

  /** The port of {@code topology} bound to {@code interfaceName}. */
  private static PortId portOn(Topology topology, String interfaceName) {
    return topology.ports().stream()
        .filter(p -> p.binding().map(b -> b.interfaceName().equals(interfaceName)).orElse(false))
        .map(Port::id)
        .findFirst()
        .orElseThrow();
  }

  /** VM A and VM B on two subnets of a virtual router; returns the router's topology. */
  private Topology routedVms() {
    RouterId router = RouterId.random();
    Topology topology =
        hostTopology()
            .put(Router.of(router, "router0"))
            .put(
                RouterPort.of(
                        PortId.random(),
                        router,
                        MacAddress.parse("02:00:5e:00:0a:01"),
                        InterfaceAddress.parse("10.1.0.1/24"))
                    .withBinding(bind(hostA)))
            .put(
                RouterPort.of(
                        PortId.random(),
                        router,
                        MacAddress.parse("02:00:5e:00:0b:01"),
                        InterfaceAddress.parse("10.2.0.1/24"))
                    .withBinding(bind(hostB)))
            .build();
    Ip.ip("-n", vmA, "addr", "add", "10.1.0.10/24", "dev", "eth0");
    Ip.ip("-n", vmA, "route", "add", "default", "via", "10.1.0.1");
    Ip.ip("-n", vmB, "addr", "add", "10.2.0.10/24", "dev", "eth0");
    Ip.ip("-n", vmB, "route", "add", "default", "via", "10.2.0.1");
    return topology;
  }

  /**
   * The VMs keep every default offload, so VM A's TCP stack hands the veth partial checksums and
   * super-frames of many segments; the datapath completes the checksums, routes each super-frame
   * once and hands it to VM B's veth with its header. The bytes must arrive intact.
   */
  @Test
  @Timeout(90)
  void aTcpTransferWithDefaultOffloadsArrivesIntact() throws Exception {
    datapath = Datapath.create(host, routedVms(), NetworkState.create());
    datapath.start();

    assertThat(TcpTransfer.run(namespaces, vmA, vmB, "10.2.0.10", 8 << 20))
        .as("SHA-256 of what VM B received equals that of what VM A sent")
        .isTrue();
    DatapathStats.OffloadCounters offloads = datapath.stats().offloads();
    assertThat(offloads.gsoFrames()).as("super-frames came in").isPositive();
    assertThat(offloads.handedOn()).as("and went out whole, for the kernel").isPositive();
    assertThat(offloads.completedChecksums()).isPositive();
    assertThat(offloads.drops()).isEmpty();
    assertThat(datapath.stats().drops())
        .doesNotContainKeys(DropReason.BAD_CHECKSUM, DropReason.MALFORMED);
  }

  /**
   * The same transfer where VM B's host end cannot offload anything (ethtool is only the test's way
   * to get such a device): the kernel must then segment the super-frames the datapath hands on and
   * finish their checksums in software, from the pseudo-header sum the datapath put back. VM B's
   * stack gets frames without checksum offload and verifies each one, so a wrong partial checksum
   * would stall the transfer.
   */
  @Test
  @Timeout(90)
  void superFramesHandedToADeviceWithoutOffloadsAreSegmentedWithCorrectChecksums()
      throws Exception {
    Ip.Result off =
        Ip.exec("ethtool", "-K", hostB, "tx", "off", "tso", "off", "gso", "off", "sg", "off");
    assertThat(off.ok()).as(off.stderr()).isTrue();
    datapath = Datapath.create(host, routedVms(), NetworkState.create());
    datapath.start();

    assertThat(TcpTransfer.run(namespaces, vmA, vmB, "10.2.0.10", 4 << 20)).isTrue();
    assertThat(datapath.stats().offloads().handedOn()).isPositive();
    assertThat(datapath.stats().sendErrors()).isZero();
  }

  @Test
  void anInterfaceRecreatedUnderItsNameIsReopened() {
    BridgeId bridge = BridgeId.random();
    PortId portA = PortId.random();
    PortId portB = PortId.random();
    Topology topology =
        hostTopology()
            .put(Bridge.of(bridge, "bridge0"))
            .put(BridgePort.of(portA, bridge).withBinding(bind(hostA)))
            .put(BridgePort.of(portB, bridge).withBinding(bind(hostB)))
            .build();
    Ip.ip("-n", vmA, "addr", "add", "10.0.0.1/24", "dev", "eth0");
    datapath = Datapath.create(host, topology, NetworkState.create());
    datapath.start();

    // VM B's veth goes away and comes back under the same name (a new interface index).
    Ip.ip("link", "del", hostB);
    vm(vmB, hostB);
    Ip.ip("-n", vmB, "addr", "add", "10.0.0.2/24", "dev", "eth0");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ping(vmA, "10.0.0.2").stdout().contains("3 received"));
    assertThat(datapath.boundPorts()).containsEntry(portB, hostB);
  }

  @Test
  void aBindingToAMissingInterfaceWaitsUntilTheInterfaceExists() {
    BridgeId bridge = BridgeId.random();
    PortId portA = PortId.random();
    PortId later = PortId.random();
    String laterName = kernel.hostLink(KernelResources.unique("dpl"));
    Topology topology =
        hostTopology()
            .put(Bridge.of(bridge, "bridge0"))
            .put(BridgePort.of(portA, bridge).withBinding(bind(hostA)))
            .put(BridgePort.of(later, bridge).withBinding(bind(laterName)))
            .build();
    datapath = Datapath.create(host, topology, NetworkState.create());
    datapath.start();
    assertThat(datapath.boundPorts()).containsOnlyKeys(portA);
    assertThat(datapath.unavailable()).containsKey(later);
    assertThat(datapath.unavailable().get(later)).contains("if_nametoindex(" + laterName + ")");

    Ip.ip("link", "add", laterName, "type", "veth", "peer", "name", "eth1", "netns", vmB);
    await().atMost(Duration.ofSeconds(5)).until(() -> datapath.boundPorts().containsKey(later));
    assertThat(datapath.boundPorts()).containsOnlyKeys(portA, later);
    assertThat(datapath.unavailable()).isEmpty();
  }

  @Test
  void bindingsOfOtherHostsAreNotOpenedAndCloseStopsEverything() {
    BridgeId bridge = BridgeId.random();
    HostId other = HostId.random();
    PortId mine = PortId.random();
    PortId theirs = PortId.random();
    Topology topology =
        hostTopology()
            .put(new Host(other, "host1"))
            .put(Bridge.of(bridge, "bridge0"))
            .put(BridgePort.of(mine, bridge).withBinding(bind(hostA)))
            .put(
                BridgePort.of(theirs, bridge)
                    .withBinding(Optional.of(new HostBinding(other, hostB))))
            .build();
    datapath = Datapath.create(host, topology, NetworkState.create());
    assertThat(datapath.state()).isEqualTo(Datapath.State.CREATED);
    assertThat(datapath.boundPorts()).as("nothing opened before start").isEmpty();
    datapath.start();
    assertThat(datapath.boundPorts()).containsOnlyKeys(mine);

    datapath.close();
    datapath.close();
    assertThat(datapath.state()).isEqualTo(Datapath.State.CLOSED);
    assertThat(datapath.boundPorts()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> datapathThreads().isEmpty());
  }

  private static List<String> datapathThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("nsvpn-datapath-"))
        .toList();
  }
}
