package org.nsvpn.agentplugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;

/**
 * The agent's settings, read from HOCON ({@code reference.conf} holds every default, documented).
 * Every value is checked here, at start, with a message naming the setting.
 *
 * @param raw the whole configuration, for plugins and the actor system
 */
public record AgentConfig(
    Optional<HostId> hostId,
    Path hostIdFile,
    Optional<String> hostName,
    Path stateDirectory,
    Path runDirectory,
    Optional<String> zookeeperConnect,
    String zookeeperRoot,
    Duration zookeeperConnectTimeout,
    Duration zookeeperSessionTimeout,
    Path secretsCredentialFile,
    Path embeddedZookeeperDirectory,
    String embeddedZookeeperAddress,
    int embeddedZookeeperPort,
    Optional<OvsdbEndpoint> ovsdbEndpoint,
    String ovsdbDatabase,
    Duration ovsdbDefaultRefresh,
    Path embeddedOvsdbDirectory,
    boolean datapathEnabled,
    DatapathMode datapathMode,
    int datapathMetricsPort,
    Optional<Ipv4Address> tunnelAddress,
    int overlayPort,
    Duration statsInterval,
    boolean metricsEnabled,
    String metricsAddress,
    int metricsPort,
    Config raw) {

  private static final String PREFIX = "nsvpn.agent.";

  /** Where the datapath runs (see reference.conf and docs/architecture.md). */
  public enum DatapathMode {
    /** In the agent's JVM: it stops whenever the agent stops. */
    EMBEDDED,
    /** In the nsvpn-datapath process, which forwards on while the agent restarts. */
    PROCESS
  }

  /**
   * Reads {@code file} (if given) over the defaults. Substitutions resolve after the merge, so that
   * overriding {@code state-directory} moves every path derived from it. A setting under {@code
   * nsvpn.} that no reference.conf defines is refused (see {@link UnknownSettings}). The agent
   * process's Akka settings (nsvpn-agent-akka.conf) come under the file.
   */
  public static AgentConfig load(Optional<Path> file) {
    Config overrides = ConfigFactory.empty();
    if (file.isPresent()) {
      if (!Files.isReadable(file.get())) {
        throw new InvalidValueException("config", file.get(), "is not a readable file");
      }
      overrides = ConfigFactory.parseFile(file.get().toFile());
    }
    UnknownSettings.check(overrides, ConfigFactory.defaultReference());
    return from(
        ConfigFactory.load(
            overrides.withFallback(ConfigFactory.parseResources("nsvpn-agent-akka.conf"))));
  }

  /** Reads the settings from an already loaded configuration. */
  public static AgentConfig from(Config config) {
    try {
      Config c = config.getConfig("nsvpn.agent");
      return new AgentConfig(
          blank(c.getString("host-id")).map(HostId::parse),
          path(c, "host-id-file"),
          blank(c.getString("host-name")),
          path(c, "state-directory"),
          path(c, "run-directory"),
          blank(c.getString("zookeeper.connect")),
          c.getString("zookeeper.root"),
          c.getDuration("zookeeper.connect-timeout"),
          c.getDuration("zookeeper.session-timeout"),
          path(c, "zookeeper.secrets-credential-file"),
          path(c, "zookeeper.embedded.data-directory"),
          c.getString("zookeeper.embedded.address"),
          c.getInt("zookeeper.embedded.port"),
          blank(c.getString("ovsdb.endpoint")).map(AgentConfig::endpoint),
          c.getString("ovsdb.database"),
          c.getDuration("ovsdb.default-refresh"),
          path(c, "ovsdb.embedded.directory"),
          c.getBoolean("datapath.enabled"),
          datapathMode(c.getString("datapath.mode")),
          c.getInt("datapath.metrics-port"),
          blank(c.getString("overlay.tunnel-address")).map(AgentConfig::tunnelAddress),
          c.getInt("overlay.port"),
          c.getDuration("datapath.stats-interval"),
          c.getBoolean("metrics.enabled"),
          c.getString("metrics.address"),
          c.getInt("metrics.port"),
          config);
    } catch (ConfigException e) {
      throw new InvalidValueException(
          "config", e.origin() == null ? "?" : e.origin().description(), e.getMessage());
    }
  }

  public AgentConfig {
    if (embeddedZookeeperPort < 0 || embeddedZookeeperPort > 65535) {
      throw new InvalidValueException(
          PREFIX + "zookeeper.embedded.port", embeddedZookeeperPort, "must be 0..65535");
    }
    if (!zookeeperRoot.startsWith("/") || zookeeperRoot.length() < 2) {
      throw new InvalidValueException(
          PREFIX + "zookeeper.root", zookeeperRoot, "must be an absolute ZooKeeper path");
    }
    if (zookeeperSessionTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || zookeeperSessionTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new InvalidValueException(
          PREFIX + "zookeeper.session-timeout", zookeeperSessionTimeout, "must be 1s..60s");
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new InvalidValueException(PREFIX + "metrics.port", metricsPort, "must be 0..65535");
    }
    if (datapathMetricsPort < 0 || datapathMetricsPort > 65535) {
      throw new InvalidValueException(
          PREFIX + "datapath.metrics-port", datapathMetricsPort, "must be 0..65535");
    }
    if (metricsAddress.isBlank()) {
      throw new InvalidValueException(
          PREFIX + "metrics.address", metricsAddress, "must be an address of this host");
    }
    if (overlayPort < 1 || overlayPort > 65535) {
      throw new InvalidValueException(PREFIX + "overlay.port", overlayPort, "must be 1..65535");
    }
    if (statsInterval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new InvalidValueException(
          PREFIX + "datapath.stats-interval", statsInterval, "must be at least 100ms");
    }
    if (ovsdbDefaultRefresh.isNegative() || ovsdbDefaultRefresh.isZero()) {
      throw new InvalidValueException(
          PREFIX + "ovsdb.default-refresh", ovsdbDefaultRefresh, "must be positive");
    }
  }

  private static OvsdbEndpoint endpoint(String text) {
    try {
      return OvsdbEndpoint.parse(text);
    } catch (RuntimeException e) {
      throw new InvalidValueException(
          PREFIX + "ovsdb.endpoint", text, "expected unix:PATH or tcp:HOST:PORT");
    }
  }

  private static DatapathMode datapathMode(String text) {
    return switch (text) {
      case "embedded" -> DatapathMode.EMBEDDED;
      case "process" -> DatapathMode.PROCESS;
      default ->
          throw new InvalidValueException(
              PREFIX + "datapath.mode", text, "expected embedded or process");
    };
  }

  /**
   * How the agent's ZooKeeper is reached from this host: the configured ensemble, or the embedded
   * server's address (for nsvpn-datapath, which follows the agent's embedded server).
   */
  public String zookeeperConnectString() {
    return zookeeperConnect.orElse(embeddedZookeeperAddress + ":" + embeddedZookeeperPort);
  }

  private static Ipv4Address tunnelAddress(String text) {
    Ipv4Address address;
    try {
      address = Ipv4Address.parse(text);
    } catch (RuntimeException e) {
      throw new InvalidValueException(
          PREFIX + "overlay.tunnel-address", text, "expected an IPv4 address of this host");
    }
    if (address.equals(Ipv4Address.ANY) || address.isMulticast()) {
      throw new InvalidValueException(
          PREFIX + "overlay.tunnel-address", text, "must be a unicast address of this host");
    }
    return address;
  }

  private static Path path(Config c, String key) {
    String text = c.getString(key);
    if (text.isBlank() || !text.startsWith("/")) {
      throw new InvalidValueException(PREFIX + key, text, "must be an absolute path");
    }
    return Path.of(text);
  }

  private static Optional<String> blank(String text) {
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.trim());
  }
}
