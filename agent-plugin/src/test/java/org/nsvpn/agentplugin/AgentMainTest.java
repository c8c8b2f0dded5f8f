package org.nsvpn.agentplugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainTest {

  private record Run(int exitCode, String out) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new AgentMain());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int code = cli.execute(args);
    return new Run(code, out.toString());
  }

  @Test
  void versionNamesTheReleaseAndTheCommit() {
    Run r = run("-V");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("nsvpn-agent 0.").contains("(commit ");
  }

  @Test
  void checkConfigSaysWhetherAFileIsValid(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.conf");
    Files.writeString(good, "nsvpn.agent.overlay.port = 8472\n");
    assertThat(run("--check-config", good.toString()).exitCode()).isZero();
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "nsvpn.agent.zookeeper.conect = \"zk1:2181\"\n");
    assertThat(run("--check-config", bad.toString()).exitCode()).isEqualTo(1);
  }
}
