package org.nsvpn.topology.testing;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Clean-up for Curator's in-process ZooKeeper servers ({@code TestingServer}, {@code
 * TestingCluster}): at every boot ZooKeeper's embedded server writes its configuration to a new
 * {@code zookeeper.configuration*.properties} in {@code java.io.tmpdir} and never removes it, so
 * every test that starts one would leave a file behind (thousands on a machine that runs the suite
 * often). Call {@link #removeConfigurations} once the server is closed.
 */
public final class TestingServers {
  private TestingServers() {}

  /**
   * Deletes the configuration files the embedded server wrote for the instance whose data directory
   * is {@code dataDirectory}, and only those: other processes' servers may be booting from theirs.
   */
  public static void removeConfigurations(File dataDirectory) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(tmp, "zookeeper.configuration*.properties")) {
      for (Path file : files) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
          p.load(in);
        } catch (IOException e) {
          continue; // gone meanwhile, or another user's
        }
        if (dataDirectory.getPath().equals(p.getProperty("dataDir"))) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
