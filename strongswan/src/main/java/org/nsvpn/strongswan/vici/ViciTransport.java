package org.nsvpn.strongswan.vici;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide resources the unix-socket clients share: one epoll event loop thread (charon's
 * sockets carry little traffic) and a pool of daemon threads on which futures complete and
 * listeners run. Both are created on first use and live as long as the process.
 */
public final class ViciTransport {
  private ViciTransport() {}

  private static final class Holder {
    static final EventLoopGroup LOOP;
    static final ExecutorService CALLBACKS;

    static {
      requireEpoll();
      LOOP = new EpollEventLoopGroup(1, new DefaultThreadFactory("vici-epoll", true));
      AtomicInteger count = new AtomicInteger();
      CALLBACKS =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              30,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              r -> {
                Thread t = new Thread(r, "vici-callback-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
  }

  /** The shared epoll event loop group (one thread). */
  public static EventLoopGroup eventLoopGroup() {
    return Holder.LOOP;
  }

  /** The shared pool that callbacks run on (wrap it in a {@link SerialExecutor} for order). */
  public static ExecutorService callbackPool() {
    return Holder.CALLBACKS;
  }

  /**
   * Fails with a clear message when Netty's native epoll transport cannot load (not Linux x86-64,
   * or the {@code netty-transport-native-epoll} jar with classifier {@code linux-x86_64} missing).
   */
  public static void requireEpoll() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "Netty's epoll transport is unavailable, so unix domain sockets to charon cannot be"
              + " opened (needs Linux and netty-transport-native-epoll:linux-x86_64 on the class"
              + " path)",
          Epoll.unavailabilityCause());
    }
  }
}
