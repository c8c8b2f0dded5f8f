package org.nsvpn.topology.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.nsvpn.chainrules.Require;
import org.nsvpn.topology.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone ZooKeeper server in this JVM: the single-machine default, so that one host needs no
 * separately installed ensemble. Built on ZooKeeper's own embedded server. Data persists in a
 * directory (transaction log and snapshots, purged to the last three snapshots hourly); a lock file
 * keeps two servers off one directory. {@link #close()} stops the server and waits until it has
 * released its port and files; it is idempotent.
 *
 * <p>The server listens on loopback only unless told otherwise. {@link #startQuorum} runs one
 * server of an ensemble instead (ZooKeeper's own quorum peer, one process per server, each with its
 * own directory): what a multi-host deployment uses, so that the topology survives the loss of a
 * server.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

  /** The client port a single-machine installation uses by default. */
  public static final int DEFAULT_PORT = 2181;

  private final ZooKeeperServerEmbedded server;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final String connectString;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedZooKeeper(
      ZooKeeperServerEmbedded server, FileChannel lockChannel, FileLock lock, String connect) {
    this.server = server;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.connectString = connect;
  }

  /**
   * Starts a server keeping its data in {@code dataDir} (created if absent, and made accessible to
   * its owner only: ZooKeeper's files hold the secrets).
   *
   * @param address the address to listen on, normally {@code 127.0.0.1}
   * @param port the client port, or 0 for any free port
   * @throws StoreException when the directory is in use or the server does not start in time
   */
  public static EmbeddedZooKeeper start(
      Path dataDir, String address, int port, Duration startupTimeout) {
    Require.nonNull("data-dir", dataDir);
    Require.inRange("port", port, 0, 65535);
    Properties p = new Properties();
    p.setProperty("clientPort", Integer.toString(port));
    p.setProperty("clientPortAddress", address);
    p.setProperty("tickTime", "2000");
    p.setProperty("initLimit", "10");
    p.setProperty("syncLimit", "5");
    return start(dataDir, p, address, startupTimeout);
  }

  /**
   * Starts server {@code self} of the ensemble {@code members} (every server is given the same
   * list). The tick is 500 ms, so that clients may choose session timeouts of 1-10 s: the agents'
   * failure detector works in seconds. Returns once the server serves clients, which needs a
   * quorum: start the servers of an ensemble concurrently.
   *
   * @throws StoreException when {@code self} is not among {@code members}, the directory is in use,
   *     or no quorum forms within {@code startupTimeout}
   */
  public static EmbeddedZooKeeper startQuorum(
      Path dataDir, int self, List<QuorumMember> members, Duration startupTimeout) {
    Require.nonNull("data-dir", dataDir);
    QuorumMember me =
        members.stream()
            .filter(m -> m.id() == self)
            .findFirst()
            .orElseThrow(
                () -> new StoreException("server id " + self + " is not among " + members));
    if (members.stream().map(QuorumMember::id).distinct().count() != members.size()) {
      throw new StoreException("server ids must be unique: " + members);
    }
    Properties p = new Properties();
    p.setProperty("tickTime", "500");
    p.setProperty("initLimit", "20");
    p.setProperty("syncLimit", "6");
    p.setProperty("minSessionTimeout", "1000");
    p.setProperty("maxSessionTimeout", "10000");
    p.setProperty("standaloneEnabled", "false");
    p.setProperty("reconfigEnabled", "false");
    for (QuorumMember m : members) {
      p.setProperty("server." + m.id(), m.zooKeeperValue());
    }
    try {
      Files.createDirectories(dataDir.resolve("data"));
      Files.writeString(dataDir.resolve("data").resolve("myid"), self + "\n");
    } catch (IOException e) {
      throw new StoreException("cannot write the server id into " + dataDir + ": " + e, e);
    }
    return start(dataDir, p, me.address().toString(), startupTimeout);
  }

  private static EmbeddedZooKeeper start(
      Path dataDir, Properties p, String address, Duration startupTimeout) {
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      // Its snapshots and logs hold the secrets (PSKs, private keys): its owner's alone.
      Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
      channel =
          FileChannel.open(
              dataDir.resolve("nsvpn-zookeeper.lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
      if (lock == null) {
        throw new StoreException(
            "the ZooKeeper data directory " + dataDir + " is in use by another server");
      }
      p.setProperty("dataDir", dataDir.resolve("data").toAbsolutePath().toString());
      p.setProperty("maxClientCnxns", "200");
      p.setProperty("autopurge.snapRetainCount", "3");
      p.setProperty("autopurge.purgeInterval", "1");
      p.setProperty("admin.enableServer", "false");
      p.setProperty("4lw.commands.whitelist", "ruok,srvr,stat,mntr");
      ZooKeeperServerEmbedded server =
          ZooKeeperServerEmbedded.builder()
              .baseDir(dataDir)
              .configuration(p)
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      try {
        server.start(startupTimeout.toMillis());
      } catch (Exception e) {
        server.close();
        throw e;
      } finally {
        removeGeneratedConfigs(dataDir);
      }
      String connect = server.getConnectionString().replace("localhost", address);
      log.info("embedded ZooKeeper serving {} from {}", connect, dataDir);
      return new EmbeddedZooKeeper(server, channel, lock, connect);
    } catch (StoreException e) {
      closeQuietly(channel);
      throw e;
    } catch (Exception e) {
      closeQuietly(channel);
      throw new StoreException(
          "cannot start the embedded ZooKeeper server in " + dataDir + ": " + e, e);
    }
  }

  /** ZooKeeper's embedded server writes its configuration to a fresh file at every boot. */
  private static void removeGeneratedConfigs(Path dataDir) {
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dataDir, "zookeeper.configuration*.properties")) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      log.debug("could not remove generated ZooKeeper configuration: {}", e.toString());
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing the lock file failed: {}", e.toString());
      }
    }
  }

  /** {@code address:port} for clients. */
  public String connectString() {
    return connectString;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.close();
      try {
        lock.release();
      } catch (IOException e) {
        log.debug("releasing the data directory lock failed: {}", e.toString());
      }
      closeQuietly(lockChannel);
      log.info("embedded ZooKeeper at {} stopped", connectString);
    }
  }
}
