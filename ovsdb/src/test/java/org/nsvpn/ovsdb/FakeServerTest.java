package org.nsvpn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nsvpn.ovsdb.api.ClientState;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbClientOptions;
import org.nsvpn.ovsdb.api.OvsdbConnectionException;
import org.nsvpn.ovsdb.api.OvsdbProtocolException;
import org.nsvpn.ovsdb.api.OvsdbTimeoutException;
import org.nsvpn.ovsdb.testing.NettyLeakCheck;

/**
 * The client against a scripted peer that misbehaves: every failure must complete the caller's
 * future with a clear error within a deadline (no hang), drop a corrupted connection and reconnect,
 * and leak no buffer.
 */
@ExtendWith(NettyLeakCheck.class)
class FakeServerTest {
  private FakeServer fake;
  private OvsdbClient client;
  private final List<ClientState> states = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fake = new FakeServer();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    fake.close();
  }

  private FakeServer.Peer connect(OvsdbClientOptions options) throws Exception {
    client =
        Ovsdb.client(
            fake.endpoint(),
            options.withReconnectDelays(Duration.ofMillis(20), Duration.ofMillis(100)));
    client.addStateListener((from, to) -> states.add(to));
    CompletableFuture<Void> started = client.start();
    FakeServer.Peer peer = fake.accept();
    started.get(5, TimeUnit.SECONDS);
    return peer;
  }

  private FakeServer.Peer connect() throws Exception {
    return connect(OvsdbClientOptions.defaults().withEchoInterval(Duration.ZERO));
  }

  private static Throwable failure(CompletableFuture<?> f) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void malformedJsonFailsThePendingCallAndTheClientReconnects() throws Exception {
    FakeServer.Peer peer = connect();
    CompletableFuture<List<String>> call = client.listDatabases();
    JsonNode request = peer.readRequest();
    assertThat(request.get("method").asText()).isEqualTo("list_dbs");

    peer.send("{\"id\":" + request.get("id") + ",\"result\":nope,\"error\":null}");

    Throwable e = failure(call);
    assertThat(e)
        .isInstanceOf(OvsdbConnectionException.class)
        .hasMessageContaining("malformed JSON");
    assertThat(e.getCause())
        .hasRootCauseInstanceOf(com.fasterxml.jackson.core.JsonParseException.class);
    FakeServer.Peer again = fake.accept();
    await().atMost(Duration.ofSeconds(5)).until(() -> client.state() == ClientState.CONNECTED);
    CompletableFuture<List<String>> retry = client.listDatabases();
    again.reply(again.readRequest(), "[\"IPsec\"]");
    assertThat(retry.get(5, TimeUnit.SECONDS)).containsExactly("IPsec");
    assertThat(states).contains(ClientState.DISCONNECTED);
  }

  @Test
  void bytesThatAreNotJsonAtAllAreAProtocolError() throws Exception {
    FakeServer.Peer peer = connect();
    CompletableFuture<Void> call = client.echo();
    peer.readRequest();
    peer.send("HTTP/1.1 400 Bad Request\r\n\r\n");
    assertThat(failure(call))
        .isInstanceOf(OvsdbConnectionException.class)
        .hasMessageContaining("lost");
    fake.accept();
  }

  @Test
  void aWellFormedValueThatIsNotJsonRpcIsAProtocolError() throws Exception {
    FakeServer.Peer peer = connect();
    CompletableFuture<Void> call = client.echo();
    peer.readRequest();
    peer.send("{\"hello\":\"world\"}");
    Throwable e = failure(call);
    assertThat(e).hasMessageContaining("neither a JSON-RPC request nor a response");
    assertThat(e.getCause()).isInstanceOf(OvsdbProtocolException.class);
  }

  @Test
  void aReplyToAnUnknownIdIsIgnoredAndTheConnectionStays() throws Exception {
    FakeServer.Peer peer = connect();
    CompletableFuture<List<String>> call = client.listDatabases();
    JsonNode request = peer.readRequest();
    peer.send(
        "{\"id\":987654,\"result\":[\"Wrong\"],\"error\":null}{\"id\":\"x\",\"result\":1,\"error\":null}");
    peer.reply(request, "[\"IPsec\"]");
    assertThat(call.get(5, TimeUnit.SECONDS)).containsExactly("IPsec");
    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
    assertThat(states).doesNotContain(ClientState.DISCONNECTED);
  }

  @Test
  void aValueOverTheSizeLimitFailsClearlyAndDoesNotExhaustTheHeap() throws Exception {
    FakeServer.Peer peer =
        connect(
            OvsdbClientOptions.defaults()
                .withEchoInterval(Duration.ZERO)
                .withMaxMessageBytes(64 * 1024));
    CompletableFuture<List<String>> call = client.listDatabases();
    JsonNode request = peer.readRequest();
    peer.reply(request, "[\"" + "x".repeat(1 << 20) + "\"]");
    Throwable e = failure(call);
    assertThat(e).isInstanceOf(OvsdbConnectionException.class).hasMessageContaining("too large");
    fake.accept(); // reconnected
  }

  @Test
  void aValueJustUnderTheLimitIsFine() throws Exception {
    FakeServer.Peer peer =
        connect(
            OvsdbClientOptions.defaults()
                .withEchoInterval(Duration.ZERO)
                .withMaxMessageBytes(64 * 1024));
    CompletableFuture<List<String>> call = client.listDatabases();
    JsonNode request = peer.readRequest();
    // A reply split in pieces and concatenated with the next message still frames correctly.
    String big = "y".repeat(60 * 1024);
    String reply = "{\"id\":" + request.get("id") + ",\"result\":[\"" + big + "\"],\"error\":null}";
    peer.send(reply.substring(0, 1000));
    peer.send(reply.substring(1000) + "{\"method\":\"echo\",\"params\":[],\"id\":\"e\"}");
    assertThat(call.get(5, TimeUnit.SECONDS)).containsExactly(big);
    assertThat(peer.read().get("id").asText()).isEqualTo("e");
  }

  @Test
  void theSocketClosedInTheMiddleOfAReplyFailsTheCall() throws Exception {
    FakeServer.Peer peer = connect();
    CompletableFuture<List<String>> call = client.listDatabases();
    JsonNode request = peer.readRequest();
    peer.send("{\"id\":" + request.get("id") + ",\"result\":[\"IPs");
    peer.close();
    Throwable e = failure(call);
    assertThat(e).isInstanceOf(OvsdbConnectionException.class).hasMessageContaining("lost");
    fake.accept();
  }

  @Test
  void aSilentServerTimesTheRequestOut() throws Exception {
    FakeServer.Peer peer =
        connect(
            OvsdbClientOptions.defaults()
                .withEchoInterval(Duration.ZERO)
                .withRequestTimeout(Duration.ofMillis(300)));
    CompletableFuture<List<String>> call = client.listDatabases();
    JsonNode request = peer.readRequest();
    Throwable e = failure(call);
    assertThat(e)
        .isInstanceOf(OvsdbTimeoutException.class)
        .hasMessageContaining("list_dbs")
        .hasMessageContaining("300 ms");
    // A late answer is ignored; the connection is still usable.
    peer.reply(request, "[\"late\"]");
    CompletableFuture<List<String>> next = client.listDatabases();
    peer.reply(peer.readRequest(), "[\"IPsec\"]");
    assertThat(next.get(5, TimeUnit.SECONDS)).containsExactly("IPsec");
  }

  @Test
  void theServersEchoIsAnswered() throws Exception {
    FakeServer.Peer peer = connect();
    peer.send("{\"method\":\"echo\",\"params\":[\"ping\",42],\"id\":\"srv-1\"}");
    JsonNode reply = peer.read();
    assertThat(reply.get("id").asText()).isEqualTo("srv-1");
    assertThat(reply.get("result").toString()).isEqualTo("[\"ping\",42]");
    assertThat(reply.get("error").isNull()).isTrue();
  }

  @Test
  void anUnknownMethodFromTheServerGetsAnError() throws Exception {
    FakeServer.Peer peer = connect();
    peer.send("{\"method\":\"frobnicate\",\"params\":[],\"id\":5}");
    JsonNode reply = peer.read();
    assertThat(reply.get("id").asInt()).isEqualTo(5);
    assertThat(reply.get("error").get("error").asText()).isEqualTo("unknown method");
  }

  @Test
  void echoProbesKeepALivePeerAndDropADeadOne() throws Exception {
    FakeServer.Peer peer =
        connect(OvsdbClientOptions.defaults().withEchoInterval(Duration.ofMillis(100)));
    AtomicInteger answered = new AtomicInteger();
    // Answer three probes: the connection stays up throughout.
    while (answered.get() < 3) {
      JsonNode probe = peer.read();
      assertThat(probe.get("method").asText()).isEqualTo("echo");
      peer.reply(probe, probe.get("params").toString());
      answered.incrementAndGet();
    }
    assertThat(states).doesNotContain(ClientState.DISCONNECTED);
    // Now play dead: the client gives up on this connection and reconnects.
    CompletableFuture<List<String>> pending = client.listDatabases();
    Throwable e = failure(pending);
    assertThat(e)
        .isInstanceOf(OvsdbConnectionException.class)
        .hasMessageContaining("no answer to echo");
    fake.accept();
    await().atMost(Duration.ofSeconds(5)).until(() -> client.state() == ClientState.CONNECTED);
  }

  @Test
  void requestsBeforeStartOrWhileDisconnectedFailAtOnce() throws Exception {
    client = Ovsdb.client(fake.endpoint());
    assertThat(client.state()).isEqualTo(ClientState.NEW);
    assertThat(failure(client.listDatabases()))
        .isInstanceOf(OvsdbConnectionException.class)
        .hasMessageContaining("not connected");
  }
}
