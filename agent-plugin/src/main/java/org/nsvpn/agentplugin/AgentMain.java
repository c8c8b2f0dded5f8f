package org.nsvpn.agentplugin;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsvpn-agent}: runs the agent until SIGTERM (or SIGINT), then stops it in order. Exit
 * codes: 0 after a clean stop (SIGTERM included), 1 when the agent could not start or the
 * configuration is invalid, 2 for bad usage.
 */
@Command(
    name = "nsvpn-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description =
        "The nsvpn agent: IPsec VPN namespaces for the virtual routers served by this host.")
public final class AgentMain implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file overriding the defaults")
  Path config;

  @Option(
      names = "--check-config",
      paramLabel = "FILE",
      description = "Check FILE (unknown settings, types, values) and exit: 0 when it is valid")
  Path checkConfig;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (checkConfig != null) {
      try {
        AgentConfig.load(Optional.of(checkConfig));
      } catch (RuntimeException e) {
        System.err.println("nsvpn-agent: " + checkConfig + ": " + e.getMessage());
        return 1;
      }
      System.out.println(checkConfig + ": valid");
      return 0;
    }
    Agent agent;
    try {
      agent = Agent.start(AgentConfig.load(Optional.ofNullable(config)));
    } catch (RuntimeException e) {
      System.err.println("nsvpn-agent: " + e.getMessage());
      return 1;
    }
    // The agent runs until a signal stops it.
    Foreground.run(agent, "nsvpn-agent-shutdown", new CompletableFuture<Void>());
    return 0;
  }

  /** {@code -V}: the version and the commit it was built from (nsvpn-git.properties). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties p = new java.util.Properties();
      try (java.io.InputStream in = AgentMain.class.getResourceAsStream("/nsvpn-git.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      String commit = p.getProperty("git.commit.id.abbrev", "unknown");
      boolean dirty = Boolean.parseBoolean(p.getProperty("git.dirty", "false"));
      return new String[] {
        "nsvpn-agent "
            + p.getProperty("git.build.version", "unknown")
            + " (commit "
            + commit
            + (dirty ? ", with uncommitted changes" : "")
            + ")"
      };
    }
  }
}
