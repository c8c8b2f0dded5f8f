package org.nsvpn.agentplugin.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.nsvpn.namespacemanager.testing.Ip.ping;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.topology.TunnelKey;

/**
 * Two datapaths in one process, each playing one host with its own tunnel address, joined by a real
 * VXLAN underlay (UDP on two link-local addresses of this machine): VM A's port is bound on host 1,
 * VM B's on host 2, both on one virtual bridge. The multi-process version of these checks, each
 * agent in its own namespace, is MultiHostIT; this one pins down the datapath's own rules.
 */
class OverlayIT {
  @RegisterExtension final KernelResources kernel = new KernelResources();

  private final NetworkNamespaces namespaces = NetworkNamespaces.system();
  private final HostId host1 = HostId.random();
  private final HostId host2 = HostId.random();
  private final BridgeId bridge = BridgeId.random();
  private final PortId portA = PortId.random();
  private final PortId portB = PortId.random();
  private final TunnelKey keyA = new TunnelKey(11);
  private final TunnelKey keyB = new TunnelKey(12);
  private int port;
  private Ipv4Address address1;
  private Ipv4Address address2;
  private Ipv4Address stranger;
  private String vmA;
  private String vmB;
  private String linkA;
  private String linkB;
  private Datapath datapath1;
  private Datapath datapath2;

  @BeforeEach
  void build() {
    int subnet = ThreadLocalRandom.current().nextInt(1, 254);
    address1 = Ipv4Address.parse("169.254." + subnet + ".1");
    address2 = Ipv4Address.parse("169.254." + subnet + ".2");
    stranger = Ipv4Address.parse("169.254." + subnet + ".3");
    port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
    String underlay = kernel.hostLink(KernelResources.unique("ovu"));
    Ip.ip("link", "add", underlay, "type", "veth", "peer", "name", underlay + "p");
    Ip.ip("link", "set", underlay, "up");
    for (Ipv4Address a : new Ipv4Address[] {address1, address2, stranger}) {
      Ip.ip("addr", "add", a + "/32", "dev", underlay);
    }
    vmA = kernel.namespace(KernelResources.unique("ova-"));
    vmB = kernel.namespace(KernelResources.unique("ovb-"));
    linkA = kernel.hostLink(KernelResources.unique("ova"));
    linkB = kernel.hostLink(KernelResources.unique("ovb"));
    vm(vmA, linkA, "10.0.0.1/24");
    vm(vmB, linkB, "10.0.0.2/24");
  }

  @AfterEach
  void close() {
    if (datapath1 != null) {
      datapath1.close();
    }
    if (datapath2 != null) {
      datapath2.close();
    }
  }

  private void vm(String namespace, String hostEnd, String address) {
    Ip.ip("netns", "add", namespace);
    // No IPv6: its spontaneous multicast would cross the bridge and blur the exact counts below.
    Ip.exec("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    Ip.exec(
        "ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
    Ip.ip("link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", namespace);
    Ip.ip("link", "set", hostEnd, "up");
    Ip.ip("-n", namespace, "link", "set", "lo", "up");
    Ip.ip("-n", namespace, "link", "set", "eth0", "up");
    Ip.ip("-n", namespace, "addr", "add", address, "dev", "eth0");
  }

  private Topology topology(HostId bHost) {
    return Topology.builder()
        .put(new Host(host1, "host1", Optional.of(address1)))
        .put(new Host(host2, "host2", Optional.of(address2)))
        .put(Bridge.of(bridge, "bridge0"))
        .put(BridgePort.of(portA, bridge).withBinding(Optional.of(new HostBinding(host1, linkA))))
        .put(BridgePort.of(portB, bridge).withBinding(Optional.of(new HostBinding(bHost, linkB))))
        .build();
  }

  private NavigableMap<TunnelKey, PortId> keys() {
    return new TreeMap<>(Map.of(keyA, portA, keyB, portB));
  }

  private void startBoth(Topology topology) {
    datapath1 =
        Datapath.create(
            host1,
            topology,
            keys(),
            NetworkState.create(),
            Optional.of(Underlay.open(address1, port)));
    datapath2 =
        Datapath.create(
            host2,
            topology,
            keys(),
            NetworkState.create(),
            Optional.of(Underlay.open(address2, port)));
    datapath1.start();
    datapath2.start();
  }

  @Test
  void framesCrossTheOverlayOnceSimulatedOnTheIngressHostOnly() {
    startBoth(topology(host2));
    assertThat(datapath1.boundPorts()).containsOnlyKeys(portA);
    assertThat(datapath2.boundPorts()).containsOnlyKeys(portB);

    Ip.Result ping = ping(vmA, "10.0.0.2");
    assertThat(ping.ok()).as(ping.stdout() + ping.stderr()).isTrue();
    assertThat(ping.stdout()).contains("3 received").doesNotContain("DUP!");

    // Every frame was simulated where it entered: on each host, the simulated count is exactly
    // what that host's own interfaces received; frames from the overlay were only emitted. The
    // counters of a frame are updated after it is sent, so they settle a moment after the ping.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              DatapathStats one = datapath1.stats();
              DatapathStats two = datapath2.stats();
              assertThat(one.simulated()).isEqualTo(one.port(portA).rxFrames());
              assertThat(two.simulated()).isEqualTo(two.port(portB).rxFrames());
              // ARP + 3 requests
              assertThat(one.overlay().traffic().txFrames()).isGreaterThanOrEqualTo(4);
              assertThat(two.overlay().traffic().rxFrames())
                  .isEqualTo(one.overlay().traffic().txFrames());
              assertThat(two.port(portB).txFrames()).isEqualTo(two.overlay().traffic().rxFrames());
              assertThat(one.overlay().traffic().rxFrames())
                  .isEqualTo(two.overlay().traffic().txFrames());
              assertThat(one.overlay().drops()).isEmpty();
              assertThat(two.overlay().drops()).isEmpty();
              assertThat(one.notLocal() + two.notLocal()).isZero();
            });
  }

  @Test
  void aFullSizeFrameWithDontFragmentCrossesTheOverlay() {
    startBoth(topology(host2));
    // 1472 bytes of ICMP payload: a 1500-byte IP packet, a 1514-byte frame, 1564 bytes on the
    // underlay with its own headers; local addresses here, so the 65536-byte loopback MTU applies.
    // MultiHostIT checks the same across an underlay of MTU 1550.
    Ip.Result ping = ping(vmA, "10.0.0.2", "-M", "do", "-s", "1472");
    assertThat(ping.ok()).as(ping.stdout() + ping.stderr()).isTrue();
    assertThat(ping.stdout()).contains("3 received");
    assertThat(datapath2.stats().sendErrors()).isZero();
  }

  /**
   * VM A keeps its offloads, so it hands host 1 TCP super-frames; the overlay takes whole frames
   * only, so host 1 cuts them into segments before tunnelling. Host 2 emits those as plain frames,
   * whose checksums VM B's stack verifies one by one: the bytes arrive intact only if every segment
   * is right.
   */
  @Test
  @Timeout(90)
  void tcpSuperFramesAreSegmentedForTheOverlayAndArriveIntact() throws Exception {
    startBoth(topology(host2));

    assertThat(TcpTransfer.run(namespaces, vmA, vmB, "10.0.0.2", 4 << 20))
        .as("SHA-256 of what VM B received equals that of what VM A sent")
        .isTrue();
    DatapathStats.OffloadCounters offloads = datapath1.stats().offloads();
    assertThat(offloads.gsoFrames()).as("super-frames came in").isPositive();
    assertThat(offloads.segments()).as("each cut into several").isGreaterThan(offloads.gsoFrames());
    assertThat(offloads.drops()).isEmpty();
    assertThat(datapath2.stats().overlay().drops()).isEmpty();
  }

  @Test
  void whenTheBindingMovesTrafficFollowsAndTheOldHostEmitsNothing() throws Exception {
    startBoth(topology(host2));
    assertThat(ping(vmA, "10.0.0.2").ok()).isTrue();

    Topology moved = topology(host1);
    datapath1.update(moved, keys());
    datapath2.update(moved, keys());
    await().atMost(Duration.ofSeconds(5)).until(() -> datapath1.boundPorts().containsKey(portB));
    assertThat(datapath2.boundPorts()).isEmpty();
    long emittedOnOldHost = datapath2.stats().port(portB).txFrames();

    Ip.Result ping = ping(vmA, "10.0.0.2");
    assertThat(ping.ok()).as(ping.stdout() + ping.stderr()).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(datapath1.stats().port(portB).txFrames()).isGreaterThanOrEqualTo(3));

    // A sender that still believes in the old binding: host 2 drops the frame, emits nothing.
    long deliveredOnOldHost = datapath2.stats().overlay().traffic().rxFrames();
    sendFrom(address1, vxlan(keyB, frame()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> datapath2.stats().overlay().drops(OverlayDrop.NOT_BOUND_HERE) == 1);
    assertThat(datapath2.stats().port(portB).txFrames()).isEqualTo(emittedOnOldHost);
    assertThat(datapath2.stats().overlay().traffic().rxFrames()).isEqualTo(deliveredOnOldHost);
  }

  @Test
  void badUnderlayInputIsDroppedAndCountedByReasonAndNothingIsEmitted() throws Exception {
    startBoth(topology(host2));
    long before = datapath2.stats().port(portB).txFrames();
    byte[] good = frame();

    sendFrom(stranger, vxlan(keyB, good));
    sendFrom(address1, new byte[] {8, 0, 0});
    byte[] noFlag = vxlan(keyB, good);
    noFlag[0] = 0;
    sendFrom(address1, noFlag);
    sendFrom(address1, vxlan(new TunnelKey(4242), good));
    sendFrom(address1, vxlan(keyA, good));
    sendFrom(address1, vxlan(keyB, new byte[] {1, 2, 3}));

    Map<OverlayDrop, Long> expected =
        Map.of(
            OverlayDrop.UNKNOWN_SENDER, 1L,
            OverlayDrop.TRUNCATED, 1L,
            OverlayDrop.NOT_VXLAN, 1L,
            OverlayDrop.UNKNOWN_KEY, 1L,
            OverlayDrop.NOT_BOUND_HERE, 1L,
            OverlayDrop.BAD_INNER_FRAME, 1L);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(datapath2.stats().overlay().drops()).isEqualTo(expected));
    assertThat(datapath2.stats().port(portB).txFrames()).isEqualTo(before);
    assertThat(datapath2.stats().overlay().traffic().rxFrames()).isZero();

    // And a well-formed packet from a known host is emitted, so the drops above were the input's.
    sendFrom(address1, vxlan(keyB, good));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> datapath2.stats().port(portB).txFrames() == before + 1);
  }

  @Test
  void aFloodReachesEachRemotePortOnce() {
    String vmC = kernel.namespace(KernelResources.unique("ovc-"));
    String linkC = kernel.hostLink(KernelResources.unique("ovc"));
    vm(vmC, linkC, "10.0.0.3/24");
    PortId portC = PortId.random();
    Topology.Builder builder = Topology.builder();
    topology(host2).hosts().forEach(builder::put);
    builder
        .put(Bridge.of(bridge, "bridge0"))
        .put(BridgePort.of(portA, bridge).withBinding(Optional.of(new HostBinding(host1, linkA))))
        .put(BridgePort.of(portB, bridge).withBinding(Optional.of(new HostBinding(host2, linkB))))
        .put(BridgePort.of(portC, bridge).withBinding(Optional.of(new HostBinding(host2, linkC))));
    NavigableMap<TunnelKey, PortId> keys = keys();
    keys.put(new TunnelKey(13), portC);
    datapath1 =
        Datapath.create(
            host1,
            builder.build(),
            keys,
            NetworkState.create(),
            Optional.of(Underlay.open(address1, port)));
    datapath2 =
        Datapath.create(
            host2,
            builder.build(),
            keys,
            NetworkState.create(),
            Optional.of(Underlay.open(address2, port)));
    datapath1.start();
    datapath2.start();

    // Nobody has 10.0.0.99: VM A's ARP requests are broadcasts that nobody answers.
    ping(vmA, "10.0.0.99", "-c", "1", "-W", "1");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              long sent = datapath1.stats().port(portA).rxFrames();
              assertThat(sent).isPositive();
              assertThat(datapath1.stats().overlay().traffic().txFrames()).isEqualTo(2 * sent);
              assertThat(datapath2.stats().port(portB).txFrames()).isEqualTo(sent);
              assertThat(datapath2.stats().port(portC).txFrames()).isEqualTo(sent);
              assertThat(datapath2.stats().simulated()).isZero();
            });
  }

  /** A broadcast ARP request, as any VM would send. */
  private static byte[] frame() {
    byte[] f = new byte[42];
    for (int i = 0; i < 6; i++) {
      f[i] = (byte) 0xff;
    }
    f[6] = 0x02;
    f[11] = 0x01;
    f[12] = 0x08;
    f[13] = 0x06;
    return f;
  }

  private static byte[] vxlan(TunnelKey key, byte[] inner) {
    ByteBuffer b = ByteBuffer.allocate(Vxlan.HEADER + inner.length);
    Vxlan.writeHeader(b, key);
    b.put(inner);
    return b.array();
  }

  private void sendFrom(Ipv4Address source, byte[] payload) throws IOException {
    try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
      channel.bind(new InetSocketAddress(InetAddress.getByAddress(source.toBytes()), 0));
      channel.send(
          ByteBuffer.wrap(payload),
          new InetSocketAddress(InetAddress.getByAddress(address2.toBytes()), port));
    }
  }
}
