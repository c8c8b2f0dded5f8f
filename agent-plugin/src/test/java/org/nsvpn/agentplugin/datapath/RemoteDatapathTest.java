package org.nsvpn.agentplugin.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nsvpn.chainrules.id.PortId;

/**
 * The agent's client and the datapath process's server of {@link ControlProtocol}, over a real unix
 * socket, with the datapath itself mocked: what crosses, what is sent again after the datapath
 * process restarts, the handover, and refusals.
 */
class RemoteDatapathTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private ControlServer server;
  private RemoteDatapath remote;

  @AfterEach
  void close() {
    if (remote != null) {
      remote.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static DatapathControl datapath() {
    DatapathControl dp = mock(DatapathControl.class);
    when(dp.state()).thenReturn(DatapathControl.State.RUNNING);
    return dp;
  }

  @Test
  void theSocketIsTheOwnersOnlyAndGoesWithTheServer() throws IOException {
    Path socket = dir.resolve(RemoteDatapath.SOCKET_NAME);
    server = ControlServer.start(socket, datapath(), () -> {});
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-------");
    server.close();
    assertThat(socket).doesNotExist();
  }

  @Test
  void aReadingRequestCompletesWhenTheDatapathReadsAndIsSentAgainToARestartedProcess() {
    Path socket = dir.resolve(RemoteDatapath.SOCKET_NAME);
    PortId port = PortId.random();
    DatapathControl first = datapath();
    // The first process never reads the port: it dies before.
    when(first.whenReading(any(), anyString())).thenReturn(new CompletableFuture<>());
    server = ControlServer.start(socket, first, () -> {});
    remote = RemoteDatapath.connect(socket);
    await().atMost(WAIT).until(() -> remote.state() == DatapathControl.State.RUNNING);

    CompletableFuture<Void> reading = remote.whenReading(port, "vpn0dp");
    verify(first, timeout(WAIT.toMillis())).whenReading(port, "vpn0dp");
    assertThat(reading).isNotDone();

    server.close();
    await().atMost(WAIT).until(() -> remote.state() == DatapathControl.State.UNREACHABLE);
    DatapathControl second = datapath();
    when(second.whenReading(port, "vpn0dp")).thenReturn(CompletableFuture.completedFuture(null));
    server = ControlServer.start(socket, second, () -> {});

    assertThat(reading).succeedsWithin(WAIT);
  }

  @Test
  void theFenceIsStateSentWholeAndLearntAgainByARestartedProcess() {
    Path socket = dir.resolve(RemoteDatapath.SOCKET_NAME);
    PortId a = PortId.random();
    PortId b = PortId.random();
    DatapathControl first = datapath();
    server = ControlServer.start(socket, first, () -> {});
    remote = RemoteDatapath.connect(socket);
    // Connected first: holds made before would reach the datapath only as the set they add up to.
    await().atMost(WAIT).until(() -> remote.state() == DatapathControl.State.RUNNING);
    remote.hold(a);
    remote.hold(b);
    remote.release(a);
    verify(first, timeout(WAIT.toMillis())).hold(a);
    verify(first, timeout(WAIT.toMillis())).hold(b);
    verify(first, timeout(WAIT.toMillis())).release(a);

    server.close();
    await().atMost(WAIT).until(() -> remote.state() == DatapathControl.State.UNREACHABLE);
    DatapathControl second = datapath();
    server = ControlServer.start(socket, second, () -> {});
    verify(second, timeout(WAIT.toMillis())).hold(b);
    verify(second, never()).hold(a);
  }

  @Test
  void guardedPortsAreHeldWhileNoAgentIsConnectedAndReleasedWhenOneIs() {
    Path socket = dir.resolve(RemoteDatapath.SOCKET_NAME);
    PortId gateway = PortId.random();
    PortId other = PortId.random();
    DatapathControl dp = datapath();
    server = ControlServer.start(socket, dp, () -> {});
    remote = RemoteDatapath.connect(socket);
    await().atMost(WAIT).until(() -> remote.state() == DatapathControl.State.RUNNING);
    remote.guard(gateway);
    remote.guard(other);
    remote.unguard(other);

    remote.close();
    verify(dp, timeout(WAIT.toMillis())).hold(gateway);
    verify(dp, never()).hold(other);

    remote = RemoteDatapath.connect(socket);
    remote.guard(gateway);
    verify(dp, timeout(WAIT.toMillis())).release(gateway);
  }

  @Test
  void aHandoverStopsForwardingBeforeItIsAnsweredAndKeepsTheSocketForTheSuccessor() {
    Path socket = dir.resolve(RemoteDatapath.SOCKET_NAME);
    AtomicInteger stopped = new AtomicInteger();
    server = ControlServer.start(socket, datapath(), stopped::incrementAndGet);

    assertThat(RemoteDatapath.askToHandOver(socket, WAIT)).isTrue();

    assertThat(stopped).hasValue(1);
    assertThat(server.handedOver()).as("completed just after the answer").succeedsWithin(WAIT);
    assertThat(socket).as("left for the successor to replace").exists();
    assertThat(RemoteDatapath.askToHandOver(socket, WAIT))
        .as("no one serves a socket handed over")
        .isFalse();
  }

  @Test
  void nothingToTakeOverWithoutASocket() {
    assertThat(RemoteDatapath.askToHandOver(dir.resolve("absent.sock"), WAIT)).isFalse();
  }

  @Test
  void malformedRequestsAreRefusedWithTheirTextEscaped() throws IOException {
    Path socket = dir.resolve(RemoteDatapath.SOCKET_NAME);
    DatapathControl dp = datapath();
    server = ControlServer.start(socket, dp, () -> {});
    assertThat(exchange(socket, "7 state")).isEqualTo("7 RUNNING");
    assertThat(exchange(socket, "8 reading not-a-uuid eth0")).startsWith("8 error ");
    assertThat(exchange(socket, "9 reading " + PortId.random() + " ../../etc"))
        .startsWith("9 error ");
    assertThat(exchange(socket, "10 launch\u202e"))
        .startsWith("10 error unknown request")
        .doesNotContain("\u202e");
    assertThat(exchange(socket, "hello")).startsWith("- error ");
    verify(dp, never()).whenReading(any(), anyString());
  }

  private static String exchange(Path socket, String request) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
      ByteBuffer in = ByteBuffer.allocate(4096);
      StringBuilder line = new StringBuilder();
      while (line.indexOf("\n") < 0 && ch.read(in) > 0) {
        in.flip();
        line.append(StandardCharsets.UTF_8.decode(in));
        in.clear();
      }
      return line.toString().strip();
    }
  }

  @Test
  void anInterfaceNameThatIsNotOneIsRefusedBeforeItIsSent() {
    remote = RemoteDatapath.connect(dir.resolve("absent.sock"));
    assertThatThrownBy(() -> remote.whenReading(PortId.random(), "a b"))
        .hasMessageContaining("interface");
  }
}
