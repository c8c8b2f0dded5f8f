package org.nsvpn.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.server.EmbeddedZooKeeper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsvpn-zk}: runs the embedded single-machine ZooKeeper server in the foreground until
 * SIGTERM or SIGINT, then shuts it down cleanly (snapshots and transaction log flushed, port
 * released).
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

  public static void main(String[] args) {
    System.exit(new CommandLine(new ZooKeeperServerCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    EmbeddedZooKeeper server;
    try {
      server = EmbeddedZooKeeper.start(dataDir, address, port, Duration.ofSeconds(60));
    } catch (StoreException e) {
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
