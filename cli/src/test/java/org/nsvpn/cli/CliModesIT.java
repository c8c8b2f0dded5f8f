package org.nsvpn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Proposal;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.status.GatewayAssignment;
import org.nsvpn.topology.status.HostLiveness;
import org.nsvpn.topology.status.PlacementReason;
import org.nsvpn.topology.status.ServiceState;
import org.nsvpn.topology.status.VpnServiceStatus;

/** One-shot and script modes, exit codes, PSK handling, and the status view. */
class CliModesIT {
  @TempDir Path tmp;
  private CliFixture cli;

  @BeforeEach
  void start() throws Exception {
    cli = new CliFixture();
  }

  @AfterEach
  void stop() throws Exception {
    cli.close();
  }

  private CliFixture.Run run(InputStream stdin, Optional<SecretSource> secrets, String... args) {
    return cli.run(stdin, secrets, args);
  }

  private CliFixture.Run run(String... args) {
    return cli.run(args);
  }

  private static InputStream text(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void oneShotCommandsShareAliasesAcrossInvocations() {
    assertThat(run("-e", "router add name edge").out()).containsExactly("router0");
    CliFixture.Run second =
        run(
            "-e",
            "router router0 add port address 192.0.2.1 net 192.0.2.0/24 mac 02:00:00:00:00:01",
            "-e",
            "router list");
    assertThat(second.code()).isZero();
    assertThat(second.out()).containsExactly("router0:port0", "router router0 name edge state up");
    CliFixture.Run refused = run("-e", "router router0 set state maybe");
    assertThat(refused.code()).isEqualTo(NsvpnCli.REFUSED);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err())
        .containsExactly("error: state: invalid value 'maybe': must be up or down");
  }

  @Test
  void scriptStopsAtTheFirstRefusedLineAndNamesIt() throws IOException {
    Path script = tmp.resolve("build.cli");
    Files.writeString(
        script,
        "# comment\n\nrouter add name edge\nrouter router0 add route dst 10.0.0.0/8\nrouter add name never\n");
    CliFixture.Run r = run("-f", script.toString());
    assertThat(r.code()).isEqualTo(NsvpnCli.REFUSED);
    assertThat(r.out()).containsExactly("router0");
    assertThat(r.err())
        .containsExactly(
            script
                + ":4: error: port: invalid value 'none': a normal route needs a next-hop port"
                + " [stopped: 1 earlier line applied, none from here on; --atomic applies all or"
                + " nothing]");
    assertThat(cli.store.refresh().list(ObjectKind.ROUTER)).hasSize(1);

    CliFixture.Run stdin =
        run(
            new ByteArrayInputStream("router list\n".getBytes(StandardCharsets.UTF_8)),
            Optional.empty(),
            "-f",
            "-");
    assertThat(stdin.code()).isZero();
    assertThat(stdin.out()).containsExactly("router router0 name edge state up");
  }

  @Test
  void anAtomicScriptIsOneTransactionAndPrintsOnlyOnceWritten() throws Exception {
    long before = cli.store.refresh().txn();
    Path script = tmp.resolve("site.cli");
    Files.writeString(
        script,
        String.join(
            "\n",
            "# A site in one transaction.",
            "router add name edge",
            "router edge add port address 203.0.113.1 net 203.0.113.0/24 mac 02:00:00:00:00:01",
            "router edge add port address 10.1.0.1 net 10.1.0.0/24 mac 02:00:00:00:00:02",
            "router router0 add route dst 0.0.0.0/0 gw 203.0.113.254 port port0",
            "vpn-service add name vpn0 router edge external-ip 203.0.113.1",
            "vpn-service vpn0 add ipsec-site-connection name site-b peer-address 198.51.100.2"
                + " local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 psk stdin",
            "router edge set state down",
            "router list",
            ""));
    CliFixture.Run r =
        run(text("atomic-psk\n"), Optional.empty(), "-f", script.toString(), "--atomic");
    assertThat(r.code()).as(r.err().toString()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .containsExactly(
            "router0",
            "router0:port0",
            "router0:port1",
            "router0:route0",
            "vpn0",
            "vpn0:conn0",
            "router router0 name edge state down");
    var after = cli.store.refresh();
    assertThat(after.txn()).as("one ZooKeeper transaction").isEqualTo(before + 1);
    var connection = after.list(ObjectKind.CONNECTION).get(0).value();
    assertThat(new String(cli.store.readSecret(connection.secret()), StandardCharsets.UTF_8))
        .isEqualTo("atomic-psk");
    assertThat(after.list(ObjectKind.ROUTER).get(0).version())
        .as("created and changed in the one transaction")
        .isZero();
  }

  @Test
  void aStepByStepScriptSaysHowManyLinesItAppliedBeforeTheRefusedOne() throws Exception {
    Path script = tmp.resolve("partial.cli");
    Files.writeString(
        script,
        "router add name a1\n\n# two lines applied, then a refusal\nrouter add name a2\n"
            + "router add name a1\nrouter add name never\n");
    CliFixture.Run r = run("-f", script.toString());
    assertThat(r.code()).isEqualTo(NsvpnCli.REFUSED);
    assertThat(r.out()).containsExactly("router0", "router1");
    assertThat(r.err())
        .containsExactly(
            script
                + ":5: error: name: 'a1' is already the name of router router0 (router and bridge"
                + " names are unique) [stopped: 2 earlier lines applied, none from here on;"
                + " --atomic applies all or nothing]");
    assertThat(cli.store.refresh().list(ObjectKind.ROUTER)).hasSize(2);

    CliFixture.Run commands = run("-e", "chain add name c1", "-e", "chain add name c1");
    assertThat(commands.err())
        .containsExactly(
            "error: name: 'c1' is already the name of chain chain0 (chain names are unique)"
                + " [stopped: 1 earlier line applied, none from here on; --atomic applies all or"
                + " nothing]");
  }

  @Test
  void aServerThatNeverAnswersFailsWithinTheConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept());
                  }
                } catch (IOException closed) {
                  // The test is over.
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      long start = System.nanoTime();
      CliFixture.Run r =
          run(
              "--zk",
              "127.0.0.1:" + silent.getLocalPort(),
              "--connect-timeout",
              "2",
              "-e",
              "router list");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.code()).isEqualTo(NsvpnCli.UNAVAILABLE);
      assertThat(r.err())
          .containsExactly(
              "error: cannot reach ZooKeeper at 127.0.0.1:"
                  + silent.getLocalPort()
                  + " within 2 s (is the server running? see scripts/nsvpn-zk)");
      assertThat(millis).as("the timeout is honoured").isBetween(2000L, 3500L);
    }
  }

  @Test
  void deleteCascadeTakesTheServiceItsConnectionsAndTheirPsks() throws Exception {
    run(
        "-e", "router add name edge",
        "-e",
            "router router0 add port address 203.0.113.1 net 203.0.113.0/24 mac 02:00:00:00:00:01",
        "-e", "vpn-service add name vpn0 router router0 external-ip 203.0.113.1");
    run(
        text("k3y\n"),
        Optional.empty(),
        "-e",
        "vpn-service vpn0 add ipsec-site-connection name site-b peer-address 198.51.100.2"
            + " local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 psk stdin");
    var connection = cli.store.refresh().list(ObjectKind.CONNECTION).get(0).value();
    assertThat(run("-e", "router router0 delete").code()).isEqualTo(NsvpnCli.REFUSED);
    assertThat(cli.store.secretExists(connection.secret())).isTrue();

    CliFixture.Run cascaded = run("-e", "router router0 delete cascade");
    assertThat(cascaded.code()).as(cascaded.err().toString()).isZero();
    var after = cli.store.refresh();
    assertThat(after.list(ObjectKind.ROUTER)).isEmpty();
    assertThat(after.list(ObjectKind.VPN_SERVICE)).isEmpty();
    assertThat(after.list(ObjectKind.CONNECTION)).isEmpty();
    assertThat(cli.store.secretExists(connection.secret())).isFalse();
  }

  @Test
  void usageErrorsQuoteWhatWasTypedEscaped() {
    CliFixture.Run option = run("--colour\u202e", "-e", "router list");
    assertThat(option.code()).isEqualTo(NsvpnCli.USAGE);
    assertThat(option.err())
        .containsExactly("error: Unknown option: '--colour\\u202e'", "try: nsvpn-cli --help");
    CliFixture.Run value = run("--connect-timeout", "x\u009b", "-e", "router list");
    assertThat(value.err())
        .containsExactly(
            "error: Invalid value for option '--connect-timeout': 'x\\x9b' is not an int",
            "try: nsvpn-cli --help");
  }

  @Test
  void exitCodesForUsageAndUnreachableStore() throws IOException {
    assertThat(run("--no-such-option").code()).isEqualTo(NsvpnCli.USAGE);
    assertThat(run("-e", "router list", "-f", "x").code()).isEqualTo(NsvpnCli.USAGE);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        NsvpnCli.run(
            new String[] {
              "--zk",
              "127.0.0.1:" + port,
              "--connect-timeout",
              "2",
              "--secrets-auth",
              cli.auth.toString(),
              "-e",
              "router list"
            },
            InputStream.nullInputStream(),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Optional.empty(),
            CliFixture.NOW);
    assertThat(code).isEqualTo(NsvpnCli.UNAVAILABLE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: cannot reach ZooKeeper at 127.0.0.1:" + port);
  }

  @Test
  void pskComesFromAFileOrStdinAndIsNeverShownOrStoredInTheTopology() throws Exception {
    run(
        "-e", "router add name edge",
        "-e",
            "router router0 add port address 203.0.113.1 net 203.0.113.0/24 mac 02:00:00:00:00:01",
        "-e", "vpn-service add name vpn0 router router0 external-ip 203.0.113.1");
    String add =
        "vpn-service vpn0 add ipsec-site-connection name site-b peer-address 198.51.100.2"
            + " local-cidrs 192.168.10.0/24 peer-cidrs 192.168.20.0/24 psk ";
    Path loose = tmp.resolve("loose.psk");
    Files.writeString(loose, "file-psk-value\n");
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
    CliFixture.Run refused = run("-e", add + "file:" + loose);
    assertThat(refused.code()).isEqualTo(NsvpnCli.REFUSED);
    assertThat(refused.err().get(0)).contains("is readable by others; chmod 600 it");

    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-------"));
    assertThat(run("-e", add + "file:" + loose).out()).containsExactly("vpn0:conn0");
    IpsecSiteConnectionId id = cli.store.refresh().list(ObjectKind.CONNECTION).get(0).value().id();
    assertThat(
            new String(
                cli.store.readSecret(
                    cli.store
                        .snapshot()
                        .get(ObjectKind.CONNECTION, id)
                        .orElseThrow()
                        .value()
                        .secret()),
                StandardCharsets.UTF_8))
        .isEqualTo("file-psk-value");

    CliFixture.Run fromStdin =
        run(
            new ByteArrayInputStream("stdin-psk-value\n".getBytes(StandardCharsets.UTF_8)),
            Optional.empty(),
            "-e",
            "vpn-service vpn0 ipsec-site-connection conn0 set psk stdin mtu 1400");
    assertThat(fromStdin.code()).isZero();
    var conn = cli.store.refresh().get(ObjectKind.CONNECTION, id).orElseThrow();
    assertThat(conn.value().mtu()).isEqualTo(1400);
    assertThat(new String(cli.store.readSecret(conn.value().secret()), StandardCharsets.UTF_8))
        .isEqualTo("stdin-psk-value");

    CliFixture.Run shown =
        run(
            "-e",
            "ipsec-site-connection list",
            "-e",
            "vpn-service vpn0 show status",
            "-e",
            "ipsec-site-connection vpn0:conn0 show");
    assertThat(String.join("\n", shown.out())).contains("psk ****").doesNotContain("psk-value");
    assertThat(cli.dump().values()).noneMatch(v -> v.contains("psk-value"));
    assertThat(cli.dump()).containsValue("(no auth)");

    CliFixture.Run deleted = run("-e", "vpn-service vpn0 delete");
    assertThat(deleted.code()).isZero();
    assertThat(cli.store.secretExists(conn.value().secret()))
        .as("the connection's PSK goes with it")
        .isFalse();
  }

  @Test
  void statusViewShowsWhatTheAgentReported() throws Exception {
    run(
        "-e", "router add name edge",
        "-e",
            "router router0 add port address 203.0.113.1 net 203.0.113.0/24 mac 02:00:00:00:00:01",
        "-e", "host add name host-a id 5e3f0a42-0000-4000-8000-0000000000a1",
        "-e", "vpn-service add name vpn0 router router0 external-ip 203.0.113.1");
    run(
        new ByteArrayInputStream("k3y-k3y-k3y\n".getBytes(StandardCharsets.UTF_8)),
        Optional.empty(),
        "-e",
        "vpn-service vpn0 add ipsec-site-connection name site-b peer-address 198.51.100.2 local-cidrs 192.168.10.0/24 peer-cidrs 192.168.20.0/24 psk stdin");
    var snapshot = cli.store.refresh();
    var service = snapshot.list(ObjectKind.VPN_SERVICE).get(0).value();
    var connection = snapshot.list(ObjectKind.CONNECTION).get(0).value();
    HostId host = HostId.parse("5e3f0a42-0000-4000-8000-0000000000a1");
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    cli.store
        .status()
        .publish(
            new VpnServiceStatus(
                service.id(),
                host,
                ServiceState.ACTIVE,
                Optional.empty(),
                Optional.of("vpn-" + service.id().hex()),
                Optional.of(4242L),
                Optional.of("/run/nsvpn/charon/vpn-" + service.id().hex() + "/charon.vici"),
                t0));
    ChildSaStatus child =
        new ChildSaStatus(
            "site-b",
            7,
            1,
            "INSTALLED",
            EncapsulationMode.TUNNEL,
            TransformProtocol.ESP,
            true,
            0xc1a2b3c4L,
            0x0badf00dL,
            Optional.of(
                new Proposal(
                    "AES_CBC-256",
                    Optional.of("HMAC_SHA2_256_128"),
                    Optional.empty(),
                    Optional.of("MODP_2048"))),
            List.of("192.168.10.0/24"),
            List.of("192.168.20.0/24"),
            new SaCounters(1200, 12, 3400, 34, Optional.of(t0.plusSeconds(50)), Optional.empty()),
            Optional.of(t0),
            Optional.of(t0.plusSeconds(3300)),
            Optional.of(t0.plusSeconds(3600)));
    IkeSaStatus ike =
        new IkeSaStatus(
            3,
            "ESTABLISHED",
            IkeVersion.V2,
            IpAddress.parse("203.0.113.1"),
            4500,
            IpAddress.parse("198.51.100.2"),
            4500,
            "203.0.113.1",
            "198.51.100.2\u202e",
            true,
            0x0123456789abcdefL,
            0xfedcba9876543210L,
            Optional.of(
                new Proposal(
                    "AES_CBC-256",
                    Optional.of("HMAC_SHA2_256_128"),
                    Optional.of("PRF_HMAC_SHA2_256"),
                    Optional.of("MODP_2048"))),
            true,
            Optional.of(t0),
            Optional.of(t0.plusSeconds(10000)),
            Optional.empty(),
            List.of(child));
    cli.store
        .status()
        .publish(host, ConnectionStatus.up(connection.id(), List.of(ike), t0.plusSeconds(60)));

    CliFixture.Run stale = run("-e", "vpn-service vpn0 show status");
    assertThat(stale.out())
        .containsExactly(
            "vpn-service vpn0 name vpn0 router router0 external-ip 203.0.113.1 state up",
            "  status active on host host0 (host not alive: status may be stale)",
            "  charon-pid 4242 updated 2026-11-23T10:00:00Z (2 min ago)",
            "  vici-socket /run/nsvpn/charon/vpn-"
                + service.id().hex()
                + "/charon.vici (on that host: nsvpn-swanctl vpn0 --list-sas)",
            "  host-side namespace vpn-"
                + service.id().hex()
                + " veth vpn"
                + service.id().hex().substring(0, 10)
                + "dp (datapath) <-> vpn"
                + service.id().hex().substring(0, 10)
                + "ns (in the namespace)",
            "ipsec-site-connection vpn0:conn0 name site-b status up",
            "  peer 198.51.100.2 peer-id 198.51.100.2 local-id (external-ip) local-cidrs 192.168.10.0/24 peer-cidrs 192.168.20.0/24 psk ****",
            "  ike v2 aes-256/sha256/group14 lifetime 10800s phase1-mode main reauth false; ipsec esp tunnel aes-256/sha256 pfs group14 lifetime 3600s",
            "  dpd hold interval 30s timeout 120s initiator bi-directional mtu 1500 force-udp-encapsulation false state up",
            "  reported by host host0 (not alive: stale) at 2026-11-23T10:01:00Z (1 min ago)",
            "  charon-name nsvpn-"
                + connection.id().hex()
                + " (nsvpn-swanctl vpn0 --list-sas --ike nsvpn-"
                + connection.id().hex()
                + ")",
            "  traffic in 1200 bytes 12 packets last-use 2026-11-23T10:00:50Z (1 min ago), out 3400 bytes 34 packets last-use never",
            "  ike-sa #3 ESTABLISHED v2 initiator 203.0.113.1:4500 <-> 198.51.100.2:4500 ids 203.0.113.1 <-> 198.51.100.2\\u202e",
            "    spi-i 0123456789abcdef spi-r fedcba9876543210 proposal AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048 established 2026-11-23T10:00:00Z (2 min ago) rekey 2026-11-23T12:46:40Z (in 2 h 44 min)",
            "    child-sa site-b #7 INSTALLED esp tunnel udp-encap spi-in c1a2b3c4 spi-out 0badf00d proposal AES_CBC-256/HMAC_SHA2_256_128/MODP_2048",
            "      192.168.10.0/24 === 192.168.20.0/24",
            "      in 1200 bytes 12 packets last-use 2026-11-23T10:00:50Z (1 min ago), out 3400 bytes 34 packets last-use never",
            "      installed 2026-11-23T10:00:00Z (2 min ago) rekey 2026-11-23T10:55:00Z (in 53 min)"
                + " expires 2026-11-23T11:00:00Z (in 58 min)");

    cli.store
        .status()
        .registerLiveness(new HostLiveness(host, "host-a", ProcessHandle.current().pid(), t0));
    CliFixture.Run live = run("-e", "vpn-service vpn0 show status", "-e", "host list");
    assertThat(live.out())
        .contains(
            "  status active on host host0 (alive)",
            "  reported by host host0 at 2026-11-23T10:01:00Z (1 min ago)",
            "host host0 name host-a alive true");

    CliFixture.Run overview = run("-e", "ipsec-site-connection list status");
    assertThat(overview.out())
        .containsExactly(
            "CONNECTION  NAME         STATE  HOST   PEER          ESTABLISHED  BYTES-IN  BYTES-OUT"
                + "  LAST-IN    REASON",
            "vpn0:conn0  vpn0/site-b  up     host0  198.51.100.2  2 min ago    1200      3400     "
                + "  1 min ago");

    CliFixture.Run json =
        run(
            "-o",
            "json",
            "-e",
            "vpn-service vpn0 show status",
            "-e",
            "ipsec-site-connection list status");
    assertThat(json.code()).isZero();
    assertThat(json.out())
        .as("one document per command, printable ASCII only")
        .hasSize(2)
        .allMatch(l -> l.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    ObjectMapper mapper = new ObjectMapper();
    JsonNode status = mapper.readTree(json.out().get(0));
    assertThat(status.at("/vpn-service/label").asText()).isEqualTo("vpn0");
    assertThat(status.at("/vpn-service/id").asText()).isEqualTo(service.id().toString());
    assertThat(status.at("/host-side/namespace").asText()).isEqualTo("vpn-" + service.id().hex());
    assertThat(status.at("/status/vici-socket").asText()).endsWith("/charon.vici");
    assertThat(status.at("/status/host-alive").asBoolean()).isTrue();
    JsonNode conn = status.at("/ipsec-site-connections/0");
    assertThat(conn.at("/psk").asText()).isEqualTo("****");
    assertThat(conn.at("/ike-lifetime").isNumber()).isTrue();
    assertThat(conn.at("/status/state").asText()).isEqualTo("up");
    assertThat(conn.at("/status/counters/bytes-in").asLong()).isEqualTo(1200);
    assertThat(conn.at("/status/ike-sas/0/remote-id").asText())
        .as("the peer's text comes back exactly")
        .isEqualTo("198.51.100.2\u202e");
    JsonNode tunnels = mapper.readTree(json.out().get(1));
    assertThat(tunnels).hasSize(1);
    assertThat(tunnels.at("/0/label").asText()).isEqualTo("vpn0:conn0");
    assertThat(tunnels.at("/0/name").asText()).isEqualTo("site-b");
    assertThat(tunnels.at("/0/state").asText()).isEqualTo("up");
    assertThat(tunnels.at("/0/counters/bytes-out").asLong()).isEqualTo(3400);
    assertThat(tunnels.at("/0/established-at").asText()).isEqualTo("2026-11-23T10:00:00Z");

    CliFixture.Run swanctl = swanctl("vpn0", "--list-sas");
    assertThat(swanctl.code()).isEqualTo(1);
    assertThat(String.join("\n", swanctl.err()))
        .startsWith(
            "error: vpn-service vpn0 runs on host host0: its VICI socket /run/nsvpn/charon/")
        .contains("is not on this machine");
  }

  @Test
  void statusViewShowsTheGatewayPlacement() throws Exception {
    run(
        "-e", "router add name edge",
        "-e",
            "router router0 add port address 203.0.113.1 net 203.0.113.0/24 mac 02:00:00:00:00:01",
        "-e", "host add name host-a id 5e3f0a42-0000-4000-8000-0000000000a1",
        "-e", "host add name host-b id 5e3f0a42-0000-4000-8000-0000000000b1",
        "-e", "gateway-group add name gw-east",
        "-e", "gateway-group gw-east add member host-a",
        "-e", "gateway-group gw-east add member host-b",
        "-e",
            "vpn-service add name vpn0 router router0 external-ip 203.0.113.1 gateway-group gw-east");
    String header =
        "vpn-service vpn0 name vpn0 router router0 external-ip 203.0.113.1 state up"
            + " gateway-group gw-east";
    String unknown = "  status unknown: no agent has reported on this service";

    CliFixture.Run unplaced = run("-e", "vpn-service vpn0 show status");
    assertThat(unplaced.code()).isZero();
    assertThat(unplaced.out())
        .containsExactly(
            header,
            "  gateway-group gw-east not assigned yet (no alive member of gateway-group gw-east"
                + " that is not in maintenance)",
            unknown);
    CliFixture.Run notRunning = swanctl("vpn0");
    assertThat(notRunning.code()).isEqualTo(1);
    assertThat(notRunning.err())
        .containsExactly(
            "error: vpn-service vpn0: no agent has reported on it; it runs nowhere yet");

    VpnServiceId service = cli.store.refresh().list(ObjectKind.VPN_SERVICE).get(0).value().id();
    HostId hostA = HostId.parse("5e3f0a42-0000-4000-8000-0000000000a1");
    HostId hostB = HostId.parse("5e3f0a42-0000-4000-8000-0000000000b1");
    String leader = cli.client.create().forPath("/scheduler-leader-for-test");
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    assertThat(
            cli.store
                .status()
                .assign(
                    new GatewayAssignment(
                        service, hostB, Optional.of(hostA), PlacementReason.HOST_DEAD, t0),
                    leader))
        .as("assignment written")
        .isTrue();
    CliFixture.Run moved = run("-e", "vpn-service vpn0 show status");
    assertThat(moved.out())
        .containsExactly(
            header,
            "  gateway-group gw-east assigned host host-b (not alive) since 2026-11-23T10:00:00Z (2 min ago)",
            "  placement reason host-dead previous host host-a",
            unknown);

    AutoCloseable registration =
        cli.store
            .status()
            .registerLiveness(new HostLiveness(hostB, "host-b", ProcessHandle.current().pid(), t0));
    try {
      CliFixture.Run drained =
          run(
              "-e",
              "host host-b set maintenance true",
              "-e",
              "vpn-service vpn0 show status",
              "-e",
              "host host1 show");
      assertThat(drained.code()).isZero();
      assertThat(drained.out())
          .containsExactly(
              header,
              "  gateway-group gw-east assigned host host-b (alive, in maintenance) since"
                  + " 2026-11-23T10:00:00Z (2 min ago)",
              "  placement reason host-dead previous host host-a",
              unknown,
              "host host1 name host-b alive true maintenance true");
    } finally {
      registration.close();
    }

    assertThat(
            cli.store
                .status()
                .assign(
                    new GatewayAssignment(
                        service,
                        hostA,
                        Optional.empty(),
                        PlacementReason.PLACED,
                        t0.plusSeconds(60)),
                    leader))
        .isTrue();
    CliFixture.Run placed = run("-e", "vpn-service vpn0 show status");
    assertThat(placed.out())
        .containsExactly(
            header,
            "  gateway-group gw-east assigned host host-a (not alive) since 2026-11-23T10:01:00Z (1 min ago)",
            "  placement reason placed",
            unknown);

    CliFixture.Run ungrouped =
        run("-e", "vpn-service vpn0 clear gateway-group", "-e", "vpn-service vpn0 show status");
    assertThat(ungrouped.out())
        .as("no placement lines without a group, even before the scheduler removes the record")
        .containsExactly(
            "vpn-service vpn0 name vpn0 router router0 external-ip 203.0.113.1 state up", unknown);
  }

  /** {@code nsvpn-swanctl --zk FIXTURE ARGS}; only its standard error is captured. */
  private CliFixture.Run swanctl(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all =
        new java.util.ArrayList<>(
            List.of("--zk", cli.server.getConnectString(), "--secrets-auth", cli.auth.toString()));
    all.addAll(List.of(args));
    int code =
        SwanctlCommand.run(
            all.toArray(String[]::new), new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = err.toString(StandardCharsets.UTF_8);
    return new CliFixture.Run(
        code, List.of(), text.isEmpty() ? List.of() : List.of(text.split("\n")));
  }

  @Test
  void jsonOutputHoldsTheTextFormsFieldsTyped() throws Exception {
    CliFixture.Run created =
        run(
            "-o",
            "json",
            "-e",
            "router add name edge",
            "-e",
            "router router0 add port address 203.0.113.1 net 203.0.113.0/24 mac 02:00:00:00:00:01",
            "-e",
            "chain add name in",
            "-e",
            "chain chain0 add rule type drop !dst 198.51.100.0/24 proto 17 dst-port 500",
            "-e",
            "host add name host-a",
            "-e",
            "gateway-group add name gw-east",
            "-e",
            "gateway-group gw-east add member host-a");
    assertThat(created.code()).isZero();
    ObjectMapper mapper = new ObjectMapper();
    JsonNode router = mapper.readTree(created.out().get(0));
    assertThat(router.get("label").asText()).isEqualTo("router0");
    assertThat(router.get("id").asText()).matches("[0-9a-f-]{36}");
    assertThat(created.out()).as("writes that create nothing print nothing").hasSize(6);

    List<String> lists =
        List.of(
            "router list",
            "router router0 port list",
            "port list",
            "chain chain0 rule list",
            "host list",
            "gateway-group list");
    for (String list : lists) {
      List<String> text = run("-e", list).out();
      CliFixture.Run json = run("-o", "json", "-e", list);
      assertThat(json.out()).as(list).hasSize(1);
      JsonNode array = mapper.readTree(json.out().get(0));
      assertThat(array.isArray()).as(list).isTrue();
      assertThat(array).as(list).hasSameSizeAs(text);
      for (int i = 0; i < text.size(); i++) {
        List<String> words = List.of(text.get(i).split(" "));
        JsonNode object = array.get(i);
        assertThat(words).as(list).contains(object.get("type").asText());
        object
            .fieldNames()
            .forEachRemaining(
                field -> {
                  if (!List.of("type", "label", "id", "addresses").contains(field)) {
                    assertThat(words).as(list + ": " + field).containsAnyOf(field, "!" + field);
                  }
                });
      }
    }

    JsonNode port =
        mapper.readTree(run("-o", "json", "-e", "router router0 port list").out().get(0));
    assertThat(port.at("/0/label").asText()).isEqualTo("router0:port0");
    assertThat(port.at("/0/addresses/0/address").asText()).isEqualTo("203.0.113.1");
    assertThat(port.at("/0/tunnel-key").isNumber()).isTrue();
    JsonNode rule = mapper.readTree(run("-o", "json", "-e", "chain chain0 rule list").out().get(0));
    assertThat(rule.at("/0/dst/not").asText()).isEqualTo("198.51.100.0/24");
    assertThat(rule.at("/0/proto").asInt()).isEqualTo(17);
    assertThat(rule.at("/0/pos").asInt()).isEqualTo(1);
    JsonNode host = mapper.readTree(run("-o", "json", "-e", "host host0 show").out().get(0));
    assertThat(host.get("alive").isBoolean()).isTrue();
    JsonNode group = mapper.readTree(run("-o", "json", "-e", "gateway-group list").out().get(0));
    assertThat(group.at("/0/members/0").asText()).isEqualTo("host-a");
    assertThat(run("-o", "json", "-e", "router router0 show name").out())
        .containsExactly("\"edge\"");
    assertThat(run("-e", "router router0 port port0 show address").out())
        .containsExactly("203.0.113.1");
    CliFixture.Run bad = run("-o", "yaml", "-e", "router list");
    assertThat(bad.code()).isEqualTo(NsvpnCli.USAGE);
    assertThat(String.join("\n", bad.err())).contains("yaml").contains("text, json");
  }

  @Test
  void completionOffersGroupsMembersAndTheirFields() {
    run(
        "-e", "host add name host-a",
        "-e", "host add name host-b",
        "-e", "gateway-group add name gw-east",
        "-e", "gateway-group gwgroup0 add member host-b");
    CliCompleter completer = new CliCompleter(cli.store::refresh);
    assertThat(completer.suggestions(List.of("gateway-group"))).contains("gwgroup0", "list", "add");
    assertThat(completer.suggestions(List.of("gateway-group", "gwgroup0", "add", "member")))
        .containsExactly("host0", "host1");
    assertThat(completer.suggestions(List.of("gateway-group", "gw-east", "delete", "member")))
        .as("only members can be deleted")
        .containsExactly("host1");
    assertThat(
            completer.suggestions(
                List.of("vpn-service", "add", "name", "v", "router", "r", "gateway-group")))
        .containsExactly("gwgroup0");
  }

  @Test
  void pskPromptAsksTwiceWithoutEcho() {
    run(
        "-e", "router add name edge",
        "-e",
            "router router0 add port address 203.0.113.1 net 203.0.113.0/24 mac 02:00:00:00:00:01",
        "-e", "vpn-service add name vpn0 router router0 external-ip 203.0.113.1");
    List<String> prompts = new ArrayList<>();
    String[] answers = {"typed-psk", "typed-psk-typo"};
    SecretSource terminal =
        new SecretSource() {
          @Override
          public Optional<char[]> prompt(String prompt) {
            prompts.add(prompt);
            return Optional.of(answers[prompts.size() - 1].toCharArray());
          }

          @Override
          public Optional<InputStream> stdin() {
            return Optional.empty();
          }
        };
    CliFixture.Run r =
        run(
            InputStream.nullInputStream(),
            Optional.of(terminal),
            "-e",
            "vpn-service vpn0 add ipsec-site-connection name c peer-address 198.51.100.2 local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24");
    assertThat(prompts).containsExactly("PSK: ", "PSK again: ");
    assertThat(r.err()).containsExactly("error: psk: the two entries differ");
    assertThat(cli.store.refresh().list(ObjectKind.CONNECTION)).isEmpty();
    CliFixture.Run noTerminal =
        run(
            "-e",
            "vpn-service vpn0 add ipsec-site-connection name c peer-address 198.51.100.2 local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24");
    assertThat(noTerminal.err().get(0)).startsWith("error: psk: no terminal to prompt on");
  }
}
