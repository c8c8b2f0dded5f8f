package org.nsvpn.benchmarks.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;

/**
 * Counts the znodes under each directory of the store that an agent or the CLI writes per object,
 * one {@code DIRECTORY COUNT} line each: what {@code scripts/bench-scale} compares before and after
 * a create-and-delete cycle to find what a deleted service leaves behind in ZooKeeper.
 *
 * <p>Usage: {@code StoreCensus ZK_CONNECT SECRETS_AUTH} (the credential that may list the PSKs).
 */
public final class StoreCensus {
  private static final List<String> DIRECTORIES =
      List.of(
          "status/vpn-services",
          "status/ipsec-site-connections",
          "status/gateway-assignments",
          "status/hosts",
          "topology/routers",
          "topology/ports",
          "topology/vpn-services",
          "topology/ipsec-site-connections",
          "secrets");

  private StoreCensus() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: StoreCensus ZK_CONNECT SECRETS_AUTH");
      System.exit(2);
    }
    Optional<SecretsCredential> credential = Optional.of(SecretsCredential.load(Path.of(args[1])));
    try (CuratorFramework client =
        ZooKeeperClients.connect(args[0], credential, Duration.ofSeconds(30))) {
      for (String directory : DIRECTORIES) {
        String path = ZKPaths.makePath(TopologyStore.DEFAULT_ROOT, directory);
        int count =
            client.checkExists().forPath(path) == null
                ? 0
                : client.getChildren().forPath(path).size();
        System.out.println(directory + " " + count);
      }
    }
  }
}
