package org.nsvpn.strongswan.vici;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ViciClient} on a Netty epoll domain socket. Every field below the constructor's is
 * confined to the client's event loop; public methods hand their work to it.
 *
 * <p>Registrations are reconciled rather than queued: before sending the next command the client
 * registers every event that has subscribers or that the next (streamed) command needs and is not
 * registered on the current connection, and unregisters events nobody needs any more. A new
 * connection starts with nothing registered, so re-registration after a reconnect needs no special
 * case.
 */
final class NettyViciClient implements ViciClient {
  private static final Logger log = LoggerFactory.getLogger(NettyViciClient.class);
  private static final long CLOSE_WAIT_MILLIS = 5000;

  private final Path socket;
  private final ViciClientOptions options;
  private final EventLoop loop;
  private final SerialExecutor callbacks;
  private final Bootstrap bootstrap;
  private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
  private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();
  private volatile State state = State.CONNECTING;

  private Channel channel;
  private Operation inFlight;
  private final ArrayDeque<Command> queue = new ArrayDeque<>();
  private final Set<String> registered = new HashSet<>();
  private final Map<String, List<Subscription>> subscribers = new LinkedHashMap<>();
  private long reconnectNanos;
  private ScheduledFuture<?> reconnect;

  NettyViciClient(Path socket, ViciClientOptions options) {
    ViciTransport.requireEpoll();
    this.socket = socket;
    this.options = options;
    this.loop = options.eventLoopGroup().next();
    this.callbacks = new SerialExecutor(options.callbackExecutor());
    this.reconnectNanos = options.reconnectMin().toNanos();
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(EpollDomainSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("frames", new ViciFrameDecoder())
                        .addLast("encoder", ViciPacketEncoder.INSTANCE)
                        .addLast("client", new Handler());
                  }
                });
    loop.execute(this::connect);
  }

  /** Work that occupies the connection until charon answers it. */
  private sealed interface Operation permits Command, Registration {}

  private static final class Command implements Operation {
    final String name;
    final ViciSection arguments;
    final Optional<String> streamEvent;
    final CompletableFuture<ViciStreamedResponse> future = new CompletableFuture<>();
    final List<ViciSection> events = new ArrayList<>();
    ScheduledFuture<?> timeout;

    Command(String name, ViciSection arguments, Optional<String> streamEvent) {
      this.name = name;
      this.arguments = arguments;
      this.streamEvent = streamEvent;
    }
  }

  private record Registration(String event, boolean register) implements Operation {}

  private final class Subscription implements ViciSubscription {
    final String event;
    final Consumer<ViciSection> listener;
    final CompletableFuture<ViciSubscription> confirmed = new CompletableFuture<>();

    Subscription(String event, Consumer<ViciSection> listener) {
      this.event = event;
      this.listener = listener;
    }

    @Override
    public String event() {
      return event;
    }

    @Override
    public void close() {
      loop.execute(
          () -> {
            List<Subscription> list = subscribers.get(event);
            if (list != null && list.remove(this) && list.isEmpty()) {
              subscribers.remove(event);
            }
            pump();
          });
    }
  }

  @Override
  public Path socket() {
    return socket;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public CompletableFuture<Void> connected() {
    return firstConnection.thenApplyAsync(v -> v, callbacks);
  }

  @Override
  public CompletableFuture<ViciSection> request(String command, ViciSection arguments) {
    return request(command, arguments, options.requestTimeout());
  }

  @Override
  public CompletableFuture<ViciSection> request(
      String command, ViciSection arguments, Duration timeout) {
    return submit(command, arguments, Optional.empty(), timeout)
        .thenApply(ViciStreamedResponse::response);
  }

  @Override
  public CompletableFuture<ViciStreamedResponse> streamedRequest(
      String command, ViciSection arguments, String event) {
    return streamedRequest(command, arguments, event, options.requestTimeout());
  }

  @Override
  public CompletableFuture<ViciStreamedResponse> streamedRequest(
      String command, ViciSection arguments, String event, Duration timeout) {
    ViciSection.checkName(event);
    return submit(command, arguments, Optional.of(event), timeout);
  }

  private CompletableFuture<ViciStreamedResponse> submit(
      String name, ViciSection arguments, Optional<String> streamEvent, Duration timeout) {
    ViciSection.checkName(name);
    Command command = new Command(name, arguments, streamEvent);
    loop.execute(
        () -> {
          if (state == State.CLOSED) {
            fail(command.future, new ViciConnectionException("VICI client closed: " + name));
            return;
          }
          command.timeout =
              loop.schedule(
                  () -> timedOut(command, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
          queue.add(command);
          pump();
        });
    return command.future;
  }

  @Override
  public CompletableFuture<ViciSubscription> subscribe(
      String event, Consumer<ViciSection> listener) {
    ViciSection.checkName(event);
    Subscription subscription = new Subscription(event, listener);
    loop.execute(
        () -> {
          if (state == State.CLOSED) {
            fail(subscription.confirmed, new ViciConnectionException("VICI client closed"));
            return;
          }
          subscribers.computeIfAbsent(event, e -> new ArrayList<>()).add(subscription);
          if (registered.contains(event)) {
            complete(subscription.confirmed, subscription);
          }
          pump();
        });
    return subscription.confirmed;
  }

  @Override
  public void addStateListener(Consumer<State> listener) {
    stateListeners.add(listener);
  }

  @Override
  public void close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            closeOnLoop();
          } finally {
            done.complete(null);
          }
        });
    if (loop.inEventLoop()) {
      return;
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    try {
      while (true) {
        try {
          done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | TimeoutException e) {
          log.warn("closing the VICI client on {} did not finish in time", socket);
          return;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeOnLoop() {
    if (state == State.CLOSED) {
      return;
    }
    setState(State.CLOSED);
    if (reconnect != null) {
      reconnect.cancel(false);
    }
    ViciConnectionException closed = new ViciConnectionException("VICI client closed");
    if (inFlight instanceof Command command) {
      finish(command, closed);
    }
    inFlight = null;
    for (Command command : queue) {
      finish(command, closed);
    }
    queue.clear();
    subscribers.values().forEach(list -> list.forEach(s -> fail(s.confirmed, closed)));
    subscribers.clear();
    fail(firstConnection, closed);
    if (channel != null) {
      Channel ch = channel;
      channel = null;
      registered.clear();
      ch.close();
    }
  }

  private void connect() {
    reconnect = null;
    if (state == State.CLOSED) {
      return;
    }
    ChannelFuture attempt = bootstrap.connect(new DomainSocketAddress(socket.toString()));
    attempt.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            log.debug("connecting to {} failed: {}", socket, f.cause().toString());
            scheduleReconnect();
            return;
          }
          if (state == State.CLOSED) {
            f.channel().close();
            return;
          }
          channel = f.channel();
          reconnectNanos = options.reconnectMin().toNanos();
          log.debug("connected to {}", socket);
          setState(State.CONNECTED);
          if (!firstConnection.isDone()) {
            complete(firstConnection, null);
          }
          pump();
        });
  }

  private void scheduleReconnect() {
    if (state == State.CLOSED || reconnect != null) {
      return;
    }
    long delay = reconnectNanos;
    reconnectNanos = Math.min(reconnectNanos * 2, options.reconnectMax().toNanos());
    reconnect = loop.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
  }

  /** Drops the current connection (lost, or no longer in step) and starts reconnecting. */
  private void resetConnection(String why) {
    if (channel == null) {
      return;
    }
    Channel ch = channel;
    channel = null;
    registered.clear();
    if (inFlight instanceof Command command) {
      finish(
          command,
          new ViciConnectionException(
              "connection to "
                  + socket
                  + " lost while "
                  + command.name
                  + " was in flight: "
                  + why));
    }
    inFlight = null;
    ch.close();
    if (state != State.CLOSED) {
      log.debug("connection to {} reset: {}", socket, why);
      setState(State.DISCONNECTED);
      scheduleReconnect();
    }
  }

  /** Sends the next registration change or command, if the connection is idle. */
  private void pump() {
    if (channel == null || inFlight != null || state == State.CLOSED) {
      return;
    }
    Command head = queue.peek();
    String streamEvent = head == null ? null : head.streamEvent.orElse(null);
    Set<String> wanted = new LinkedHashSet<>(subscribers.keySet());
    if (streamEvent != null) {
      wanted.add(streamEvent);
    }
    for (String event : wanted) {
      if (!registered.contains(event)) {
        send(new Registration(event, true), ViciPacket.register(event));
        return;
      }
    }
    for (String event : registered) {
      if (!wanted.contains(event)) {
        send(new Registration(event, false), ViciPacket.unregister(event));
        return;
      }
    }
    if (head != null) {
      queue.poll();
      send(head, ViciPacket.request(head.name, head.arguments));
    }
  }

  private void send(Operation operation, ViciPacket packet) {
    inFlight = operation;
    Channel ch = channel;
    ch.writeAndFlush(packet)
        .addListener(
            f -> {
              if (!f.isSuccess() && ch == channel) {
                if (operation instanceof Command command && inFlight == command) {
                  inFlight = null;
                  finish(command, f.cause());
                }
                resetConnection("write failed: " + f.cause());
              }
            });
  }

  private void timedOut(Command command, Duration timeout) {
    if (command.future.isDone()) {
      return;
    }
    TimeoutException e =
        new TimeoutException("VICI " + command.name + " not answered within " + timeout);
    if (queue.remove(command)) {
      finish(command, e);
    } else if (inFlight == command) {
      inFlight = null;
      finish(command, e);
      resetConnection(command.name + " timed out");
    }
  }

  private void received(ViciPacket packet) {
    switch (packet.type()) {
      case EVENT -> event(packet.name().orElseThrow(), packet.message());
      case CMD_RESPONSE -> {
        Command command = expectCommand(packet);
        if (command != null) {
          inFlight = null;
          finish(command, new ViciStreamedResponse(command.events, packet.message()));
          pump();
        }
      }
      case CMD_UNKNOWN -> {
        Command command = expectCommand(packet);
        if (command != null) {
          inFlight = null;
          finish(command, new ViciCommandException(command.name, "unknown command"));
          pump();
        }
      }
      case EVENT_CONFIRM, EVENT_UNKNOWN -> {
        if (!(inFlight instanceof Registration registration)) {
          resetConnection("unexpected " + packet.type() + " with no registration in flight");
          return;
        }
        inFlight = null;
        registrationAnswered(registration, packet.type() == ViciPacketType.EVENT_CONFIRM);
        pump();
      }
      default -> resetConnection("charon sent a client-side packet: " + packet.type());
    }
  }

  private Command expectCommand(ViciPacket packet) {
    if (inFlight instanceof Command command) {
      return command;
    }
    resetConnection("unexpected " + packet.type() + " with no command in flight");
    return null;
  }

  private void event(String name, ViciSection message) {
    if (inFlight instanceof Command command
        && command.streamEvent.filter(name::equals).isPresent()) {
      command.events.add(message);
    }
    List<Subscription> list = subscribers.get(name);
    if (list != null && registered.contains(name)) {
      for (Subscription subscription : List.copyOf(list)) {
        callbacks.execute(() -> subscription.listener.accept(message));
      }
    }
  }

  private void registrationAnswered(Registration registration, boolean confirmed) {
    String event = registration.event();
    if (!registration.register()) {
      registered.remove(event);
      return;
    }
    if (confirmed) {
      registered.add(event);
      List<Subscription> list = subscribers.get(event);
      if (list != null) {
        list.forEach(s -> complete(s.confirmed, s));
      }
      return;
    }
    ViciCommandException unknown = new ViciCommandException("register " + event, "unknown event");
    List<Subscription> list = subscribers.remove(event);
    if (list != null) {
      log.warn("charon at {} does not know event {}", socket, event);
      list.forEach(s -> fail(s.confirmed, unknown));
    }
    Command head = queue.peek();
    if (head != null && head.streamEvent.filter(event::equals).isPresent()) {
      queue.poll();
      finish(head, unknown);
    }
  }

  private void finish(Command command, Object outcome) {
    if (command.timeout != null) {
      command.timeout.cancel(false);
    }
    if (outcome instanceof ViciStreamedResponse response) {
      complete(command.future, response);
    } else {
      fail(command.future, (Throwable) outcome);
    }
  }

  private <T> void complete(CompletableFuture<T> future, T value) {
    callbacks.execute(() -> future.complete(value));
  }

  private void fail(CompletableFuture<?> future, Throwable cause) {
    callbacks.execute(() -> future.completeExceptionally(cause));
  }

  private void setState(State next) {
    if (state == next) {
      return;
    }
    state = next;
    for (Consumer<State> listener : stateListeners) {
      callbacks.execute(() -> listener.accept(next));
    }
  }

  /** Inbound side of the pipeline; ignores whatever a replaced channel still delivers. */
  private final class Handler extends SimpleChannelInboundHandler<ViciPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ViciPacket packet) {
      if (ctx.channel() == channel) {
        received(packet);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() == channel) {
        resetConnection("closed by charon");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (ctx.channel() == channel) {
        log.warn("VICI connection to {} failed; reconnecting", socket, cause);
        resetConnection(cause.toString());
      } else {
        ctx.close();
      }
    }
  }
}
