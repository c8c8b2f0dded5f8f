package org.nsvpn.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.nsvpn.ovsdb.api.ClientState;
import org.nsvpn.ovsdb.api.DatabaseSchema;
import org.nsvpn.ovsdb.api.LockListener;
import org.nsvpn.ovsdb.api.Monitor;
import org.nsvpn.ovsdb.api.MonitorListener;
import org.nsvpn.ovsdb.api.MonitorRequest;
import org.nsvpn.ovsdb.api.Operation;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbClientOptions;
import org.nsvpn.ovsdb.api.OvsdbConnectionException;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;
import org.nsvpn.ovsdb.api.OvsdbProtocolException;
import org.nsvpn.ovsdb.api.OvsdbServerException;
import org.nsvpn.ovsdb.api.OvsdbTimeoutException;
import org.nsvpn.ovsdb.api.StateListener;
import org.nsvpn.ovsdb.api.TableUpdates;
import org.nsvpn.ovsdb.api.TransactResult;
import org.nsvpn.ovsdb.wire.JsonRpcCodec;
import org.nsvpn.ovsdb.wire.JsonRpcMessage;
import org.nsvpn.ovsdb.wire.OvsdbJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link OvsdbClient}.
 *
 * <p>Threading: all connection state (the channel, pending calls, monitors, locks, the reconnect
 * timer) is confined to the client's single event loop thread, so none of it needs locks. Results
 * and listener calls are handed, in arrival order, to a single callback thread; user code never
 * runs on the event loop.
 */
final class NettyOvsdbClient implements OvsdbClient {
  private static final Logger log = LoggerFactory.getLogger(NettyOvsdbClient.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final String PROBE_ID = "nsvpn-echo-probe";
  private static final java.util.regex.Pattern LOCK_ID =
      java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final OvsdbEndpoint endpoint;
  private final OvsdbClientOptions options;
  private final String name;
  private final Transport transport;
  private final EventLoop loop;
  private final ExecutorService callbacks;
  private final AtomicReference<Thread> callbackThread = new AtomicReference<>();
  private final AtomicReference<ClientState> state = new AtomicReference<>(ClientState.NEW);
  private final List<StateListener> stateListeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
  private final Duration echoInterval;
  private final AtomicInteger monitorIds = new AtomicInteger();

  // Event-loop confined.
  private Channel channel;
  private long nextId = 1;
  private final Map<Long, Pending<?>> pending = new HashMap<>();
  private final Map<String, MonitorEntry> monitors = new LinkedHashMap<>();
  private final Map<String, LockEntry> locks = new LinkedHashMap<>();
  private ScheduledFuture<?> reconnectTimer;
  private int failedAttempts;

  NettyOvsdbClient(OvsdbEndpoint endpoint, OvsdbClientOptions options) {
    this.endpoint = endpoint;
    this.options = options;
    this.name = options.name() + "-" + INSTANCES.incrementAndGet();
    this.transport =
        Transport.forEndpoint(endpoint, new DefaultThreadFactory("ovsdb-" + name + "-io", true));
    this.loop = transport.group().next();
    this.callbacks =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ovsdb-" + name + "-callbacks");
              t.setDaemon(true);
              callbackThread.set(t);
              return t;
            });
    this.echoInterval =
        options
            .echoInterval()
            .orElse(
                endpoint instanceof OvsdbEndpoint.Tcp
                    ? OvsdbClientOptions.TCP_ECHO_INTERVAL
                    : Duration.ZERO);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public CompletableFuture<Void> start() {
    if (!state.compareAndSet(ClientState.NEW, ClientState.CONNECTING)) {
      throw new IllegalStateException("client " + name + " is " + state.get() + ", not NEW");
    }
    notifyState(ClientState.NEW, ClientState.CONNECTING);
    loop.execute(this::connect);
    return firstConnection;
  }

  @Override
  public ClientState state() {
    return state.get();
  }

  @Override
  public void addStateListener(StateListener listener) {
    stateListeners.add(listener);
  }

  @Override
  public void close() {
    ClientState previous = state.getAndSet(ClientState.CLOSED);
    if (previous == ClientState.CLOSED) {
      return;
    }
    log.info("ovsdb {}: closing client for {}", name, endpoint);
    notifyState(previous, ClientState.CLOSED);
    try {
      loop.execute(
          () -> {
            if (reconnectTimer != null) {
              reconnectTimer.cancel(false);
            }
            failAll(new OvsdbConnectionException("client for " + endpoint + " closed"));
            if (channel != null) {
              channel.close();
              channel = null;
            }
          });
    } catch (RejectedExecutionException e) {
      // the loop is already shutting down; nothing left to clean on it
    }
    completeOnCallbacks(
        () ->
            firstConnection.completeExceptionally(
                new OvsdbConnectionException("client for " + endpoint + " closed")));
    io.netty.util.concurrent.Future<?> shutdown =
        transport.group().shutdownGracefully(0, 1, TimeUnit.SECONDS);
    if (!loop.inEventLoop()) {
      shutdown.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    callbacks.shutdown();
    if (Thread.currentThread() != callbackThread.get()) {
      try {
        callbacks.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void setState(ClientState to) {
    ClientState from = state.get();
    while (from != ClientState.CLOSED && from != to) {
      if (state.compareAndSet(from, to)) {
        notifyState(from, to);
        return;
      }
      from = state.get();
    }
  }

  private void notifyState(ClientState from, ClientState to) {
    completeOnCallbacks(
        () -> {
          for (StateListener l : stateListeners) {
            try {
              l.onStateChange(from, to);
            } catch (RuntimeException e) {
              log.error("ovsdb {}: state listener failed", name, e);
            }
          }
        });
  }

  // ---------------------------------------------------------------- connecting

  private void connect() {
    if (state.get() == ClientState.CLOSED) {
      return;
    }
    setState(ClientState.CONNECTING);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.channelClass())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (!echoInterval.isZero()) {
                      ch.pipeline()
                          .addLast(
                              new IdleStateHandler(
                                  echoInterval.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                    }
                    JsonRpcCodec.install(ch.pipeline(), options.maxMessageBytes());
                    ch.pipeline().addLast(new RpcHandler());
                  }
                });
    ChannelFuture f = bootstrap.connect(transport.address());
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            onConnected(f.channel());
          } else {
            onAttemptFailed(done.cause());
          }
        });
  }

  private void onConnected(Channel ch) {
    if (state.get() == ClientState.CLOSED) {
      ch.close();
      return;
    }
    log.info(
        "ovsdb {}: connected to {}{}",
        name,
        endpoint,
        failedAttempts > 0 ? " after " + failedAttempts + " failed attempts" : "");
    channel = ch;
    failedAttempts = 0;
    boolean resync = firstConnection.isDone();
    setState(ClientState.CONNECTED);
    completeOnCallbacks(() -> firstConnection.complete(null));
    for (MonitorEntry m : monitors.values()) {
      if (m.established && !m.cancelled) {
        sendMonitor(m, true, null);
      }
    }
    for (LockEntry lock : locks.values()) {
      sendLock(lock, null);
    }
  }

  private void onAttemptFailed(Throwable cause) {
    if (state.get() == ClientState.CLOSED) {
      return;
    }
    failedAttempts++;
    if (failedAttempts == 1) {
      log.warn(
          "ovsdb {}: cannot connect to {}: {}; retrying with backoff",
          name,
          endpoint,
          cause.getMessage());
    } else {
      log.debug("ovsdb {}: attempt {} to {} failed: {}", name, failedAttempts, endpoint, cause);
    }
    setState(ClientState.DISCONNECTED);
    scheduleReconnect();
  }

  private void onDisconnected(Channel ch, Throwable cause) {
    if (ch != channel) {
      return;
    }
    channel = null;
    String why = cause == null ? "closed by peer" : describe(cause);
    OvsdbConnectionException lost =
        new OvsdbConnectionException("connection to " + endpoint + " lost: " + why, cause);
    failAll(lost);
    for (LockEntry lock : locks.values()) {
      if (lock.held) {
        lock.held = false;
        notifyLock(lock, false);
      }
    }
    if (state.get() == ClientState.CLOSED) {
      return;
    }
    log.warn("ovsdb {}: connection to {} lost: {}; reconnecting", name, endpoint, why);
    setState(ClientState.DISCONNECTED);
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    long min = options.reconnectMinDelay().toMillis();
    long max = options.reconnectMaxDelay().toMillis();
    int exponent = Math.min(Math.max(failedAttempts - 1, 0), 20);
    long delay = Math.min(max, min << exponent);
    delay = (long) (delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    reconnectTimer = loop.schedule(this::connect, Math.max(delay, 1), TimeUnit.MILLISECONDS);
  }

  private void failAll(RuntimeException cause) {
    List<Pending<?>> all = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending<?> p : all) {
      p.fail(cause);
    }
  }

  // ---------------------------------------------------------------- requests

  @Override
  public CompletableFuture<List<String>> listDatabases() {
    return call(
        "list_dbs",
        F.arrayNode(),
        result -> {
          if (!result.isArray()) {
            throw new OvsdbProtocolException("list_dbs result is not an array: " + result);
          }
          List<String> dbs = new ArrayList<>();
          result.forEach(n -> dbs.add(n.asText()));
          return List.copyOf(dbs);
        });
  }

  @Override
  public CompletableFuture<DatabaseSchema> schema(String database) {
    return call("get_schema", F.arrayNode().add(database), OvsdbJson::decodeSchema);
  }

  @Override
  public CompletableFuture<TransactResult> transact(String database, List<Operation> operations) {
    List<Operation> ops = List.copyOf(operations);
    return call(
        "transact",
        OvsdbJson.transactParams(database, ops),
        result -> OvsdbJson.decodeTransactResult(ops, result));
  }

  @Override
  public CompletableFuture<Void> echo() {
    return call("echo", F.arrayNode().add("nsvpn"), result -> null);
  }

  @Override
  public CompletableFuture<Monitor> monitor(
      String database, List<MonitorRequest> requests, MonitorListener listener) {
    MonitorEntry entry =
        new MonitorEntry(
            "nsvpn-monitor-" + monitorIds.incrementAndGet(),
            database,
            OvsdbJson.encodeMonitorRequests(requests),
            listener);
    CompletableFuture<Monitor> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          monitors.put(entry.id, entry);
          sendMonitor(entry, false, result);
        });
    return result;
  }

  /**
   * Event loop only. The reply future completes on the callback thread, and its dependent stage
   * runs there in the same task, so the snapshot reaches the listener before any later update.
   */
  private void sendMonitor(MonitorEntry entry, boolean resync, CompletableFuture<Monitor> first) {
    CompletableFuture<TableUpdates> reply = new CompletableFuture<>();
    reply.whenComplete(
        (contents, error) -> {
          if (error != null) {
            if (first != null) {
              onLoopQuietly(() -> monitors.remove(entry.id, entry));
              first.completeExceptionally(error);
            } else {
              log.warn(
                  "ovsdb {}: re-establishing monitor {} failed: {}",
                  name,
                  entry.id,
                  error.getMessage());
            }
            return;
          }
          entry.established = true;
          if (!entry.cancelled) {
            try {
              entry.listener.onSnapshot(contents, resync);
            } catch (RuntimeException e) {
              log.error("ovsdb {}: monitor listener {} failed", name, entry.id, e);
            }
          }
          if (first != null) {
            first.complete(entry);
          }
        });
    ArrayNode params = F.arrayNode().add(entry.database).add(entry.id).add(entry.requests);
    send("monitor", params, OvsdbJson::decodeTableUpdates, reply);
  }

  @Override
  public CompletableFuture<Boolean> lock(String lock, LockListener listener) {
    return lockRequest("lock", lock, listener);
  }

  @Override
  public CompletableFuture<Boolean> steal(String lock, LockListener listener) {
    return lockRequest("steal", lock, listener);
  }

  private CompletableFuture<Boolean> lockRequest(String method, String lock, LockListener l) {
    if (!LOCK_ID.matcher(lock).matches()) {
      throw new IllegalArgumentException(
          "lock: invalid value '" + lock + "': RFC 7047 lock ids match [a-zA-Z_][a-zA-Z0-9_]*");
    }
    LockEntry entry = new LockEntry(lock, l);
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          locks.put(lock, entry);
          entry.method = method;
          sendLock(entry, result);
        });
    return result;
  }

  private void sendLock(LockEntry entry, CompletableFuture<Boolean> first) {
    CompletableFuture<Boolean> reply = new CompletableFuture<>();
    reply.whenComplete(
        (locked, error) -> {
          if (error != null) {
            if (first != null) {
              onLoopQuietly(() -> locks.remove(entry.lock, entry));
              first.completeExceptionally(error);
            }
            return;
          }
          if (locked) {
            entry.held = true;
          }
          if (first != null) {
            first.complete(locked);
          } else if (locked) {
            entry.listener.onLockChange(entry.lock, true);
          }
        });
    send(
        entry.method,
        F.arrayNode().add(entry.lock),
        json -> json.path("locked").asBoolean(),
        reply);
  }

  @Override
  public CompletableFuture<Void> unlock(String lock) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          locks.remove(lock);
          send("unlock", F.arrayNode().add(lock), json -> null, result);
        });
    return result;
  }

  private <T> CompletableFuture<T> call(
      String method, ArrayNode params, Function<JsonNode, T> decode) {
    CompletableFuture<T> result = new CompletableFuture<>();
    onLoop(result, () -> send(method, params, decode, result));
    return result;
  }

  /** Runs {@code task} on the event loop, or fails {@code result} if the client is closed. */
  private void onLoop(CompletableFuture<?> result, Runnable task) {
    if (state.get() == ClientState.CLOSED) {
      result.completeExceptionally(closed());
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closed());
    }
  }

  private void onLoopQuietly(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // closed: the state the task would update is gone
    }
  }

  private OvsdbConnectionException closed() {
    return new OvsdbConnectionException("client for " + endpoint + " is closed");
  }

  /** Event loop only: sends a request and registers it, or fails {@code result} at once. */
  private <T> void send(
      String method, ArrayNode params, Function<JsonNode, T> decode, CompletableFuture<T> result) {
    Channel ch = channel;
    if (ch == null || state.get() != ClientState.CONNECTED) {
      completeOnCallbacks(
          () ->
              result.completeExceptionally(
                  new OvsdbConnectionException(
                      method + ": not connected to " + endpoint + " (" + state.get() + ")")));
      return;
    }
    long id = nextId++;
    Pending<T> p = new Pending<>(method, decode, result);
    pending.put(id, p);
    p.timeout =
        loop.schedule(
            () -> {
              if (pending.remove(id) == p) {
                p.fail(
                    new OvsdbTimeoutException(
                        method
                            + " to "
                            + endpoint
                            + ": no answer within "
                            + options.requestTimeout().toMillis()
                            + " ms"));
              }
            },
            options.requestTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    ch.writeAndFlush(new JsonRpcMessage.Request(method, params, LongNode.valueOf(id)))
        .addListener(
            w -> {
              if (!w.isSuccess() && pending.remove(id) == p) {
                p.fail(
                    new OvsdbConnectionException(
                        method + ": cannot send to " + endpoint + ": " + describe(w.cause()),
                        w.cause()));
              }
            });
  }

  // ---------------------------------------------------------------- incoming

  private void onResponse(JsonRpcMessage.Response response) {
    JsonNode id = response.id();
    if (id.isTextual() && id.asText().equals(PROBE_ID)) {
      return; // answer to a keepalive probe; its arrival already proved the peer alive
    }
    Pending<?> p = id.canConvertToLong() ? pending.remove(id.asLong()) : null;
    if (p == null) {
      log.warn(
          "ovsdb {}: reply to unknown request id {} from {} ignored (late after a timeout, or a"
              + " confused server)",
          name,
          OvsdbJson.abbreviate(id),
          endpoint);
      return;
    }
    p.timeout.cancel(false);
    if (response.isError()) {
      JsonNode e = response.error();
      String error = e.isObject() ? e.path("error").asText(e.toString()) : e.asText(e.toString());
      Optional<String> details =
          e.isObject() ? OvsdbJson.optionalText(e.get("details")) : Optional.empty();
      p.fail(new OvsdbServerException(p.method, error, details));
      return;
    }
    p.succeed(response.result());
  }

  private void onRequest(Channel ch, JsonRpcMessage.Request request) {
    switch (request.method()) {
      case "echo" -> {
        if (!request.isNotification()) {
          ch.writeAndFlush(JsonRpcMessage.Response.success(request.params(), request.id()));
        }
      }
      case "update" -> onUpdate(request.params());
      case "locked", "stolen" -> onLockNotification(request);
      default -> {
        log.warn("ovsdb {}: unexpected request '{}' from {}", name, request.method(), endpoint);
        if (!request.isNotification()) {
          ObjectNode error = F.objectNode().put("error", "unknown method");
          ch.writeAndFlush(new JsonRpcMessage.Response(null, error, request.id()));
        }
      }
    }
  }

  private void onUpdate(ArrayNode params) {
    if (params.size() != 2) {
      throw new OvsdbProtocolException("update notification with " + params.size() + " params");
    }
    MonitorEntry entry = monitors.get(params.get(0).asText());
    if (entry == null) {
      log.debug("ovsdb {}: update for unknown monitor {} ignored", name, params.get(0));
      return;
    }
    TableUpdates updates = OvsdbJson.decodeTableUpdates(params.get(1));
    completeOnCallbacks(
        () -> {
          if (!entry.cancelled) {
            try {
              entry.listener.onUpdate(updates);
            } catch (RuntimeException e) {
              log.error("ovsdb {}: monitor listener {} failed", name, entry.id, e);
            }
          }
        });
  }

  private void onLockNotification(JsonRpcMessage.Request request) {
    String lock = request.params().path(0).asText();
    LockEntry entry = locks.get(lock);
    if (entry == null) {
      log.debug("ovsdb {}: {} for unknown lock {} ignored", name, request.method(), lock);
      return;
    }
    boolean held = request.method().equals("locked");
    entry.held = held;
    notifyLock(entry, held);
  }

  private void notifyLock(LockEntry entry, boolean held) {
    completeOnCallbacks(
        () -> {
          try {
            entry.listener.onLockChange(entry.lock, held);
          } catch (RuntimeException e) {
            log.error("ovsdb {}: lock listener for {} failed", name, entry.lock, e);
          }
        });
  }

  /** Runs {@code task} on the callback thread, in submission order. */
  private void completeOnCallbacks(Runnable task) {
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // closed: complete the future on this thread rather than leave it hanging
    }
  }

  /** Netty's codec failures as the protocol errors they are; other causes unchanged. */
  private Throwable protocolError(Throwable cause) {
    Throwable c = cause;
    if (c instanceof DecoderException && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof TooLongFrameException) {
      return new OvsdbProtocolException(
          "message from server too large (limit " + options.maxMessageBytes() + " bytes)", c);
    }
    if (c instanceof CorruptedFrameException) {
      return new OvsdbProtocolException("malformed JSON from peer: " + c.getMessage(), c);
    }
    return c;
  }

  private static String describe(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  // ---------------------------------------------------------------- per-channel handler

  /** Dispatches one channel's messages; reports protocol errors and dead peers. */
  private final class RpcHandler extends ChannelInboundHandlerAdapter {
    private Throwable failure;
    private boolean probeOutstanding;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      probeOutstanding = false;
      try {
        if (msg instanceof JsonRpcMessage.Response r) {
          onResponse(r);
        } else if (msg instanceof JsonRpcMessage.Request r) {
          onRequest(ctx.channel(), r);
        }
      } catch (OvsdbProtocolException e) {
        exceptionCaught(ctx, e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        if (probeOutstanding) {
          failure =
              new OvsdbTimeoutException(
                  "no answer to echo within "
                      + echoInterval.toMillis()
                      + " ms; peer presumed dead");
          ctx.close();
          return;
        }
        probeOutstanding = true;
        ctx.writeAndFlush(
            new JsonRpcMessage.Request("echo", F.arrayNode(), TextNode.valueOf(PROBE_ID)));
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (failure == null) {
        failure = protocolError(cause);
        log.debug("ovsdb {}: dropping connection to {}", name, endpoint, cause);
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      onDisconnected(ctx.channel(), failure);
    }
  }

  // ---------------------------------------------------------------- bookkeeping

  /** A request awaiting its reply. */
  private final class Pending<T> {
    final String method;
    final Function<JsonNode, T> decode;
    final CompletableFuture<T> result;
    ScheduledFuture<?> timeout;

    Pending(String method, Function<JsonNode, T> decode, CompletableFuture<T> result) {
      this.method = method;
      this.decode = decode;
      this.result = result;
    }

    void succeed(JsonNode json) {
      T value;
      try {
        value = decode.apply(json);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      completeOnCallbacks(() -> result.complete(value));
    }

    void fail(RuntimeException cause) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      completeOnCallbacks(() -> result.completeExceptionally(cause));
    }
  }

  /** A monitor to keep alive across reconnections. */
  private final class MonitorEntry implements Monitor {
    final String id;
    final String database;
    final ObjectNode requests;
    final MonitorListener listener;
    volatile boolean cancelled;
    volatile boolean established;

    MonitorEntry(String id, String database, ObjectNode requests, MonitorListener listener) {
      this.id = id;
      this.database = database;
      this.requests = requests;
      this.listener = listener;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public CompletableFuture<Void> cancel() {
      CompletableFuture<Void> result = new CompletableFuture<>();
      if (cancelled) {
        result.complete(null);
        return result;
      }
      cancelled = true;
      onLoop(
          result,
          () -> {
            monitors.remove(id);
            if (channel == null) {
              completeOnCallbacks(() -> result.complete(null));
            } else {
              send("monitor_cancel", F.arrayNode().add(id), json -> null, result);
            }
          });
      return result;
    }
  }

  /** A lock to re-request after reconnections. */
  private static final class LockEntry {
    final String lock;
    final LockListener listener;
    String method = "lock";
    volatile boolean held;

    LockEntry(String lock, LockListener listener) {
      this.lock = lock;
      this.listener = listener;
    }
  }
}
