package org.nsvpn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden CLI sessions: each {@code golden/NAME.cli} script, run against a real ZooKeeper, must
 * print exactly {@code golden/NAME.out}. Set -Dgolden.update=true to see the actual transcript.
 */
class GoldenSessionIT {
  private CliFixture cli;

  @BeforeEach
  void start() throws Exception {
    cli = new CliFixture();
  }

  @AfterEach
  void stop() throws Exception {
    cli.close();
  }

  static List<String> resource(String name) throws IOException {
    try (InputStream in = GoldenSessionIT.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        return List.of();
      }
      return Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1))
          .stream()
          .filter(l -> !l.isEmpty())
          .toList();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "seed002",
        "seed002-verbatim",
        "rules",
        "bridges",
        "gateway-groups",
        "midonet-habits"
      })
  void transcriptMatches(String name) throws Exception {
    List<String> actual = cli.transcript(resource(name + ".cli"));
    if (Boolean.getBoolean("golden.update")) {
      System.out.println("---- " + name + ".out\n" + String.join("\n", actual));
    }
    assertThat(String.join("\n", actual)).isEqualTo(String.join("\n", resource(name + ".out")));
  }
}
