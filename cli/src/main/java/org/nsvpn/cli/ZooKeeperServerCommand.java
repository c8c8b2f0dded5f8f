package org.nsvpn.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.server.EmbeddedZooKeeper;
import org.nsvpn.topology.server.QuorumMember;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsvpn-zk}: runs the embedded single-machine ZooKeeper server, or with {@code --id} and
 * {@code --server} one server of an ensemble, in the foreground until SIGTERM or SIGINT, then shuts
 * it down cleanly (snapshots and transaction log flushed, port released).
 */
@Command(
    name = "nsvpn-zk",
    mixinStandardHelpOptions = true,
    description = "Runs the embedded single-machine ZooKeeper server for nsvpn.")
public final class ZooKeeperServerCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:NSVPN_HOME:-/var/lib/nsvpn}/zookeeper",
      description = "Data directory (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--address",
      defaultValue = "127.0.0.1",
      description = "Listen address (default ${DEFAULT-VALUE}).")
  String address;

  @Option(
      names = "--port",
      defaultValue = "2181",
      description = "Client port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--id",
      paramLabel = "N",
      description = "Quorum mode: this server's id among the --server entries.")
  Integer id;

  @Option(
      names = "--server",
      paramLabel = "ID=ADDRESS:PEER-PORT:ELECTION-PORT:CLIENT-PORT",
      description =
          "Quorum mode: one server of the ensemble (repeat for each; every server gets the same"
              + " list). --address and --port are then this server's entry.")
  List<String> servers = new ArrayList<>();

  public static void main(String[] args) {
    CliLogging.select();
    System.exit(new CommandLine(new ZooKeeperServerCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    EmbeddedZooKeeper server;
    try {
      if (servers.isEmpty() != (id == null)) {
        System.err.println("error: quorum mode needs both --id and --server");
        return 2;
      }
      if (id == null) {
        server = EmbeddedZooKeeper.start(dataDir, address, port, Duration.ofSeconds(60));
      } else {
        List<QuorumMember> members = servers.stream().map(QuorumMember::parse).toList();
        server = EmbeddedZooKeeper.startQuorum(dataDir, id, members, Duration.ofSeconds(60));
      }
    } catch (StoreException | InvalidValueException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "nsvpn-zk-shutdown"));
    System.out.println("nsvpn-zk: serving " + server.connectString() + " from " + dataDir);
    System.out.flush();
    stopped.await();
    return 0;
  }
}
