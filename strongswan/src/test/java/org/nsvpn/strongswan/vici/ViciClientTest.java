package org.nsvpn.strongswan.vici;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's protocol logic against a scripted server on a real unix socket: queueing, events
 * interleaved with a command, timeouts, protocol violations and reconnection. (The same client
 * against charon itself is in the strongSwan integration tests.)
 */
@ExtendWith(NettyLeaks.class)
class ViciClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path directory;
  private Channel server;
  private ViciClient client;
  private final List<Channel> accepted = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    accepted.forEach(Channel::close);
    if (server != null) {
      server.close().syncUninterruptibly();
    }
  }

  /** Starts a server that hands each packet to {@code script} with its channel. */
  private Path serve(BiConsumer<Channel, ViciPacket> script) {
    Path socket = directory.resolve("charon.vici");
    server =
        new ServerBootstrap()
            .group(ViciTransport.eventLoopGroup())
            .channel(EpollServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    accepted.add(ch);
                    ch.pipeline()
                        .addLast(new ViciFrameDecoder(), ViciPacketEncoder.INSTANCE)
                        .addLast(
                            new SimpleChannelInboundHandler<ViciPacket>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, ViciPacket packet) {
                                script.accept(ctx.channel(), packet);
                              }
                            });
                  }
                })
            .bind(new DomainSocketAddress(socket.toString()))
            .syncUninterruptibly()
            .channel();
    return socket;
  }

  /** Answers registrations with confirm and each command with {command = NAME}. */
  private static void echo(Channel ch, ViciPacket packet) {
    switch (packet.type()) {
      case EVENT_REGISTER, EVENT_UNREGISTER ->
          ch.writeAndFlush(ViciPacket.bare(ViciPacketType.EVENT_CONFIRM));
      case CMD_REQUEST ->
          ch.writeAndFlush(
              ViciPacket.response(
                  ViciSection.builder().put("command", packet.name().orElseThrow()).build()));
      default -> ch.close();
    }
  }

  private ViciClient open(Path socket, Duration timeout) {
    client =
        ViciClient.open(
            socket,
            ViciClientOptions.defaults()
                .withRequestTimeout(timeout)
                .withReconnect(Duration.ofMillis(5), Duration.ofMillis(50)));
    return client;
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  @Test
  void commandsQueueAndEachGetsItsOwnResponse() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    Path socket =
        serve(
            (ch, packet) -> {
              mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              // Answer late, from another task, so queued commands would overtake if they could.
              ch.eventLoop()
                  .schedule(
                      () -> {
                        inFlight.decrementAndGet();
                        echo(ch, packet);
                      },
                      2,
                      TimeUnit.MILLISECONDS);
            });
    ViciClient vici = open(socket, WAIT);
    List<CompletableFuture<ViciSection>> answers =
        java.util.stream.IntStream.range(0, 20)
            .mapToObj(i -> vici.request("command-" + i, ViciSection.empty()))
            .toList();
    for (int i = 0; i < answers.size(); i++) {
      assertThat(await(answers.get(i)).text("command")).contains("command-" + i);
    }
    assertThat(mostInFlight.get()).as("one command in flight at a time").isEqualTo(1);
  }

  @Test
  void eventsDuringAStreamedCommandAreCollectedAndSubscribersSeeThemFirst() {
    Path socket =
        serve(
            (ch, packet) -> {
              if (packet.type() == ViciPacketType.CMD_REQUEST) {
                for (int i = 0; i < 3; i++) {
                  ch.write(ViciPacket.event("list-sa", ViciSection.builder().put("n", i).build()));
                }
                ch.write(ViciPacket.event("other", ViciSection.empty()));
              }
              echo(ch, packet);
            });
    ViciClient vici = open(socket, WAIT);
    List<Long> seen = new CopyOnWriteArrayList<>();
    await(vici.subscribe("list-sa", event -> seen.add(event.number("n").orElseThrow())));
    ViciStreamedResponse result =
        await(
            vici.streamedRequest("list-sas", ViciSection.empty(), "list-sa")
                .thenApply(
                    r -> {
                      assertThat(seen).as("listeners ran before the response").hasSize(3);
                      return r;
                    }));
    assertThat(result.events())
        .extracting(e -> e.number("n").orElseThrow())
        .containsExactly(0L, 1L, 2L);
    assertThat(result.response().text("command")).contains("list-sas");
  }

  @Test
  void aCommandNotAnsweredInTimeFailsAndTheConnectionIsReplaced() {
    AtomicInteger connections = new AtomicInteger();
    Path socket =
        serve(
            (ch, packet) -> {
              if (packet.name().filter("hang"::equals).isEmpty()) {
                echo(ch, packet);
              }
            });
    ViciClient vici = open(socket, Duration.ofMillis(200));
    vici.addStateListener(
        s -> {
          if (s == ViciClient.State.CONNECTED) {
            connections.incrementAndGet();
          }
        });
    await(vici.connected());
    assertThatThrownBy(() -> await(vici.request("hang", ViciSection.empty())))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(TimeoutException.class)
        .hasMessageContaining("hang not answered within PT0.2S");
    assertThat(await(vici.request("after", ViciSection.empty())).text("command")).contains("after");
    Awaitility.await().atMost(WAIT).until(() -> accepted.size() == 2);
    assertThat(accepted.get(0).isActive()).as("the out-of-step connection was dropped").isFalse();
  }

  @Test
  void anUnexpectedPacketResetsTheConnectionAndTheClientReconnects() {
    AtomicInteger requests = new AtomicInteger();
    Path socket =
        serve(
            (ch, packet) -> {
              if (requests.incrementAndGet() == 1) {
                // Two responses to one command: the second arrives with nothing in flight.
                echo(ch, packet);
                echo(ch, packet);
              } else {
                echo(ch, packet);
              }
            });
    ViciClient vici = open(socket, WAIT);
    assertThat(await(vici.request("first", ViciSection.empty())).text("command")).contains("first");
    Awaitility.await().atMost(WAIT).until(() -> accepted.size() == 2);
    assertThat(await(vici.request("second", ViciSection.empty())).text("command"))
        .contains("second");
  }

  @Test
  void unknownCommandsAndEventsFailWithTheirNames() {
    Path socket =
        serve(
            (ch, packet) -> {
              switch (packet.type()) {
                case CMD_REQUEST -> ch.writeAndFlush(ViciPacket.bare(ViciPacketType.CMD_UNKNOWN));
                case EVENT_REGISTER ->
                    ch.writeAndFlush(ViciPacket.bare(ViciPacketType.EVENT_UNKNOWN));
                default -> echo(ch, packet);
              }
            });
    ViciClient vici = open(socket, WAIT);
    assertThatThrownBy(() -> await(vici.request("frobnicate", ViciSection.empty())))
        .hasCauseInstanceOf(ViciCommandException.class)
        .hasMessageContaining("VICI frobnicate failed: unknown command");
    assertThatThrownBy(() -> await(vici.subscribe("no-such-event", e -> {})))
        .hasCauseInstanceOf(ViciCommandException.class)
        .hasMessageContaining("register no-such-event failed: unknown event");
    assertThatThrownBy(
            () -> await(vici.streamedRequest("list-things", ViciSection.empty(), "list-thing")))
        .hasCauseInstanceOf(ViciCommandException.class)
        .hasMessageContaining("unknown event");
  }

  @Test
  void requestsWaitForTheServerAndFailWhenClosed() throws Exception {
    Path socket = directory.resolve("charon.vici");
    ViciClient vici = open(socket, WAIT);
    CompletableFuture<ViciSection> early = vici.request("early", ViciSection.empty());
    assertThat(vici.state()).isEqualTo(ViciClient.State.CONNECTING);
    assertThat(Files.exists(socket)).isFalse();
    serve(ViciClientTest::echo);
    assertThat(await(early).text("command")).as("sent once the server appeared").contains("early");

    accepted.get(0).close();
    Awaitility.await().atMost(WAIT).until(() -> accepted.size() == 2);
    assertThat(await(vici.request("again", ViciSection.empty())).text("command")).contains("again");

    vici.close();
    assertThat(vici.state()).isEqualTo(ViciClient.State.CLOSED);
    assertThatThrownBy(() -> await(vici.request("late", ViciSection.empty())))
        .hasCauseInstanceOf(ViciConnectionException.class);
  }
}
