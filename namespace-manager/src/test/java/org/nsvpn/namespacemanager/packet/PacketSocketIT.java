package org.nsvpn.namespacemanager.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.namespacemanager.ffi.SystemCallException;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.testing.Ip;
import org.nsvpn.namespacemanager.testing.KernelResources;

/**
 * AF_PACKET sockets against the kernel: a namespace on the far end of a veth plays a host that
 * sends and answers real frames. Addresses: 192.0.2.2 inside the namespace, 192.0.2.1 a fake
 * neighbour (MAC {@link #NEIGHBOUR}) that exists only as frames this test sends.
 */
class PacketSocketIT {
  private static final String INNER_MAC = "02:00:5e:20:00:02";
  private static final String NEIGHBOUR = "02:00:5e:20:00:01";
  private static final byte[] INNER_IP = {(byte) 192, 0, 2, 2};
  private static final byte[] NEIGHBOUR_IP = {(byte) 192, 0, 2, 1};

  @RegisterExtension final KernelResources kernel = new KernelResources();

  private final NetworkNamespaces namespaces = NetworkNamespaces.system();
  private String namespace;
  private String hostEnd;
  private PacketSocket socket;
  private final byte[] buffer = new byte[PacketSocket.BUFFER];
  private static final int AT = VirtioNetHeader.LENGTH;

  @BeforeEach
  void createNamespaceWithVeth() {
    namespace = kernel.namespace(KernelResources.unique("pkt-"));
    hostEnd = kernel.hostLink(KernelResources.unique("pk"));
    Ip.ip("netns", "add", namespace);
    Ip.ip("link", "add", hostEnd, "type", "veth", "peer", "name", "v0", "netns", namespace);
    Ip.ip("link", "set", hostEnd, "up");
    Ip.ip("-n", namespace, "link", "set", "v0", "address", INNER_MAC, "up");
    Ip.ip("-n", namespace, "addr", "add", "192.0.2.2/24", "dev", "v0");
    Ip.ip(
        "-n",
        namespace,
        "neigh",
        "add",
        "192.0.2.1",
        "lladdr",
        NEIGHBOUR,
        "dev",
        "v0",
        "nud",
        "permanent");
    socket = PacketSocket.open(hostEnd, 100);
  }

  @AfterEach
  void closeSocket() {
    socket.close();
  }

  @Test
  void receivesWhatTheNamespaceSendsAndDeliversWhatWeSend() {
    assertThat(socket.interfaceName()).isEqualTo(hostEnd);
    assertThat(socket.interfaceIndex()).isPositive();

    // We play 192.0.2.1 and ping the namespace: its kernel must answer to our MAC.
    byte[] request = icmpEchoRequest();
    socket.send(request, 0, request.length);
    byte[] reply = awaitFrame(frame -> isIpv4(frame) && frame[23] == 1 && frame[34] == 0);
    assertThat(HexFormat.of().formatHex(reply, 0, 6)).isEqualTo(NEIGHBOUR.replace(":", ""));
    assertThat(HexFormat.of().formatHex(reply, 6, 12)).isEqualTo(INNER_MAC.replace(":", ""));
    assertThat(slice(reply, 26, 30)).containsExactly(INNER_IP);
    assertThat(slice(reply, 30, 34)).containsExactly(NEIGHBOUR_IP);
    assertThat(slice(reply, 38, 42))
        .as("identifier and sequence echoed")
        .containsExactly(slice(request, 38, 42));
  }

  @Test
  @Timeout(30)
  void aPollerFindsTheSocketWithAFrameAndWakesUpOnRequest() {
    String otherEnd = kernel.hostLink(KernelResources.unique("pq"));
    Ip.ip("link", "add", otherEnd, "type", "veth", "peer", "name", otherEnd + "p");
    Ip.ip("link", "set", otherEnd, "up");
    try (PacketSocket idle = PacketSocket.open(otherEnd, 100);
        PacketPoller poller = PacketPoller.open()) {
      assertThat(idle.receiveNow(buffer)).as("nothing queued, no waiting").isEqualTo(-1);
      boolean[] ready = new boolean[2];

      // Waits without a timeout on a socket that gets nothing (its peer is down): only the
      // wake-up can end it (else the test times out).
      poller.wakeUp();
      assertThat(poller.poll(List.of(idle), -1, ready)).isZero();

      byte[] request = icmpEchoRequest();
      socket.send(request, 0, request.length);
      int pending = 0;
      while (pending == 0 || !ready[1]) {
        pending = poller.poll(List.of(idle, socket), -1, ready);
      }
      assertThat(ready[0]).as("the idle socket").isFalse();
      assertThat(socket.receiveNow(buffer)).isPositive();
    }
  }

  @Test
  void framesWeSendAreNotReadBack() {
    byte[] request = icmpEchoRequest();
    socket.send(request, 0, request.length);
    // Everything received within a short window: the namespace's reply, maybe IPv6 chatter, but
    // never our own echo request (ICMP type 8 from the neighbour).
    long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
    int replies = 0;
    while (System.nanoTime() < deadline) {
      int n = socket.receive(buffer);
      byte[] frame = slice(buffer, AT, AT + Math.max(n, 0));
      if (n > 0 && isIpv4(frame) && frame[23] == 1) {
        assertThat(frame[34]).as("ICMP type; 8 would be our own request").isEqualTo((byte) 0);
        replies++;
      }
    }
    assertThat(replies).isEqualTo(1);
  }

  @Test
  void withDefaultOffloadsAUdpFrameComesWithAHeaderThatSaysItsChecksumIsPartial() {
    namespaces.run(
        namespace,
        () -> {
          try (DatagramSocket udp = new DatagramSocket()) {
            byte[] payload = "nat-t keepalive".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            udp.send(
                new DatagramPacket(
                    payload, payload.length, InetAddress.getByAddress(NEIGHBOUR_IP), 4500));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return null;
        });
    byte[] frame = awaitFrame(f -> isIpv4(f) && f[23] == 17);
    VirtioNetHeader header = VirtioNetHeader.decode(buffer, 0);
    assertThat(header.needsChecksum()).as("veth leaves the checksum to offload").isTrue();
    assertThat(header.isGso()).isFalse();
    assertThat(header.checksumStart()).as("the UDP header").isEqualTo(34);
    assertThat(header.checksumOffset()).isEqualTo(6);
    assertThat(udpChecksumValid(frame)).as("only the pseudo-header sum is there").isFalse();

    // Completing it as the header says gives the checksum the wire would carry.
    int start = header.checksumStart();
    int at = start + header.checksumOffset();
    putChecksum(frame, at, checksum(frame, start, frame.length - start, 0));
    assertThat(udpChecksumValid(frame)).isTrue();
  }

  @Test
  void theKernelRefusesAHeaderWhoseChecksumLiesPastTheFrame() {
    byte[] request = icmpEchoRequest();
    VirtioNetHeader pastTheEnd =
        new VirtioNetHeader(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 0, request.length, 6);
    assertThatThrownBy(() -> socket.send(pastTheEnd, request, 0, request.length))
        .isInstanceOf(SystemCallException.class);
    // The socket still works.
    socket.send(request, 0, request.length);
    assertThat(awaitFrame(frame -> isIpv4(frame) && frame[23] == 1 && frame[34] == 0)).isNotEmpty();
  }

  @Test
  void aBatchGoesOutInOneCallAndARefusedFrameDoesNotStopTheOthers() {
    FrameBatch out = FrameBatch.forSending(4, PacketSocket.BUFFER);
    byte[] first = icmpEchoRequest(1);
    byte[] tooBig = new byte[14 + 1600]; // over the veth's MTU of 1500
    System.arraycopy(first, 0, tooBig, 0, 14);
    byte[] second = icmpEchoRequest(2);
    assertThat(out.add(VirtioNetHeader.NONE, first, 0, first.length)).isTrue();
    assertThat(out.add(VirtioNetHeader.NONE, tooBig, 0, tooBig.length)).isTrue();
    assertThat(out.add(VirtioNetHeader.NONE, second, 0, second.length)).isTrue();

    assertThat(socket.send(out)).as("frames refused").isEqualTo(1);
    assertThat(out.sent(0)).isTrue();
    assertThat(out.sent(1)).isFalse();
    assertThat(out.sent(2)).isTrue();
    assertThat(socket.lastSendError()).as("EMSGSIZE").isEqualTo(90);

    // Both requests are answered; the replies come back through a receiving batch.
    FrameBatch in = FrameBatch.forReceiving(8);
    byte[] frame = new byte[PacketSocket.BUFFER];
    java.util.Set<Integer> answered = new java.util.HashSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (answered.size() < 2 && System.nanoTime() < deadline) {
      int n = socket.receiveNow(in, in.capacity());
      for (int i = 0; i < n; i++) {
        int length = in.copy(i, frame);
        byte[] f = slice(frame, AT, AT + length);
        if (isIpv4(f) && f[23] == 1 && f[34] == 0) {
          answered.add((int) f[41]);
        }
      }
    }
    assertThat(answered).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void aSendingBatchSaysWhenItIsFull() {
    FrameBatch out = FrameBatch.forSending(2, PacketSocket.BUFFER);
    byte[] request = icmpEchoRequest();
    assertThat(out.add(VirtioNetHeader.NONE, request, 0, request.length)).isTrue();
    assertThat(out.add(VirtioNetHeader.NONE, request, 0, request.length)).isTrue();
    assertThat(out.add(VirtioNetHeader.NONE, request, 0, request.length)).as("by count").isFalse();
    out.clear();
    byte[] big = new byte[PacketSocket.MAX_FRAME];
    assertThat(out.add(VirtioNetHeader.NONE, big, 0, big.length)).isTrue();
    assertThat(out.add(VirtioNetHeader.NONE, request, 0, request.length)).as("by bytes").isFalse();
    assertThat(out.size()).isEqualTo(1);
  }

  @Test
  void refusesBadNamesMissingInterfacesAndUseAfterClose() {
    assertThatThrownBy(() -> PacketSocket.open("eth0;reboot", 100))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> PacketSocket.open("nsvpnmissing0", 100))
        .isInstanceOf(SystemCallException.class)
        .hasMessageContaining("if_nametoindex(nsvpnmissing0)");
    socket.close();
    socket.close();
    assertThatThrownBy(() -> socket.receive(buffer)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> socket.send(new byte[60], 0, 60))
        .isInstanceOf(IllegalStateException.class);
  }

  private byte[] awaitFrame(Predicate<byte[]> wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      int n = socket.receive(buffer);
      if (n > 0) {
        byte[] frame = slice(buffer, AT, AT + n);
        if (wanted.test(frame)) {
          return frame;
        }
      }
    }
    throw new AssertionError("no matching frame on " + hostEnd + " within 5 s");
  }

  private static boolean isIpv4(byte[] frame) {
    return frame.length >= 34 && frame[12] == 0x08 && frame[13] == 0x00;
  }

  private static byte[] slice(byte[] bytes, int from, int to) {
    return java.util.Arrays.copyOfRange(bytes, from, to);
  }

  private static byte[] icmpEchoRequest() {
    return icmpEchoRequest(7);
  }

  /** Ethernet + IPv4 + ICMP echo request from the fake neighbour to the namespace. */
  private static byte[] icmpEchoRequest(int sequence) {
    ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + 16);
    b.put(HexFormat.ofDelimiter(":").parseHex(INNER_MAC))
        .put(HexFormat.ofDelimiter(":").parseHex(NEIGHBOUR));
    b.putShort((short) 0x0800);
    b.put((byte) 0x45)
        .put((byte) 0)
        .putShort((short) 44)
        .putShort((short) 0x1234)
        .putShort((short) 0x4000);
    b.put((byte) 64).put((byte) 1).putShort((short) 0).put(NEIGHBOUR_IP).put(INNER_IP);
    b.put((byte) 8)
        .put((byte) 0)
        .putShort((short) 0)
        .putShort((short) 0x4e53)
        .putShort((short) sequence);
    b.put("nsvpn-datapath!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    byte[] frame = b.array();
    putChecksum(frame, 24, checksum(frame, 14, 20, 0));
    putChecksum(frame, 36, checksum(frame, 34, 24, 0));
    return frame;
  }

  private static boolean udpChecksumValid(byte[] frame) {
    int ihl = (frame[14] & 0x0f) * 4;
    int udpLength = frame.length - 14 - ihl;
    long pseudo = 0;
    for (int i = 26; i < 34; i += 2) {
      pseudo += ((frame[i] & 0xff) << 8) | (frame[i + 1] & 0xff);
    }
    pseudo += 17 + udpLength;
    return checksum(frame, 14 + ihl, udpLength, pseudo) == 0;
  }

  /** RFC 1071 ones' complement sum over {@code length} bytes plus {@code initial}, complemented. */
  private static int checksum(byte[] data, int offset, int length, long initial) {
    long sum = initial;
    for (int i = 0; i < length; i += 2) {
      int hi = data[offset + i] & 0xff;
      int lo = i + 1 < length ? data[offset + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static void putChecksum(byte[] frame, int at, int value) {
    frame[at] = (byte) (value >> 8);
    frame[at + 1] = (byte) value;
  }
}
