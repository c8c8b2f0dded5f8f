package org.nsvpn.agentplugin;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsvpn-datapath}: runs the datapath of {@code datapath.mode = process} until SIGTERM (or
 * SIGINT), or until a newer nsvpn-datapath took over. Exit codes: 0 after a clean stop or a
 * handover, 1 when it could not start or the configuration is invalid, 2 for bad usage.
 */
@Command(
    name = "nsvpn-datapath",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description =
        "The nsvpn datapath as its own process: forwards the virtual network's frames while"
            + " nsvpn-agent restarts. Reads the agent's configuration file.")
public final class DatapathMain implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "the agent's HOCON file (the same as nsvpn-agent --config)")
  Path config;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DatapathMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    DatapathProcess datapath;
    try {
      datapath = DatapathProcess.start(AgentConfig.load(Optional.ofNullable(config)));
    } catch (RuntimeException e) {
      System.err.println("nsvpn-datapath: " + e.getMessage());
      return 1;
    }
    // Until a signal, or until a newer nsvpn-datapath took over: then the successor forwards,
    // and what is left here (ZooKeeper, metrics, the old sockets) is closed before exiting.
    Foreground.run(datapath, "nsvpn-datapath-shutdown", datapath.handedOver());
    return 0;
  }
}
