package org.nsvpn.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates and keys made with strongSwan's {@code pki} tool in a private temporary directory
 * (0700, keys 0600), PEM throughout. ECDSA P-256 keys keep it fast. {@link #close()} deletes the
 * directory.
 */
public final class Pki implements AutoCloseable {
  public static final Path PKI = Path.of("/usr/bin/pki");

  private final Path directory;

  private Pki(Path directory) {
    this.directory = directory;
  }

  /** A fresh directory; fails with install instructions when {@code pki} is missing. */
  public static Pki create() {
    if (!Files.isExecutable(PKI)) {
      throw new AssertionError(
          PKI + " is missing: install strongswan-pki (scripts/install-deps installs it)");
    }
    try {
      return new Pki(
          Files.createTempDirectory(
              "nsvpn-pki-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** A new private key {@code NAME.key}. */
  public Path key(String name) {
    Path key = directory.resolve(name + ".key");
    run(key, "--gen", "--type", "ecdsa", "--size", "256", "--outform", "pem");
    return key;
  }

  /** A self-signed CA certificate {@code NAME.crt} with its key {@code NAME.key}. */
  public Path ca(String name, String dn) {
    Path key = key(name);
    Path cert = directory.resolve(name + ".crt");
    run(
        cert,
        "--self",
        "--ca",
        "--lifetime",
        "3650",
        "--in",
        key.toString(),
        "--type",
        "ecdsa",
        "--dn",
        dn,
        "--outform",
        "pem");
    return cert;
  }

  /**
   * An end-entity certificate {@code NAME.crt} for key {@code NAME.key} (made here), issued by CA
   * {@code ca} (its key beside it), with {@code san} as subject alternative name and the given
   * validity ({@code notBefore}/{@code notAfter} as {@code dd.mm.yy HH:MM:SS}, or null for 365 days
   * from now).
   */
  public Path issue(
      String name, Path ca, String dn, String san, String notBefore, String notAfter) {
    Path key = key(name);
    Path cert = directory.resolve(name + ".crt");
    Path caKey = ca.resolveSibling(ca.getFileName().toString().replace(".crt", ".key"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--issue",
                "--in",
                key.toString(),
                "--type",
                "priv",
                "--cacert",
                ca.toString(),
                "--cakey",
                caKey.toString(),
                "--dn",
                dn,
                "--san",
                san,
                "--outform",
                "pem"));
    if (notBefore != null) {
      args.addAll(List.of("--not-before", notBefore, "--not-after", notAfter));
    } else {
      args.addAll(List.of("--lifetime", "365"));
    }
    run(cert, args.toArray(String[]::new));
    return cert;
  }

  /**
   * A CRL {@code NAME.crl} (PEM) signed by CA {@code ca} (its key beside it) that revokes {@code
   * revoked} for key compromise; next update in 15 days.
   */
  public Path crl(String name, Path ca, Path revoked) {
    Path crl = directory.resolve(name + ".crl");
    run(
        crl,
        "--signcrl",
        "--cacert",
        ca.toString(),
        "--cakey",
        keyOf(ca).toString(),
        "--reason",
        "key-compromise",
        "--cert",
        revoked.toString(),
        "--outform",
        "pem");
    return crl;
  }

  /** The key file beside certificate {@code cert}. */
  public static Path keyOf(Path cert) {
    return cert.resolveSibling(cert.getFileName().toString().replace(".crt", ".key"));
  }

  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void run(Path output, String... args) {
    List<String> command = new ArrayList<>(List.of(PKI.toString()));
    command.addAll(List.of(args));
    try {
      Files.deleteIfExists(output);
      Files.createFile(
          output,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Path errors = directory.resolve("pki.err");
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(output.toFile())
              .redirectError(errors.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("pki did not finish: " + command);
      }
      if (process.exitValue() != 0 || Files.size(output) == 0) {
        throw new AssertionError("pki failed: " + command + ": " + Files.readString(errors));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
