package org.nsvpn.agentplugin;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsvpn-agent}: runs the agent until SIGTERM (or SIGINT), then stops it in order. Exit
 * codes: 0 after a clean stop, 1 when the agent could not start, 2 for bad usage.
 */
@Command(
    name = "nsvpn-agent",
    mixinStandardHelpOptions = true,
    description =
        "The nsvpn agent: IPsec VPN namespaces for the virtual routers served by this host.")
public final class AgentMain implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file overriding the defaults")
  Path config;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Agent agent;
    try {
      agent = Agent.start(AgentConfig.load(Optional.ofNullable(config)));
    } catch (RuntimeException e) {
      System.err.println("nsvpn-agent: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "nsvpn-agent-shutdown"));
    stopped.await();
    return 0;
  }
}
