package org.nsvpn.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the strongSwan tests start, and its cleanup by pid: state roots (temporary directories),
 * charon processes found through the pid files in them or registered explicitly, and services.
 * {@link #cleanUp()} stops every such charon (SIGTERM, then SIGKILL), closes services and deletes
 * the directories; a shutdown hook does the same when a run is interrupted. Other runs on the
 * machine are never touched: only pids recorded here are signalled, and only when they still run
 * charon.
 */
public final class CharonFixture {
  public static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
  private static final Set<Path> ROOTS = ConcurrentHashMap.newKeySet();
  private static final Set<Long> PIDS = ConcurrentHashMap.newKeySet();
  private static final Set<StrongSwan> SERVICES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(CharonFixture::cleanUp, "charon-fixture-cleanup"));
  }

  private CharonFixture() {}

  /** Fails with install instructions when charon is missing. */
  public static void requireCharon() {
    if (!Files.isExecutable(CHARON)) {
      throw new AssertionError(
          CHARON
              + " is missing: install strongSwan (scripts/install-deps installs strongswan-charon"
              + " strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins)");
    }
  }

  /** A fresh state root under /tmp, removed by {@link #cleanUp()}. */
  public static Path stateRoot() {
    try {
      Path root = Files.createTempDirectory("nsvpn-charon-");
      ROOTS.add(root);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A service on a fresh state root (closed by {@link #cleanUp()}). */
  static StrongSwan service() {
    return service(StrongSwanConfig.defaults().withStateRoot(stateRoot()));
  }

  static StrongSwan service(StrongSwanConfig config) {
    ROOTS.add(config.stateRoot());
    StrongSwan service = StrongSwan.create(config);
    SERVICES.add(service);
    return service;
  }

  /** Registers a directory whose subdirectories hold charon instances (pid files), for clean-up. */
  public static Path trackRoot(Path root) {
    ROOTS.add(root);
    return root;
  }

  /** Registers a pid to stop at clean-up (for charons started outside a state root). */
  public static void track(long pid) {
    PIDS.add(pid);
  }

  /** True when {@code pid} is alive and runs charon. */
  public static boolean isCharon(long pid) {
    return CharonProcesses.runs(pid, CHARON);
  }

  public static synchronized void cleanUp() {
    for (StrongSwan service : List.copyOf(SERVICES)) {
      service.close();
      SERVICES.remove(service);
    }
    List<Long> pids = new ArrayList<>(PIDS);
    for (Path root : ROOTS) {
      pids.addAll(pidsUnder(root));
    }
    for (long pid : pids) {
      stop(pid);
      PIDS.remove(pid);
    }
    for (Path root : List.copyOf(ROOTS)) {
      deleteTree(root);
      ROOTS.remove(root);
    }
  }

  /** SIGTERM, wait up to 5 s, SIGKILL; only if the pid still runs charon. */
  public static void stop(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !isCharon(pid)) {
      return;
    }
    handle.get().destroy();
    try {
      handle.get().onExit().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      handle.get().destroyForcibly();
      try {
        handle.get().onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Reported by the caller's assertions, if it matters.
      }
    }
  }

  private static List<Long> pidsUnder(Path root) {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(root, 2)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().equals("charon.pid")).toList()) {
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (text.matches("[0-9]+")) {
          out.add(Long.parseLong(text));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
