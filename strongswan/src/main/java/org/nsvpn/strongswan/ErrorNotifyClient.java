package org.nsvpn.strongswan;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.nsvpn.strongswan.vici.ViciTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on charon's error-notify socket. charon writes only to connected listeners, so the client
 * connects as soon as it is made and reconnects (with backoff) until closed; messages sent while
 * disconnected are lost, which the periodic list-sas makes up for in the status.
 *
 * <p>Notifications are delivered on {@code executor}, in order. Connection state is confined to the
 * event loop.
 */
final class ErrorNotifyClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ErrorNotifyClient.class);

  private final Path socket;
  private final EventLoop loop;
  private final Executor executor;
  private final Consumer<ErrorNotification> listener;
  private final Bootstrap bootstrap;
  private final Duration reconnectMax;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private volatile boolean closed;
  private Channel channel;
  private long delayNanos;

  ErrorNotifyClient(
      Path socket,
      Executor executor,
      Duration reconnectMin,
      Duration reconnectMax,
      Consumer<ErrorNotification> listener) {
    this.socket = socket;
    this.executor = executor;
    this.listener = listener;
    this.reconnectMax = reconnectMax;
    this.delayNanos = reconnectMin.toNanos();
    this.loop = ViciTransport.eventLoopGroup().next();
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(EpollDomainSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new FixedLengthFrameDecoder(ErrorNotification.SIZE))
                        .addLast(new Handler());
                  }
                });
    loop.execute(this::connect);
  }

  /** Completes on the first successful connection. */
  CompletableFuture<Void> connected() {
    return connected;
  }

  private void connect() {
    if (closed) {
      return;
    }
    bootstrap
        .connect(new DomainSocketAddress(socket.toString()))
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                retry();
                return;
              }
              if (closed) {
                f.channel().close();
                return;
              }
              channel = f.channel();
              connected.complete(null);
              f.channel().closeFuture().addListener(c -> lost(f.channel()));
            });
  }

  private void lost(Channel ch) {
    if (channel == ch) {
      channel = null;
      retry();
    }
  }

  private void retry() {
    if (closed) {
      return;
    }
    long delay = delayNanos;
    delayNanos = Math.min(delayNanos * 2, reconnectMax.toNanos());
    loop.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    closed = true;
    loop.execute(
        () -> {
          connected.completeExceptionally(new IllegalStateException("error-notify client closed"));
          if (channel != null) {
            channel.close();
            channel = null;
          }
        });
  }

  private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      ErrorNotification notification = ErrorNotification.decode(frame);
      executor.execute(() -> listener.accept(notification));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("error-notify connection to {} failed", socket, cause);
      ctx.close();
    }
  }
}
