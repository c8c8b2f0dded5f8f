package org.nsvpn.agentplugin.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.namespacemanager.testing.KernelResources;

/**
 * The restart benchmark behind {@code scripts/bench-restart} (not a test: Failsafe runs only {@code
 * *IT} classes unless asked by name). On the {@link RestartBed}, with VM A pinging VM B and site C
 * every {@value #PING_MS} ms, {@code nsvpn.bench.runs} times each (default 5):
 *
 * <ol>
 *   <li>the agent SIGKILLed and restarted (pings lost to B and to C);
 *   <li>a datapath handover, a new nsvpn-datapath taking over (pings lost, and the new process's
 *       own measure from asking to forwarding);
 *   <li>the datapath SIGKILLed and started again at once (pings lost to B).
 * </ol>
 *
 * Writes one line per event to {@code nsvpn.bench.out} (tab-separated: kind, run, lost to B, lost
 * to C, takeover ms; -1 where not measured).
 */
class RestartBench {
  static final int PING_MS = 100;
  private static final Pattern TAKEOVER = Pattern.compile("took over .*: (\\d+) ms from asking");

  @RegisterExtension final KernelResources kernel = new KernelResources();

  @Test
  void restarts() throws Exception {
    int runs = Integer.getInteger("nsvpn.bench.runs", 5);
    Path out = Path.of(System.getProperty("nsvpn.bench.out", "target/bench-restart.tsv"));
    List<String> lines = new ArrayList<>();
    lines.add("kind\trun\tlost-b\tlost-c\ttakeover-ms");
    Duration interval = Duration.ofMillis(PING_MS);
    try (RestartBed r = RestartBed.start(kernel, "RestartBench")) {
      for (int run = 1; run <= runs; run++) {
        try (PingLog toB = PingLog.start(r.bed.vmA, "10.2.0.10", interval);
            PingLog toC = PingLog.start(r.bed.vmA, "10.3.0.1", interval)) {
          DatapathRestartIT.settle(toB, toC);
          r.killAndRestartAgent();
          DatapathRestartIT.settle(toB, toC);
          lines.add(line("agent-restart", run, toB.longestGap(), toC.longestGap(), -1));
        }
        try (PingLog toB = PingLog.start(r.bed.vmA, "10.2.0.10", interval);
            PingLog toC = PingLog.start(r.bed.vmA, "10.3.0.1", interval)) {
          DatapathRestartIT.settle(toB, toC);
          r.handOver();
          DatapathRestartIT.settle(toB, toC);
          Matcher m = TAKEOVER.matcher(r.datapath.log());
          long takeover = m.find() ? Long.parseLong(m.group(1)) : -1;
          lines.add(line("handover", run, toB.longestGap(), toC.longestGap(), takeover));
        }
        r.awaitAgentReady();
        try (PingLog toB = PingLog.start(r.bed.vmA, "10.2.0.10", interval)) {
          DatapathRestartIT.settle(toB);
          r.killAndRestartDatapath();
          DatapathRestartIT.settle(toB);
          lines.add(line("datapath-kill", run, toB.longestGap(), -1, -1));
        }
        r.awaitAgentReady();
        Files.write(out, lines);
      }
    }
  }

  private static String line(String kind, int run, long lostB, long lostC, long takeover) {
    return kind + "\t" + run + "\t" + lostB + "\t" + lostC + "\t" + takeover;
  }
}
