package org.nsvpn.agentplugin.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nsvpn.agentplugin.DatapathMain;

/**
 * nsvpn-datapath as a real process ({@link DatapathMain} on this test JVM's class path) with the
 * agent's configuration file in {@code state}, logging to its own file. Each instance is one
 * process; starting another on the same state hands the datapath over to it.
 */
final class DatapathProcessHandle implements AutoCloseable {
  private final Path state;
  private final Path log;
  private Process process;

  private DatapathProcessHandle(Path state, String name) {
    this.state = state;
    this.log = state.resolve(name + ".log");
  }

  /** Starts it and waits until it forwards (it said so, and the control socket is there). */
  static DatapathProcessHandle start(Path state, String name) {
    DatapathProcessHandle handle = new DatapathProcessHandle(state, name);
    List<String> command = AgentProcess.command(DatapathMain.class, state);
    try {
      handle.process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(handle.log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      await("nsvpn-datapath " + name + " running")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!handle.process.isAlive()) {
                  throw new AssertionError("nsvpn-datapath exited: " + handle.log());
                }
                return handle.log().contains("nsvpn-datapath running")
                    && Files.exists(state.resolve("run/datapath.sock"));
              });
    } catch (RuntimeException | AssertionError e) {
      handle.close();
      throw e;
    }
    return handle;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to exit by itself (after a handover) and returns its exit code. */
  int awaitExit(Duration atMost) {
    try {
      if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("nsvpn-datapath did not exit: " + log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  /** SIGKILL, as a crash would. */
  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  Path logFile() {
    return log;
  }

  /** SIGTERM and a clean stop (or SIGKILL after 30 s). */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
