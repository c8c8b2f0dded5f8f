package org.nsvpn.namespacemanager.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.nsvpn.namespacemanager.ffi.NativeBuffer;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells within milliseconds when a process exits, whether or not it is a child of this JVM.
 *
 * <p>The JDK notices the exit of a process that is not its child only by polling, which took about
 * two seconds for a charon adopted after an agent restart. Here every watched process has a pidfd
 * (pidfd_open(2), Linux 5.3), which becomes readable when the process exits; one thread polls all
 * of them together with an eventfd used to add and remove watches. Memory and threads do not grow
 * with the number of processes beyond one descriptor and one map entry each.
 *
 * <p>Lifecycle: {@link #start} starts the thread; {@link #close()} stops it and drops every watch
 * without calling back. Thread-safe.
 */
public final class ExitWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExitWatcher.class);
  private static final short POLLIN = 0x1;
  private static final int POLLFD_SIZE = 8;

  private record Watch(long id, long pid, int fd, Runnable onExit) {}

  private final int wakeFd;
  private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final NativeBuffer signal = NativeBuffer.allocate(8);
  private final Thread thread;

  private ExitWatcher(String threadName) {
    this.wakeFd = Syscalls.eventFd();
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  /** Starts a watcher whose thread is called {@code threadName}. */
  public static ExitWatcher start(String threadName) {
    ExitWatcher watcher = new ExitWatcher(threadName);
    watcher.thread.start();
    return watcher;
  }

  /**
   * Calls {@code onExit} once, on the watcher's thread, when {@code process} exits; at once (on the
   * calling thread) when it already has. The callback must be quick: hand work to another thread.
   *
   * @return closing it cancels the watch (idempotent)
   * @throws IllegalStateException when the watcher is closed
   */
  public AutoCloseable watch(ProcessHandle process, Runnable onExit) {
    if (closed.get()) {
      throw new IllegalStateException("exit watcher closed");
    }
    OptionalInt fd = Syscalls.pidfdOpen(process.pid());
    // A pid can be reused once its process is gone: the descriptor must be for the same process,
    // which has the same start time.
    if (fd.isEmpty() || !sameProcess(process)) {
      fd.ifPresent(Syscalls::close);
      onExit.run();
      return () -> {};
    }
    Watch watch = new Watch(ids.incrementAndGet(), process.pid(), fd.getAsInt(), onExit);
    watches.put(watch.id(), watch);
    wakeUp();
    return () -> {
      if (watches.remove(watch.id()) != null) {
        Syscalls.close(watch.fd());
        wakeUp();
      }
    };
  }

  private static boolean sameProcess(ProcessHandle process) {
    Optional<ProcessHandle> now = ProcessHandle.of(process.pid());
    if (now.isEmpty() || !now.get().isAlive()) {
      return false;
    }
    Optional<java.time.Instant> expected = process.info().startInstant();
    return expected.isEmpty() || expected.equals(now.get().info().startInstant());
  }

  /** How many processes are watched. */
  public int size() {
    return watches.size();
  }

  private void wakeUp() {
    synchronized (signal) {
      if (!closed.get()) {
        Syscalls.signalEventFd(wakeFd, signal, 1);
      }
    }
  }

  private void run() {
    NativeBuffer drain = NativeBuffer.allocate(8);
    NativeBuffer fds = NativeBuffer.allocate(POLLFD_SIZE * 16);
    List<Watch> current = new ArrayList<>();
    while (!closed.get()) {
      current.clear();
      current.addAll(watches.values());
      int count = current.size() + 1;
      if (fds.capacity() < count * POLLFD_SIZE) {
        fds = NativeBuffer.allocate(count * 2 * POLLFD_SIZE);
      }
      entry(fds, 0, wakeFd);
      for (int i = 0; i < current.size(); i++) {
        entry(fds, i + 1, current.get(i).fd());
      }
      try {
        if (Syscalls.poll(fds, count, -1) <= 0) {
          continue;
        }
      } catch (RuntimeException e) {
        if (closed.get()) {
          return;
        }
        // A descriptor closed by a concurrent cancel: rebuild the set and poll again.
        log.debug("exit watcher poll: {}", e.toString());
        continue;
      }
      if (fds.getShort(6) != 0) {
        Syscalls.drainEventFd(wakeFd, drain);
      }
      for (int i = 0; i < current.size(); i++) {
        if (fds.getShort((i + 1) * POLLFD_SIZE + 6) != 0) {
          exited(current.get(i));
        }
      }
    }
  }

  private void exited(Watch watch) {
    if (watches.remove(watch.id()) == null) {
      return;
    }
    Syscalls.close(watch.fd());
    try {
      watch.onExit().run();
    } catch (RuntimeException e) {
      log.error("exit callback for pid {} failed", watch.pid(), e);
    }
  }

  private static void entry(NativeBuffer fds, int index, int fd) {
    int at = index * POLLFD_SIZE;
    fds.putInt(at, fd);
    fds.putShort(at + 4, POLLIN);
    fds.putShort(at + 6, (short) 0);
  }

  @Override
  public void close() {
    synchronized (signal) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Syscalls.signalEventFd(wakeFd, signal, 1);
    }
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Watch w : List.copyOf(watches.values())) {
      if (watches.remove(w.id()) != null) {
        Syscalls.close(w.fd());
      }
    }
    Syscalls.close(wakeFd);
  }
}
