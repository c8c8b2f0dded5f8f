package org.nsvpn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.Versioned;

/**
 * Certificates through nsvpn-cli, run in-process as an operator runs it: CA certificates on a VPN
 * service, a connection with a certificate and its private key (from a 0600 file or standard
 * input), what show prints, and the refusals at input, each leaving ZooKeeper exactly as it was.
 * Certificates and keys are test resources made with strongSwan's pki.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateCliIT {
  private static final String SERVICE_SETUP =
      "router add name edge;router router0 add port address 192.0.2.1 net 192.0.2.0/24;"
          + "vpn-service add name vpn0 router router0 external-ip 192.0.2.1";
  private static final String CONN =
      "vpn-service vpn0 add ipsec-site-connection name %s peer-address 198.51.100.2"
          + " peer-id peer.example.org local-cidrs 10.1.0.0/24 peer-cidrs 10.2.0.0/24 ";

  private CliFixture cli;
  private Path dir;

  @BeforeAll
  void start() throws Exception {
    cli = new CliFixture();
    dir =
        Files.createTempDirectory(
            "nsvpn-cli-certs-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    for (String line : SERVICE_SETUP.split(";")) {
      cli.interpreter.execute(line);
    }
    Map<String, String> before = cli.tree();
    CliFixture.Run noCa =
        run(
            CONN.formatted("early")
                + "auth cert certificate file:"
                + cert("site.crt")
                + " private-key file:"
                + key("site.key"));
    assertThat(noCa.err())
        .containsExactly(
            "error: auth: ipsec-site-connection vpn0:conn0 authenticates by"
                + " certificate, but vpn-service vpn0 has no ca-certificates to check the peer's"
                + " against; first: vpn-service vpn0 set ca-certificates file:PATH");
    assertThat(cli.tree()).isEqualTo(before);
    assertThat(run("vpn-service vpn0 set ca-certificates file:" + cert("ca.crt")).code()).isZero();
  }

  @Test
  void theCaCertificatesOfAServiceWithCertificateConnectionsCannotBeCleared() throws Exception {
    assertThat(
            run(CONN.formatted("keeps-ca")
                    + "auth cert certificate file:"
                    + cert("site.crt")
                    + " private-key file:"
                    + key("site.key"))
                .code())
        .isZero();
    Map<String, String> before = cli.tree();
    CliFixture.Run cleared = run("vpn-service vpn0 clear ca-certificates");
    assertThat(cleared.err())
        .singleElement()
        .asString()
        .matches(
            "error: ca-certificates: vpn-service vpn0 needs at least one while"
                + " ipsec-site-connection vpn0:conn\\d+ authenticates by certificate");
    assertThat(cli.tree()).isEqualTo(before);
    assertThat(run("ipsec-site-connection vpn0:keeps-ca delete").code()).isZero();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      cli.close();
    } finally {
      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private Path file(String resource, String mode) {
    try (InputStream in = getClass().getResourceAsStream("/certs/" + resource)) {
      Path out = dir.resolve(mode.replace('-', '_') + "-" + resource);
      Files.write(out, in.readAllBytes());
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(mode));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path key(String resource) {
    return file(resource, "rw-------");
  }

  private Path cert(String resource) {
    return file(resource, "rw-r--r--");
  }

  private CliFixture.Run run(byte[] stdin, String command) {
    return cli.run(new ByteArrayInputStream(stdin), Optional.empty(), "-e", command);
  }

  private CliFixture.Run run(String command) {
    return run(new byte[0], command);
  }

  private IpsecSiteConnection connection(String name) {
    return cli.store.refresh().list(ObjectKind.CONNECTION).stream()
        .map(Versioned::value)
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aCertificateConnectionIsStoredWithItsKeyAsASecretAndShownWithoutIt() throws Exception {
    VpnService service = cli.store.refresh().list(ObjectKind.VPN_SERVICE).get(0).value();
    assertThat(service.caCertificates()).hasSize(1);
    assertThat(run("vpn-service vpn0 show").out())
        .anySatisfy(l -> assertThat(l).contains("ca-certificates").contains("CN=Test CA"));

    CliFixture.Run added =
        run(
            CONN.formatted("by-cert")
                + "auth cert certificate file:"
                + cert("site.crt")
                + " private-key file:"
                + key("site.key"));
    assertThat(added.code()).as("stderr %s", added.err()).isZero();
    IpsecSiteConnection c = connection("by-cert");
    assertThat(c.auth()).isEqualTo(AuthMethod.CERT);
    assertThat(c.localCertificate().orElseThrow().subject()).startsWith("CN=site.example.org");
    byte[] stored = cli.store.readSecret(c.secret());
    assertThat(stored).isEqualTo(Files.readAllBytes(key("site.key")));
    assertThat(cli.dump().values())
        .as("the key is nowhere in the topology a client without the secrets credential reads")
        .noneMatch(v -> v.contains("EC PRIVATE KEY") || v.contains(lineOf(stored)));

    List<String> shown = run("ipsec-site-connection vpn0:by-cert show").out();
    String text = String.join("\n", shown);
    assertThat(text)
        .contains("auth cert")
        .contains("site.example.org")
        .contains("certificate-expires")
        .contains("private-key ****")
        .doesNotContain(lineOf(stored));

    // A key from standard input (one-shot mode: stdin is free), and a PKCS#8 key as well.
    CliFixture.Run rotated =
        run(
            Files.readAllBytes(key("site-pkcs8.key")),
            "ipsec-site-connection vpn0:by-cert set private-key stdin");
    assertThat(rotated.code()).as("stderr %s", rotated.err()).isZero();
    assertThat(cli.store.readSecret(c.secret()))
        .isEqualTo(Files.readAllBytes(key("site-pkcs8.key")));

    // Back to a PSK: the key goes, the PSK comes.
    Path psk = dir.resolve("psk");
    Files.writeString(psk, "switch-back-psk-1234\n");
    Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-------"));
    CliFixture.Run back = run("ipsec-site-connection vpn0:by-cert set auth psk psk file:" + psk);
    assertThat(back.code()).as("stderr %s", back.err()).isZero();
    IpsecSiteConnection byPsk = connection("by-cert");
    assertThat(byPsk.auth()).isEqualTo(AuthMethod.PSK);
    assertThat(cli.store.secretExists(c.secret())).as("the private key was deleted").isFalse();
    assertThat(
            new String(
                cli.store.readSecret(byPsk.secret()), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("switch-back-psk-1234");
  }

  private static String lineOf(byte[] pem) {
    return new String(pem, java.nio.charset.StandardCharsets.US_ASCII)
        .lines()
        .skip(1)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void badCertificatesAndKeysAreRefusedAtInputAndNothingIsWritten() throws Exception {
    String good = "auth cert certificate file:" + cert("site.crt") + " private-key file:";
    Map<String, String> refusals =
        Map.of(
            CONN.formatted("c1") + good + key("other.key"),
            "error: private-key: does not match the certificate 'CN=site.example.org,O=nsvpn"
                + " test,C=CH'",
            CONN.formatted("c2") + good + file("site.key", "rw-r--r--"),
            "is readable by others; chmod 600 it",
            CONN.formatted("c3") + good + dir.resolve("missing.key"),
            "error: private-key: cannot read file",
            CONN.formatted("c4")
                + "auth cert certificate file:"
                + dir.resolve("missing.crt")
                + " private-key file:"
                + key("site.key"),
            "error: certificate: cannot read file",
            CONN.formatted("c5")
                + "auth cert certificate file:"
                + key("site.key")
                + " private-key file:"
                + key("site.key"),
            "error: certificate: file",
            CONN.formatted("c6") + good + key("site-encrypted.key"),
            "error: private-key: the key is encrypted",
            CONN.formatted("c7") + "auth cert certificate file:" + cert("site.crt"),
            "error: private-key: give the certificate's private key with it",
            CONN.formatted("c8") + good + key("site.key") + " psk stdin",
            "error: psk: not used with auth cert",
            "vpn-service vpn0 set ca-certificates file:" + cert("site.crt"),
            "error: ca-certificates: invalid value 'CN=site.example.org,O=nsvpn test,C=CH': is"
                + " not a CA certificate",
            CONN.formatted("c9") + good + key("site.key") + " local-id elsewhere.example.org",
            "error: local-id: invalid value 'elsewhere.example.org': is neither the subject nor a"
                + " subject alternative name of the local certificate");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      Map<String, String> before = cli.tree();
      CliFixture.Run r = run(refusal.getKey());
      assertThat(r.code()).as("%s: %s", refusal.getKey(), r.err()).isEqualTo(NsvpnCli.REFUSED);
      assertThat(r.err()).as(refusal.getKey()).hasSize(1);
      assertThat(r.err().get(0)).as(refusal.getKey()).contains(refusal.getValue());
      assertThat(r.err().get(0).chars()).noneMatch(ch -> SafeText.isUnsafe((char) ch.intValue()));
      assertThat(r.err().get(0))
          .doesNotContain("BEGIN")
          .doesNotContain(lineOf(Files.readAllBytes(key("site.key"))));
      assertThat(cli.tree()).as("nothing written by %s", refusal.getKey()).isEqualTo(before);
    }
  }

  @Test
  void showStatusGivesTheCertificatesExpiryAndWarnsThirtyDaysAhead() throws Exception {
    CliFixture.Run added =
        run(
            CONN.formatted("soon")
                + "auth cert certificate file:"
                + cert("soon.crt")
                + " private-key file:"
                + key("soon.key"));
    assertThat(added.code()).as("stderr %s", added.err()).isZero();
    // The fixture's clock reads 2026-11-23T10:02Z; soon.crt ends 2026-12-10T00:00Z.
    List<String> status = run("vpn-service vpn0 show status").out();
    assertThat(status)
        .anySatisfy(
            l -> assertThat(l).contains("local-id (certificate subject)").endsWith(" auth cert"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("  certificate CN=soon.example.org")
                    .contains("issuer CN=Test CA")
                    .contains("expires 2026-12-10T00:00:00Z"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "  warning certificate-expiring: the local certificate expires in 16"
                            + " days"));
    CliFixture.Run asJson = cli.run("-o", "json", "-e", "vpn-service vpn0 show status");
    assertThat(String.join("\n", asJson.out()))
        .contains("\"certificate-warning\"")
        .contains("\"certificate-expiring\"")
        .contains("\"certificate-expires\":\"2026-12-10T00:00:00Z\"");
    assertThat(run("ipsec-site-connection vpn0:soon delete").code()).isZero();
  }

  @Test
  void aKeyOnTheCommandLineIsNeverQuoted() throws Exception {
    String pemLine = lineOf(Files.readAllBytes(key("site.key")));
    for (String command :
        List.of(
            CONN.formatted("k1") + "auth cert private-key " + pemLine,
            CONN.formatted("k2")
                + "auth cert private-key -----BEGIN EC PRIVATE KEY----- "
                + pemLine,
            "router add name r private-key=" + pemLine)) {
      Map<String, String> before = cli.tree();
      CliFixture.Run r = run(command);
      assertThat(r.code()).isEqualTo(NsvpnCli.REFUSED);
      assertThat(r.err()).containsExactly("error: " + Credentials.KEY_NEVER_ON_THE_COMMAND_LINE);
      assertThat(cli.tree()).isEqualTo(before);
    }
  }
}
