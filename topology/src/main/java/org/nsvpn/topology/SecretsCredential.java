package org.nsvpn.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * The ZooKeeper digest identity that alone may read and write PSKs. Secret nodes carry an ACL
 * granting this identity, and nobody else, every permission; clients authenticate with {@link
 * #authInfo()}. Kept in a file of one line {@code user:password}, readable by its owner only.
 *
 * <p>Digest authentication sends the password in clear to the ZooKeeper server: use it on loopback
 * or a management network, as the embedded single-machine server does.
 */
public record SecretsCredential(String user, String password) {
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9_.~+/=-]{16,256}");
  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  public SecretsCredential {
    if (user == null || !USER.matcher(user).matches()) {
      throw new InvalidValueException(
          "secrets user", String.valueOf(user), "1-64 of [A-Za-z0-9_.-]");
    }
    if (password == null || !PASSWORD.matcher(password).matches()) {
      throw new InvalidValueException(
          "secrets password", "(hidden)", "must be 16-256 characters of [A-Za-z0-9_.~+/=-]");
    }
  }

  /** A fresh credential with a random 256-bit password. */
  public static SecretsCredential generate() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return new SecretsCredential(
        "nsvpn", Base64.getUrlEncoder().withoutPadding().encodeToString(random));
  }

  /**
   * Reads a credential file.
   *
   * @throws StoreException when it is missing, malformed, or readable by group or others
   */
  public static SecretsCredential load(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(GROUP_OR_OTHER::contains)) {
        throw new StoreException(
            "secrets credential "
                + file
                + " is accessible to group or others ("
                + PosixFilePermissions.toString(perms)
                + "); run: chmod 600 "
                + file);
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      String line = lines.isEmpty() ? "" : lines.get(0).strip();
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new StoreException(
            "secrets credential " + file + ": expected one line user:password");
      }
      return new SecretsCredential(line.substring(0, colon), line.substring(colon + 1));
    } catch (IOException e) {
      throw new StoreException("cannot read secrets credential " + file + ": " + e, e);
    } catch (InvalidValueException e) {
      throw new StoreException("secrets credential " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the credential file, first creating it (mode 0600, a fresh credential) when absent. Two
   * processes racing to create it end up with the same credential.
   */
  public static SecretsCredential loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      SecretsCredential fresh = generate();
      try {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp =
            Files.createTempFile(
                dir,
                ".secrets",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
          Files.writeString(tmp, fresh.user + ":" + fresh.password + "\n", StandardCharsets.UTF_8);
          Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException raced) {
          // Another process created it first; use theirs.
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException e) {
        throw new StoreException("cannot create secrets credential " + file + ": " + e, e);
      }
    }
    return load(file);
  }

  /** The bytes to pass to Curator's {@code authorization("digest", ...)}. */
  public byte[] authInfo() {
    return (user + ":" + password).getBytes(StandardCharsets.UTF_8);
  }

  /** The ACL of a secret node: every permission for this identity, nothing for anyone else. */
  public List<ACL> acl() {
    try {
      String digest = DigestAuthenticationProvider.generateDigest(user + ":" + password);
      return List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-1, which ZooKeeper digests need", e);
    }
  }

  @Override
  public String toString() {
    return "SecretsCredential[" + user + ":****]";
  }
}
