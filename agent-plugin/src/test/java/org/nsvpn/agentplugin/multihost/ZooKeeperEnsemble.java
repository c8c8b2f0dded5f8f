package org.nsvpn.agentplugin.multihost;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.cli.ZooKeeperServerCommand;
import org.nsvpn.topology.server.QuorumMember;

/**
 * A real three-server ZooKeeper ensemble: three {@code nsvpn-zk} processes in quorum mode (this
 * test JVM's class path), each with its own data directory and id, listening on one address of this
 * machine. Started and stopped by pid; {@link #kill} and {@link #restart} one server at a time.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {
  private final Path directory;
  private final List<QuorumMember> members;
  private final Process[] servers;

  ZooKeeperEnsemble(Path directory, Ipv4Address address, int basePort) {
    this.directory = directory;
    List<QuorumMember> list = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      list.add(
          new QuorumMember(
              id, address, basePort + id * 10, basePort + id * 10 + 1, basePort + id * 10 + 2));
    }
    this.members = List.copyOf(list);
    this.servers = new Process[members.size()];
  }

  /** Starts every server (concurrently: each waits for a quorum) and waits until all serve. */
  ZooKeeperEnsemble start() {
    for (QuorumMember m : members) {
      launch(m.id());
    }
    for (QuorumMember m : members) {
      awaitServing(m.id());
    }
    return this;
  }

  private void launch(int id) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ZooKeeperServerCommand.class.getName());
    command.add("--data-dir");
    command.add(directory.resolve("zk" + id).toString());
    command.add("--id");
    command.add(Integer.toString(id));
    for (QuorumMember m : members) {
      command.add("--server");
      command.add(m.toString());
    }
    try {
      servers[id - 1] =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(directory.resolve("zk" + id + ".log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitServing(int id) {
    await("ZooKeeper server " + id + " serving")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!servers[id - 1].isAlive()) {
                throw new AssertionError("ZooKeeper server " + id + " exited: " + log(id));
              }
              return mode(id).matches("leader|follower");
            });
  }

  /** The server's role from its {@code srvr} four-letter command; empty when it does not answer. */
  public String mode(int id) {
    QuorumMember m = members.get(id - 1);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(m.address().toString(), m.clientPort()), 1000);
      socket.setSoTimeout(1000);
      socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      for (String line : answer.split("\n")) {
        if (line.startsWith("Mode: ")) {
          return line.substring(6).trim();
        }
      }
      return "";
    } catch (IOException e) {
      return "";
    }
  }

  String connectString() {
    return members.stream().map(QuorumMember::clientAddress).collect(Collectors.joining(","));
  }

  /** SIGKILL of one server. */
  public void kill(int id) {
    Process p = servers[id - 1];
    p.destroyForcibly();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a killed server again on its data directory. */
  public void restart(int id) {
    launch(id);
  }

  /** Waits until {@code id} serves again (which needs a quorum). */
  public void awaitServingAgain(int id) {
    awaitServing(id);
  }

  String log(int id) {
    try {
      return Files.readString(directory.resolve("zk" + id + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    for (Process p : servers) {
      if (p != null && p.isAlive()) {
        p.destroy();
      }
    }
    for (Process p : servers) {
      if (p != null) {
        try {
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
