package org.nsvpn.strongswan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.netns.NoSuchNamespaceException;
import org.nsvpn.namespacemanager.process.ExitWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StrongSwan} with its own small thread pools for blocking work and timers.
 *
 * <p>The blocking pool has at most {@value #BLOCKING_THREADS} threads, whatever the number of
 * charons (threads end after 30 s idle; work beyond them queues). What runs on it: starting or
 * adopting a charon (launch, then wait until it answers on VICI), fetching a service's PSKs from
 * the secret store, rewriting a strongswan.conf, probing the kernel once. Every one of these ends
 * within a bound, which is what keeps one hung charon from delaying the other routers indefinitely:
 * a start gives up after {@link StrongSwanConfig#startTimeout()} (10 s by default; a charon that
 * does not answer is then killed, waiting at most {@link StrongSwanConfig#stopTimeout()}), a PSK
 * read after ZooKeeper's request timeout, and VICI commands (which never run on this pool) after
 * {@link StrongSwanConfig#requestTimeout()}. So another router's work waits at most that long
 * behind hung charons, and only if {@value #BLOCKING_THREADS} of them hang at once. The agent
 * starts at most as many charons at a time as its blocking dispatcher has threads (16 by default),
 * so starts alone do not fill this pool either. Nothing on this pool waits for another task on it.
 */
final class DefaultStrongSwan implements StrongSwan {
  private static final Logger log = LoggerFactory.getLogger(DefaultStrongSwan.class);

  /** The most threads the blocking pool runs at once. */
  static final int BLOCKING_THREADS = 16;

  private final StrongSwanConfig config;
  private final NetworkNamespaces namespaces;
  private final ExecutorService blocking;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, ManagedCharon> open = new ConcurrentHashMap<>();
  private final CompletableFuture<Backend> backend = new CompletableFuture<>();
  private final ExitWatcher exits = ExitWatcher.start("charon-exits");
  private volatile boolean closed;

  DefaultStrongSwan(StrongSwanConfig config, NetworkNamespaces namespaces) {
    this.config = config;
    this.namespaces = namespaces;
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            BLOCKING_THREADS,
            BLOCKING_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> daemon(r, "strongswan-" + count.incrementAndGet()));
    pool.allowCoreThreadTimeOut(true);
    this.blocking = pool;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "strongswan-timer"));
    config.backend().ifPresent(backend::complete);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public StrongSwanConfig config() {
    return config;
  }

  @Override
  public CompletableFuture<Backend> backend() {
    if (!backend.isDone()) {
      blocking.execute(this::probeOnce);
    }
    return backend.thenApply(b -> b);
  }

  private synchronized void probeOnce() {
    if (backend.isDone()) {
      return;
    }
    try {
      backend.complete(BackendProbe.probe(namespaces));
    } catch (RuntimeException e) {
      log.error("probing the kernel for ESP failed", e);
      backend.completeExceptionally(e);
    }
  }

  @Override
  public CompletableFuture<CharonInstance> startOrAdopt(String namespace) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("strongSwan service closed"));
    }
    Path namespaceFile = namespaces.path(namespace);
    return backend().thenApplyAsync(b -> open(namespace, namespaceFile, b), blocking);
  }

  private CharonInstance open(String namespace, Path namespaceFile, Backend probed) {
    synchronized (locks.computeIfAbsent(namespace, n -> new Object())) {
      if (open.containsKey(namespace)) {
        throw new IllegalStateException(
            "a charon handle for namespace " + namespace + " is open; close it first");
      }
      if (!namespaces.exists(namespace)) {
        throw new NoSuchNamespaceException(namespace);
      }
      long netns =
          CharonProcesses.namespaceInode(namespaceFile)
              .orElseThrow(() -> new NoSuchNamespaceException(namespace));
      InstanceDirectory directory = new InstanceDirectory(config.stateRoot(), namespace);
      directory.prepare();
      List<Long> running = CharonProcesses.charonsIn(config.charonBinary(), netns);
      Optional<Long> recorded = directory.readPid();
      ManagedCharon instance = null;
      if (recorded.isPresent() && running.contains(recorded.get())) {
        List<Long> others = new ArrayList<>(running);
        others.remove(recorded.get());
        refuseForeign(namespace, others, directory);
        instance = adopt(namespace, directory, recorded.get(), probed);
      } else {
        refuseForeign(namespace, running, directory);
      }
      if (instance == null) {
        instance = start(namespace, namespaceFile, directory, probed);
      }
      ManagedCharon registered = instance;
      open.put(namespace, registered);
      return registered;
    }
  }

  private static void refuseForeign(
      String namespace, List<Long> pids, InstanceDirectory directory) {
    if (!pids.isEmpty()) {
      throw new CharonException(
          "charon "
              + pids
              + " already runs in namespace "
              + namespace
              + " but was not started by nsvpn (its pid is not in "
              + directory.pidFile()
              + "); stop it first");
    }
  }

  /** Attaches to the recorded charon; if it does not answer, stops it so a fresh one can start. */
  private ManagedCharon adopt(
      String namespace, InstanceDirectory directory, long pid, Backend probed) {
    ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
    if (handle == null) {
      return null;
    }
    Backend running = backendOf(directory).orElse(probed);
    CharonProcess process = new CharonProcess(namespace, directory, handle, true, exits);
    try {
      return ManagedCharon.attach(
          namespace, process, running, context(), () -> open.remove(namespace));
    } catch (CharonException e) {
      log.warn(
          "charon (pid {}) in namespace {} cannot be adopted; replacing it: {}",
          pid,
          namespace,
          e.getMessage());
      if (!process.kill(config.stopTimeout())) {
        throw new CharonException(
            "charon (pid "
                + pid
                + ") in namespace "
                + namespace
                + " does not answer and does not die");
      }
      return null;
    }
  }

  private ManagedCharon start(
      String namespace, Path namespaceFile, InstanceDirectory directory, Backend backend) {
    directory.removeRuntimeFiles();
    directory.rotateLog();
    directory.writeConf(
        CharonConf.render(namespace, backend, config.workerThreads(), config.logLevel()));
    CharonProcess process =
        new CharonProcess(
            namespace,
            directory,
            CharonLauncher.launch(
                namespaceFile, namespace, directory.path(), config.charonBinary()),
            false,
            exits);
    try {
      return ManagedCharon.attach(
          namespace, process, backend, context(), () -> open.remove(namespace));
    } catch (RuntimeException e) {
      if (!process.kill(config.stopTimeout())) {
        e.addSuppressed(new CharonException("charon (pid " + process.pid() + ") did not die"));
      }
      directory.removeRuntimeFiles();
      throw e;
    }
  }

  @Override
  public void purge(String namespace) {
    Path namespaceFile = namespaces.path(namespace); // validates the name
    synchronized (locks.computeIfAbsent(namespace, n -> new Object())) {
      if (open.containsKey(namespace)) {
        throw new IllegalStateException(
            "a charon handle for namespace " + namespace + " is open; stop it first");
      }
      InstanceDirectory directory = new InstanceDirectory(config.stateRoot(), namespace);
      Optional<Long> pid = directory.readPid();
      if (pid.isPresent() && CharonProcesses.runs(pid.get(), config.charonBinary())) {
        throw new IllegalStateException(
            "charon (pid " + pid.get() + ") of namespace " + namespace + " still runs");
      }
      directory.delete();
      locks.remove(namespace);
      log.debug("purged the instance directory of {} ({})", namespace, namespaceFile);
    }
  }

  /** The backend an existing charon was started with, read from its strongswan.conf. */
  private static Optional<Backend> backendOf(InstanceDirectory directory) {
    try {
      String conf =
          Files.readString(directory.path().resolve(CharonConf.CONF), StandardCharsets.UTF_8);
      return Optional.of(
          conf.contains("kernel-libipsec") ? Backend.KERNEL_LIBIPSEC : Backend.KERNEL_NETLINK);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private ManagedCharon.Context context() {
    return new ManagedCharon.Context(config, blocking, scheduler, exits, open::size);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List.copyOf(open.values()).forEach(ManagedCharon::close);
    exits.close();
    scheduler.shutdownNow();
    blocking.shutdown();
  }
}
