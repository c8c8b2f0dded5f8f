package org.nsvpn.agentplugin.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nsvpn.cli.NsvpnCli;

/** Independent readers of what the agent reports: ovsdb-client and nsvpn-cli as processes. */
final class E2eOracles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OUT_BYTES =
      Pattern.compile("(?m)^  traffic in \\d+ bytes \\d+ packets last-use \\S+, out (\\d+) bytes");

  private E2eOracles() {}

  /**
   * The status map of each Ipsec_Ike_Connection row, by policy name ({@code ovsdb-client dump}).
   */
  static Map<String, Map<String, String>> ovsdbConnections(Path state) {
    String out =
        run(
            "ovsdb-client",
            "--format=json",
            "dump",
            "unix:" + state.resolve("ovsdb/db.sock"),
            "IPsec",
            "Ipsec_Ike_Connection");
    Map<String, Map<String, String>> rows = new HashMap<>();
    try {
      JsonNode dump = JSON.readTree(out);
      JsonNode headings = dump.get("headings");
      for (JsonNode data : dump.get("data")) {
        Map<String, String> status = new HashMap<>();
        String name = null;
        for (int i = 0; i < headings.size(); i++) {
          String column = headings.get(i).asText();
          if (column.equals("policy_name")) {
            name = data.get(i).asText();
          }
          if (column.equals("ipsec_ike_conn_statuses")) {
            for (JsonNode pair : data.get(i).get(1)) {
              status.put(pair.get(0).asText(), pair.get(1).asText());
            }
          }
        }
        rows.put(name, status);
      }
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("unreadable ovsdb-client output: " + out, e);
    }
    return rows;
  }

  /** A counter of one connection's OVSDB status map, 0 when absent. */
  static long ovsdbCounter(Path state, String policy, String key) {
    return Long.parseLong(
        ovsdbConnections(state).getOrDefault(policy, Map.of()).getOrDefault(key, "0"));
  }

  /** {@code nsvpn-cli -e "vpn-service NAME show status"} against the agent's ZooKeeper. */
  static String showStatus(AgentProcess agent, String service) {
    return run(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        System.getProperty("java.class.path"),
        NsvpnCli.class.getName(),
        "--zk",
        "127.0.0.1:" + agent.zookeeperPort(),
        "--home",
        agent.state().toString(),
        "-e",
        "vpn-service " + service + " show status");
  }

  /**
   * The sum over connections of the "traffic ... out N bytes" totals that {@code show status}
   * prints.
   */
  static long showStatusBytesOut(String view) {
    long total = 0;
    Matcher m = OUT_BYTES.matcher(view);
    while (m.find()) {
      total += Long.parseLong(m.group(1));
    }
    return total;
  }

  static String run(String... command) {
    try {
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command[0] + " did not finish");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
