package org.nsvpn.strongswan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What {@code /proc} says about processes: which binary a pid runs and which network namespace it
 * is in. This is how a running charon is recognised as the one to adopt (and a reused pid is not).
 */
final class CharonProcesses {
  private static final Path PROC = Path.of("/proc");

  private CharonProcesses() {}

  /** The inode of a namespace file ({@code /run/netns/NAME} or {@code /proc/PID/ns/net}). */
  static OptionalLong namespaceInode(Path file) {
    try {
      Object inode = Files.getAttribute(file, "unix:ino");
      return OptionalLong.of(((Number) inode).longValue());
    } catch (IOException | UnsupportedOperationException e) {
      return OptionalLong.empty();
    }
  }

  /** The network namespace inode of {@code pid}, empty when it is gone. */
  static OptionalLong networkNamespaceOf(long pid) {
    return namespaceInode(PROC.resolve(Long.toString(pid)).resolve("ns/net"));
  }

  /** True when {@code pid} runs {@code binary} (also after the binary was replaced on disk). */
  static boolean runs(long pid, Path binary) {
    try {
      String exe =
          Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("exe")).toString();
      String expected = binary.toRealPath().toString();
      return exe.equals(expected) || exe.equals(expected + " (deleted)");
    } catch (IOException e) {
      return false;
    }
  }

  /** True when {@code pid} runs {@code binary} inside the namespace with inode {@code netns}. */
  static boolean isCharonIn(long pid, Path binary, long netns) {
    OptionalLong inode = networkNamespaceOf(pid);
    return inode.isPresent() && inode.getAsLong() == netns && runs(pid, binary);
  }

  /** Every process running {@code binary} inside the namespace with inode {@code netns}. */
  static List<Long> charonsIn(Path binary, long netns) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (isCharonIn(pid, binary, netns)) {
          out.add(pid);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("listing /proc", e);
    }
    return out;
  }
}
