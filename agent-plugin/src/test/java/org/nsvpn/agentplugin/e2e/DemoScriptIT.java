package org.nsvpn.agentplugin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.nsvpn.namespacemanager.testing.Ip;

/**
 * The README's main job, {@code scripts/demo}, as a user runs it: with {@code --keep} it brings up
 * both tunnels and waits; stopped with SIGTERM (as by Ctrl-C or a supervisor), it exits 143 and
 * leaves nothing behind: no process it started (the agent, its charons, ovsdb-server, site C's
 * charon), no interface of its sites, no state directory.
 */
class DemoScriptIT {
  private static final Duration UP = Duration.ofSeconds(240);
  private static final Pattern HOME = Pattern.compile("--home (/tmp/nsvpn-demo-([0-9a-f]+)-\\S+)");

  private static Path repository() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("scripts/demo")) ? here : here.getParent();
  }

  /** Whether {@code p} descends from {@code ancestor}. */
  private static boolean descends(ProcessHandle p, long ancestor) {
    Optional<ProcessHandle> parent = p.parent();
    for (int depth = 0; parent.isPresent() && depth < 64; depth++) {
      if (parent.get().pid() == ancestor) {
        return true;
      }
      parent = parent.get().parent();
    }
    return false;
  }

  private static String commandLine(ProcessHandle p) {
    return p.info().commandLine().orElse("");
  }

  private static String stat(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Alive and not a zombie: a zombie has exited, only its parent has not collected it yet. */
  private static boolean running(ProcessHandle p) {
    String stat = stat(p);
    int end = stat.lastIndexOf(')');
    return p.isAlive() && end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) != 'Z';
  }

  /** The daemons a demo runs (not its passing {@code sleep}s and {@code ip}s). */
  private static boolean daemon(ProcessHandle p) {
    String c = commandLine(p);
    return c.contains("java") || c.contains("ovsdb-server") || c.contains("charon");
  }

  /**
   * The daemons the demo started and that still run, seen from outside: those below it, those that
   * name its state directory (ovsdb-server detaches), and charons reparented to init since it
   * started (site C's).
   */
  private static List<ProcessHandle> startedBy(Process demo, Path state, Instant since) {
    List<ProcessHandle> out = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().startInstant().map(t -> !t.isBefore(since)).orElse(false))
        .filter(DemoScriptIT::daemon)
        .filter(
            p ->
                descends(p, demo.pid())
                    || commandLine(p).contains(state.toString())
                    || (commandLine(p).startsWith("/usr/lib/ipsec/charon")
                        && p.parent().map(ProcessHandle::pid).orElse(0L) == 1L))
        .forEach(out::add);
    return out;
  }

  @Test
  void theDemoBringsUpBothTunnelsAndLeavesNothingWhenStopped() throws Exception {
    Path repository = repository();
    Path log = Files.createTempFile("nsvpn-demo-it-", ".log");
    Instant started = Instant.now().minusSeconds(1);
    Process demo =
        new ProcessBuilder(repository.resolve("scripts/demo").toString(), "--keep")
            .directory(repository.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    List<ProcessHandle> processes = List.of();
    Path state = null;
    String tag = null;
    try {
      await("the demo's tunnels up")
          .atMost(UP)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                String out = Files.readString(log);
                if (!demo.isAlive()) {
                  throw new AssertionError("the demo exited " + demo.exitValue() + ":\n" + out);
                }
                return out.contains("running until Ctrl-C");
              });
      String out = Files.readString(log);
      assertThat(out).contains("both tunnels up");
      Matcher home = HOME.matcher(out);
      assertThat(home.find()).as("the demo names its state directory:\n%s", out).isTrue();
      state = Path.of(home.group(1));
      tag = home.group(2);
      assertThat(state).isDirectory();
      processes = startedBy(demo, state, started);
      assertThat(processes.stream().map(DemoScriptIT::commandLine).toList())
          .as("the agent, ovsdb-server and charons are found")
          .anyMatch(c -> c.contains("agent-plugin"))
          .anyMatch(c -> c.contains("ovsdb-server"))
          .anyMatch(c -> c.startsWith("/usr/lib/ipsec/charon"));
      assertThat(Ip.exec("ip", "-br", "link").stdout()).contains(tag);

      demo.destroy();
      assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as("the demo stops").isTrue();
      String end = Files.readString(log);
      assertThat(demo.exitValue()).as(end).isEqualTo(143);
      assertThat(end).contains("cleaning up").contains("clean");
      assertThat(processes.stream().filter(DemoScriptIT::running).map(p -> p.pid() + " " + stat(p)))
          .as("processes the demo left running")
          .isEmpty();
      assertThat(state).doesNotExist();
      assertThat(Ip.exec("ip", "-br", "link").stdout())
          .as("interfaces of the demo's sites")
          .doesNotContain(tag);
    } finally {
      if (demo.isAlive()) {
        demo.destroy();
        if (!demo.waitFor(120, TimeUnit.SECONDS)) {
          demo.destroyForcibly();
        }
      }
      // What a failed demo may have left: this test started it, so this test removes it.
      processes.stream().filter(DemoScriptIT::running).forEach(ProcessHandle::destroyForcibly);
      if (tag != null) {
        for (String line : Ip.exec("ip", "-br", "link").stdout().split("\n")) {
          String name = line.split("[\\s@]")[0];
          if (name.contains(tag)) {
            Ip.exec("ip", "link", "del", name);
          }
        }
      }
      if (state != null && Files.exists(state)) {
        try (Stream<Path> files = Files.walk(state)) {
          for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
      Files.deleteIfExists(log);
    }
  }
}
