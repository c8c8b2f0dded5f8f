package org.nsvpn.agentplugin.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nsvpn.cli.NsvpnCli;
import org.nsvpn.cli.SwanctlCommand;
import org.nsvpn.namespacemanager.testing.Ip;

/** Independent readers of what the agent reports: ovsdb-client and nsvpn-cli as processes. */
final class E2eOracles {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /**
   * {@code java -cp TEST-CLASSPATH MAIN --zk AGENT'S-ZOOKEEPER --home AGENT'S-STATE ARGS}: one of
   * the CLI's programs as a process of its own, against the agent.
   */
  private static List<String> tool(AgentProcess agent, Class<?> main, String... arguments) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName(),
                "--zk",
                "127.0.0.1:" + agent.zookeeperPort(),
                "--home",
                agent.state().toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  /** {@code nsvpn-cli -e COMMAND} as a process against the agent's ZooKeeper: its output. */
  static String cli(AgentProcess agent, String command) {
    return run(tool(agent, NsvpnCli.class, "-e", command).toArray(String[]::new));
  }

  /** {@code nsvpn-cli -e "vpn-service NAME show status"} against the agent's ZooKeeper. */
  static String showStatus(AgentProcess agent, String service) {
    return run(
        tool(agent, NsvpnCli.class, "-e", "vpn-service " + service + " show status")
            .toArray(String[]::new));
  }

  /**
   * The sum over connections of the bytes-out totals of {@code nsvpn-cli -o json -e "vpn-service
   * NAME show status"}: what a script reads, without parsing text.
   */
  static long showStatusBytesOut(AgentProcess agent, String service) {
    String json =
        run(
            tool(
                    agent,
                    NsvpnCli.class,
                    "-o",
                    "json",
                    "-e",
                    "vpn-service " + service + " show status")
                .toArray(String[]::new));
    try {
      long total = 0;
      for (JsonNode connection : JSON.readTree(json).path("ipsec-site-connections")) {
        total += connection.at("/status/counters/bytes-out").asLong();
      }
      return total;
    } catch (IOException e) {
      throw new AssertionError("show status -o json printed no JSON: " + json, e);
    }
  }

  /** {@code nsvpn-swanctl SERVICE ARGS} against the agent: its exit code and output. */
  static Ip.Result swanctl(AgentProcess agent, String service, String... arguments) {
    List<String> command = tool(agent, SwanctlCommand.class, service);
    command.addAll(List.of(arguments));
    return Ip.exec(command.toArray(String[]::new));
  }

  /** An HTTP GET of the agent's metrics endpoint (its address from RUN/metrics-address). */
  record Http(int status, String body) {}

  static Http get(Path state, String path) {
    return get(state, "metrics-address", path);
  }

  /** An HTTP GET of the endpoint whose address RUN/{@code addressFile} holds. */
  static Http get(Path state, String addressFile, String path) {
    try {
      String address = Files.readString(state.resolve("run").resolve(addressFile)).trim();
      java.net.http.HttpResponse<String> response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://" + address + path))
                      .timeout(java.time.Duration.ofSeconds(10))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      return new Http(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new AssertionError("cannot reach the agent's " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The agent's /metrics, parsed by the Prometheus project's own Python parser (Debian's
   * python3-prometheus-client, installed by scripts/install-deps): sample name and labels, as
   * {@code name{"label": "value", ...}} with labels sorted, to value.
   */
  static Map<String, Double> metrics(Path state) {
    Http scrape = get(state, "/metrics");
    if (scrape.status() != 200) {
      throw new AssertionError("GET /metrics answered " + scrape.status() + ": " + scrape.body());
    }
    String parser =
        "import sys, json\n"
            + "from prometheus_client.parser import text_string_to_metric_families as parse\n"
            + "out = {}\n"
            + "for family in parse(sys.stdin.read()):\n"
            + "    for s in family.samples:\n"
            + "        out[s.name + json.dumps(s.labels, sort_keys=True)] = s.value\n"
            + "print(json.dumps(out))\n";
    try {
      Process p =
          new ProcessBuilder("/usr/bin/python3", "-c", parser).redirectErrorStream(true).start();
      p.getOutputStream().write(scrape.body().getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(
            "the Prometheus parser refused /metrics (sudo scripts/install-deps installs"
                + " python3-prometheus-client): "
                + out);
      }
      Map<String, Double> samples = new HashMap<>();
      JSON.readTree(out)
          .properties()
          .forEach(e -> samples.put(e.getKey(), e.getValue().asDouble()));
      return samples;
    } catch (IOException e) {
      throw new AssertionError("cannot run /usr/bin/python3", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The key {@link #metrics} uses for a sample: {@code name{"k": "v", ...}}, labels sorted. */
  static String sample(String name, Map<String, String> labels) {
    StringBuilder key = new StringBuilder(name).append('{');
    new java.util.TreeMap<>(labels)
        .forEach(
            (k, v) -> {
              if (key.charAt(key.length() - 1) != '{') {
                key.append(", ");
              }
              key.append('"').append(k).append("\": \"").append(v).append('"');
            });
    return key.append('}').toString();
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
