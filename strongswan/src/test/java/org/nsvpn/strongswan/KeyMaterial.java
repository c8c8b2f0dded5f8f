package org.nsvpn.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks for a secret where it must not be: in files, and in every process's argv and environment. A
 * PEM key is looked for as each of its base64 lines and as the DER they encode; a PSK as itself.
 */
public final class KeyMaterial {
  private final List<byte[]> needles;

  private KeyMaterial(List<byte[]> needles) {
    this.needles = List.copyOf(needles);
  }

  /** The material of a PEM private key. */
  public static KeyMaterial ofPem(byte[] pem) {
    List<byte[]> out = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (String line : new String(pem, StandardCharsets.US_ASCII).split("\n")) {
      if (!line.startsWith("-----") && !line.isBlank()) {
        out.add(line.strip().getBytes(StandardCharsets.US_ASCII));
        body.append(line.strip());
      }
    }
    out.add(Base64.getDecoder().decode(body.toString()));
    return new KeyMaterial(out);
  }

  /** A secret looked for byte for byte. */
  public static KeyMaterial of(byte[] secret) {
    return new KeyMaterial(List.of(secret.clone()));
  }

  /** Whether {@code content} holds any of the material. */
  public boolean in(byte[] content) {
    return needles.stream().anyMatch(n -> contains(content, n));
  }

  /** The regular files under {@code root} that hold any of the material. */
  public List<Path> filesUnder(Path root) {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (in(Files.readAllBytes(file))) {
          out.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The {@code /proc/PID/cmdline} and {@code environ} files, of any process, that hold it. */
  public List<Path> inProcesses() {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        for (String file : List.of("cmdline", "environ")) {
          try {
            if (in(Files.readAllBytes(proc.resolve(file)))) {
              out.add(proc.resolve(file));
            }
          } catch (IOException gone) {
            // The process ended while the list was read.
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
