package org.nsvpn.agentplugin.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Stops the embedded ovsdb-server an agent left behind (it crashed, or was killed last). */
public final class OrphanedOvsdbServer {
  private OrphanedOvsdbServer() {}

  /** Stops the ovsdb-server that the pid file in {@code state}'s ovsdb directory names, if any. */
  public static void stop(Path state) {
    Path pidFile = state.resolve("ovsdb/ovsdb-server.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle.of(pid)
          .filter(p -> p.info().command().map(c -> c.endsWith("ovsdb-server")).orElse(false))
          .ifPresent(
              p -> {
                p.destroy();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
              });
    } catch (IOException | NumberFormatException e) {
      // No pid file: the agent stopped its ovsdb-server, or never started one.
    }
  }
}
