package org.nsvpn.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.vpn.NamespaceSpec;

/**
 * One charon's directory, {@code stateRoot/NAMESPACE}, mode 0700: its strongswan.conf (0600), pid
 * file, VICI and error-notify sockets (made 0700 once charon created them) and log. The name is the
 * validated namespace name, so it cannot leave the state root.
 */
final class InstanceDirectory {
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final long LOG_ROTATE_BYTES = 8L << 20;

  private final Path path;

  InstanceDirectory(Path stateRoot, String namespace) {
    this.path = stateRoot.resolve(NamespaceSpec.requireNamespaceName(namespace));
  }

  Path path() {
    return path;
  }

  Path viciSocket() {
    return path.resolve(CharonConf.VICI_SOCKET);
  }

  Path errorNotifySocket() {
    return path.resolve(CharonConf.ERROR_NOTIFY_SOCKET);
  }

  Path log() {
    return path.resolve(CharonConf.LOG);
  }

  Path pidFile() {
    return path.resolve(CharonConf.PID_FILE);
  }

  /** Creates the state root and the directory if missing and forces both to 0700. */
  void prepare() {
    try {
      Path root = path.getParent();
      Files.createDirectories(root);
      restrict(root);
      if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(path, PosixFilePermissions.asFileAttribute(DIRECTORY));
      }
      restrict(path);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing charon directory " + path, e);
    }
  }

  private static void restrict(Path directory) throws IOException {
    if (!Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS).equals(DIRECTORY)) {
      Files.setPosixFilePermissions(directory, DIRECTORY);
    }
  }

  /** Writes strongswan.conf (0600), replacing the previous one. */
  void writeConf(String content) {
    Path conf = path.resolve(CharonConf.CONF);
    Path temporary = path.resolve(CharonConf.CONF + ".new");
    try {
      Files.deleteIfExists(temporary);
      Files.createFile(temporary, PosixFilePermissions.asFileAttribute(FILE));
      Files.writeString(temporary, content, StandardCharsets.UTF_8);
      Files.move(
          temporary, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + conf, e);
    }
  }

  /** Deletes the directory and everything in it; nothing when it does not exist. */
  void delete() {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + path, e);
    }
  }

  /** The current strongswan.conf, or empty when there is none. */
  String readConf() {
    Path conf = path.resolve(CharonConf.CONF);
    try {
      return Files.exists(conf) ? Files.readString(conf, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + conf, e);
    }
  }

  /** Keeps one previous log when the current one grew large. */
  void rotateLog() {
    try {
      if (Files.exists(log()) && Files.size(log()) > LOG_ROTATE_BYTES) {
        Files.move(log(), path.resolve(CharonConf.LOG + ".1"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rotating " + log(), e);
    }
  }

  /** The pid charon recorded, if the file exists and holds a number. */
  Optional<Long> readPid() {
    try {
      String text = Files.readString(pidFile(), StandardCharsets.US_ASCII).trim();
      return text.matches("[0-9]{1,10}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + pidFile(), e);
    }
  }

  /** Removes what a dead charon leaves behind: pid file and sockets. */
  void removeRuntimeFiles() {
    for (Path file : List.of(pidFile(), viciSocket(), errorNotifySocket())) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException("removing " + file, e);
      }
    }
  }

  /** charon creates its sockets 0770; nsvpn allows only the owner. */
  void restrictSockets() {
    for (Path socket : List.of(viciSocket(), errorNotifySocket())) {
      try {
        Files.setPosixFilePermissions(socket, DIRECTORY);
      } catch (IOException e) {
        throw new UncheckedIOException("restricting " + socket, e);
      }
    }
  }

  /** The last {@code lines} lines of charon's log, for error messages. */
  String logTail(int lines) {
    try {
      if (!Files.exists(log())) {
        return "(no log)";
      }
      List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
