package org.nsvpn.simulator.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.simulator.Simulator;
import org.nsvpn.simulator.result.Emission;
import org.nsvpn.simulator.state.NetworkState;
import org.nsvpn.simulator.testing.Seed002Network;
import org.nsvpn.simulator.testing.TestNetwork;

/**
 * tcpdump as an independent oracle: frames built by the codec, and frames the simulator emits
 * (routed with the TTL decremented in place, ICMP errors and replies, ARP), are written to a pcap
 * file and read back with {@code tcpdump -vvv}, which verifies the IPv4, ICMP, UDP and TCP
 * checksums with its own code.
 */
class TcpdumpOracleIT {
  private static final Pattern UDP_OK = Pattern.compile("udp sum ok");
  private static final Pattern TCP_OK = Pattern.compile("cksum 0x[0-9a-f]{4} \\(correct\\)");
  private static final Pattern PROBLEM =
      Pattern.compile("(?i)bad|wrong|incorrect|truncated|\\[\\|");

  private Path dir;

  @BeforeEach
  void createDirectory() throws IOException {
    dir = Files.createTempDirectory("nsvpn-sim-tcpdump-");
  }

  @AfterEach
  void removeDirectory() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void tcpdumpFindsEveryChecksumCorrect() throws Exception {
    Path tcpdump = findTcpdump();
    List<byte[]> frames = new ArrayList<>();
    int udp = 0;
    int tcp = 0;
    Random random = new Random(20261123);
    MacAddress a = MacAddress.parse("02:00:00:00:00:01");
    MacAddress b = MacAddress.parse("02:00:00:00:00:02");
    for (int i = 0; i < 200; i++) {
      Ipv4Address src = new Ipv4Address(0xc0000200 | random.nextInt(256));
      Ipv4Address dst = new Ipv4Address(0xc6336400 | random.nextInt(256));
      Bytes payload = randomBytes(random, random.nextInt(300));
      int port = 1024 + random.nextInt(60000);
      switch (i % 5) {
        case 0 -> {
          frames.add(
              Packets.ethernet(a, b)
                  .ipv4(src, dst)
                  .ttl(1 + random.nextInt(255))
                  .udp(port, 9, payload)
                  .encode());
          udp++;
        }
        case 1 -> {
          TcpSegment segment =
              new TcpSegment(
                  port,
                  9,
                  random.nextInt() & 0xffff_ffffL,
                  random.nextInt() & 0xffff_ffffL,
                  TcpSegment.ACK | TcpSegment.PSH,
                  random.nextInt(65536),
                  0,
                  Bytes.fromHex("0101080a" + "00".repeat(8)),
                  payload);
          frames.add(Packets.ethernet(a, b).ipv4(src, dst).payload(segment).encode());
          tcp++;
        }
        case 2 ->
            frames.add(
                Packets.ethernet(a, b).ipv4(src, dst).icmpEchoRequest(port, i, payload).encode());
        case 3 -> {
          Ipv6Address s6 = new Ipv6Address(0x20010db800000000L, random.nextLong());
          Ipv6Address d6 = new Ipv6Address(0x20010db800010000L, random.nextLong());
          frames.add(Packets.ethernet(a, b).ipv6(s6, d6).udp(port, 9, payload).encode());
          udp++;
        }
        default -> {
          Ipv6Address s6 = new Ipv6Address(0x20010db800000000L, random.nextLong());
          Ipv6Address d6 = new Ipv6Address(0x20010db800010000L, random.nextLong());
          frames.add(Packets.ethernet(a, b).ipv6(s6, d6).tcp(port, 22, TcpSegment.SYN).encode());
          tcp++;
        }
      }
    }
    // What the simulator itself writes: routed frames (TTL decremented in place), ICMP, ARP.
    TestNetwork net = Seed002Network.build();
    NetworkState state = NetworkState.create();
    Simulator sim = net.simulator(state);
    state
        .arpCache(net.router(Seed002Network.ROUTER))
        .putPermanent(
            net.port(Seed002Network.UPLINK), Seed002Network.GATEWAY, Seed002Network.GATEWAY_MAC);
    for (int ttl : new int[] {1, 2, 64, 255}) {
      byte[] fromNamespace =
          Packets.ethernet(Seed002Network.UPLINK_MAC, Seed002Network.NAMESPACE_PORT_MAC)
              .ipv4(Seed002Network.PUBLIC_IP, Seed002Network.PEER_PUBLIC_IP)
              .ttl(ttl)
              .udp(40000, 9, randomBytes(random, 100))
              .encode();
      for (Emission e :
          sim.simulate(net.port(Seed002Network.NAMESPACE), fromNamespace).emissions()) {
        frames.add(e.frame());
      }
      // Forwarded, or quoted whole in the time-exceeded error (tcpdump verifies the quote too).
      udp++;
    }
    byte[] ping =
        Packets.ethernet(Seed002Network.GATEWAY_MAC, Seed002Network.UPLINK_MAC)
            .ipv4(Seed002Network.PEER_PUBLIC_IP, Seed002Network.PUBLIC_IP)
            .icmpEchoRequest(7, 7, randomBytes(random, 56))
            .encode();
    sim.simulate(net.port(Seed002Network.UPLINK), ping)
        .emissions()
        .forEach(e -> frames.add(e.frame()));
    byte[] arp =
        Packets.ethernet(Seed002Network.UPLINK_MAC, MacAddress.BROADCAST)
            .arpRequest(Seed002Network.NAMESPACE_IP, Seed002Network.NAMESPACE_PORT_IP)
            .encode();
    sim.simulate(net.port(Seed002Network.NAMESPACE), arp)
        .emissions()
        .forEach(e -> frames.add(e.frame()));
    assertThat(frames.size()).isEqualTo(200 + 4 + 1 + 1);

    String output = tcpdump(tcpdump, writePcap(frames));

    assertThat(PROBLEM.matcher(output).find()).as(output).isFalse();
    assertThat(count(UDP_OK, output)).as(output).isEqualTo(udp);
    assertThat(count(TCP_OK, output)).as(output).isEqualTo(tcp);
    assertThat(output)
        .contains("ICMP echo reply", "ICMP time exceeded in-transit", "Reply 169.254.1.1 is-at");
  }

  @Test
  void tcpdumpReadsTheNeighbourDiscoveryOfCodecAndSimulatorWithCorrectChecksums() throws Exception {
    Path tcpdump = findTcpdump();
    MacAddress routerMac = MacAddress.parse("02:00:00:00:0b:01");
    MacAddress hostMac = MacAddress.parse("02:00:00:00:0b:10");
    Ipv6Address router = Ipv6Address.parse("2001:db8:b::1");
    Ipv6Address host = Ipv6Address.parse("2001:db8:b::10");
    Ipv6Address elsewhere = Ipv6Address.parse("2001:db8:f::10");
    TestNetwork net =
        TestNetwork.builder()
            .router("r1")
            .routerPort("r1.b", routerMac.toString(), "2001:db8:b::1/64")
            .bind("r1.b")
            .routerPort("r1.f", "02:00:00:00:0f:01", "2001:db8:f::1/64")
            .bind("r1.f")
            .build();
    Simulator sim = net.simulator(NetworkState.create());
    Ipv6Address group = NdpMessage.solicitedNode(router);
    byte[] solicitation =
        new NdpMessage(NdpMessage.SOLICITATION, 0, router, java.util.Optional.of(hostMac))
            .frame(hostMac, NdpMessage.multicastMac(group), host, group)
            .encode();
    List<byte[]> frames = new ArrayList<>();
    frames.add(solicitation);
    sim.simulate(net.port("r1.b"), solicitation).emissions().forEach(e -> frames.add(e.frame()));
    byte[] routed =
        Packets.ethernet(hostMac, routerMac).ipv6(host, elsewhere).udp(7, 9, Bytes.EMPTY).encode();
    sim.simulate(net.port("r1.b"), routed).emissions().forEach(e -> frames.add(e.frame()));
    assertThat(frames)
        .as("the solicitation, the advertisement, the router's solicitation")
        .hasSize(3);

    String output = tcpdump(tcpdump, writePcap(frames));

    assertThat(PROBLEM.matcher(output).find()).as(output).isFalse();
    assertThat(output)
        .contains("neighbor solicitation, length 32, who has 2001:db8:b::1")
        .contains(
            "neighbor advertisement, length 32, tgt is 2001:db8:b::1, Flags [router, solicited, override]")
        .contains("neighbor solicitation, length 32, who has 2001:db8:f::10")
        .contains("destination link-address option (2), length 8 (1): 02:00:00:00:0b:01");
    assertThat(count(Pattern.compile("icmp6 sum ok"), output)).as(output).isEqualTo(3);
  }

  private static Bytes randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return Bytes.of(b);
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** A classic pcap file (LINKTYPE_ETHERNET). */
  private Path writePcap(List<byte[]> frames) throws IOException {
    Path file = dir.resolve("frames.pcap");
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
      header.putInt(65535).putInt(1);
      out.write(header.array());
      for (byte[] frame : frames) {
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(0).putInt(0).putInt(frame.length).putInt(frame.length);
        out.write(record.array());
        out.write(frame);
      }
    }
    return file;
  }

  private static String tcpdump(Path tcpdump, Path pcap) throws Exception {
    Process p =
        new ProcessBuilder(tcpdump.toString(), "-r", pcap.toString(), "-nn", "-vvv")
            .redirectErrorStream(true)
            .start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        fail("tcpdump did not finish within 60 s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(text).isZero();
      return text;
    } finally {
      p.destroyForcibly();
    }
  }

  private static Path findTcpdump() {
    for (String candidate :
        new String[] {"/usr/bin/tcpdump", "/usr/sbin/tcpdump", "/sbin/tcpdump"}) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return fail(
        "tcpdump is needed as an independent checksum oracle; install it with scripts/install-deps"
            + " (Debian package tcpdump)");
  }
}
