package org.nsvpn.strongswan.vici;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide resources the unix-socket clients share: one epoll event loop thread (charon's
 * sockets carry little traffic) and a pool of at most {@value #CALLBACK_THREADS} daemon threads on
 * which futures complete and listeners run, whatever the number of charons. Both are created on
 * first use and live as long as the process; the pool's threads end after 30 s idle.
 *
 * <p>The pool is bounded (tasks beyond its threads queue) because nothing that runs on it waits:
 * every client and {@code ManagedCharon} reach it through their own {@link SerialExecutor}, whose
 * tasks complete futures, update state and hand work on (to actors, to the strongSwan module's
 * blocking pool, to timers), and never block on another future. The one thread that does wait for
 * VICI answers, the one starting a charon, is not on this pool but on the strongSwan module's
 * blocking pool, so it cannot hold up the callbacks it waits for. Before the bound the pool grew to
 * 115 threads while 1,000 charons started (docs/performance.md, "scale").
 */
public final class ViciTransport {
  /** The most threads the callback pool runs at once. */
  public static final int CALLBACK_THREADS = 4;

  private ViciTransport() {}

  private static final class Holder {
    static final EventLoopGroup LOOP;
    static final ExecutorService CALLBACKS;

    static {
      requireEpoll();
      LOOP = new EpollEventLoopGroup(1, new DefaultThreadFactory("vici-epoll", true));
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor callbacks =
          new ThreadPoolExecutor(
              CALLBACK_THREADS,
              CALLBACK_THREADS,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "vici-callback-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      callbacks.allowCoreThreadTimeOut(true);
      CALLBACKS = callbacks;
    }
  }

  /** The shared epoll event loop group (one thread). */
  public static EventLoopGroup eventLoopGroup() {
    return Holder.LOOP;
  }

  /**
   * The shared pool that callbacks run on, {@value #CALLBACK_THREADS} threads at most (wrap it in a
   * {@link SerialExecutor} for order). Tasks must not block: see the class comment.
   */
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
