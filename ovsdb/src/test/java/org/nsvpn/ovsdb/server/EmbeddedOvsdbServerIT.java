package org.nsvpn.ovsdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.ovsdb.Ovsdb;
import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.ipsec.IpsecSchema;

/** The embedded ovsdb-server: real processes, checked with ovsdb-tool and ovsdb-client. */
class EmbeddedOvsdbServerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Path directory;
  private EmbeddedOvsdbServer server;

  @BeforeEach
  void createDirectory() throws IOException {
    directory = Files.createTempDirectory("nsvpn-ovsdb-it-").resolve("ovsdb");
  }

  @AfterEach
  void stopAndClean() throws IOException {
    if (server != null) {
      server.stop();
    }
    try (Stream<Path> files = Files.walk(directory.getParent())) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void createsTheDatabaseLikeOvsdbToolAndServesIt() throws Exception {
    server = EmbeddedOvsdbServer.startOrAdopt(directory, IpsecSchema.schemaJson(), TIMEOUT);
    assertThat(server.adopted()).isFalse();
    assertThat(server.isAlive()).isTrue();
    assertThat(Files.getPosixFilePermissions(directory))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(run("ovsdb-tool", "db-name", directory.resolve("db").toString())).isEqualTo("IPsec");
    assertThat(run("ovsdb-tool", "db-version", directory.resolve("db").toString()))
        .matches("\\d+\\.\\d+\\.\\d+");

    try (OvsdbClient client = Ovsdb.client(server.endpoint())) {
      client.start().get(10, TimeUnit.SECONDS);
      assertThat(client.listDatabases().get(10, TimeUnit.SECONDS)).contains(IpsecSchema.DATABASE);
    }
    assertThat(run("ovsdb-client", "list-tables", "unix:" + directory.resolve("db.sock"), "IPsec"))
        .contains("IPSEC", "Ipsec_Ike_Connection", "ipsec_manual_sa", "ipsec_manual_sp");
  }

  @Test
  void aSecondStartAdoptsTheRunningServerAndStopEndsIt() {
    server = EmbeddedOvsdbServer.startOrAdopt(directory, IpsecSchema.schemaJson(), TIMEOUT);
    EmbeddedOvsdbServer again =
        EmbeddedOvsdbServer.startOrAdopt(directory, IpsecSchema.schemaJson(), TIMEOUT);
    assertThat(again.adopted()).isTrue();
    assertThat(again.pid()).isEqualTo(server.pid());
    again.close();
    assertThat(server.isAlive()).as("close only lets go").isTrue();

    server.stop();
    server.stop();
    assertThat(server.isAlive()).as("no ovsdb-server runs as that pid (/proc/PID/exe)").isFalse();

    EmbeddedOvsdbServer restarted =
        EmbeddedOvsdbServer.startOrAdopt(directory, IpsecSchema.schemaJson(), TIMEOUT);
    server = restarted;
    assertThat(restarted.adopted()).as("a stale pid file is not adopted").isFalse();
    assertThat(restarted.pid()).isNotEqualTo(again.pid());
  }

  @Test
  void refusesABadSchemaBeforeStartingAnything() {
    assertThatThrownBy(() -> EmbeddedOvsdbServer.startOrAdopt(directory, "{not json", TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThat(Files.exists(directory.resolve("ovsdb-server.pid"))).isFalse();
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}
