package org.nsvpn.agentplugin.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump on a Linux bridge in a namespace, writing every frame to a pcap file, and the reading of
 * that file afterwards. tcpdump is the independent witness of what crossed the segment.
 */
final class Capture implements AutoCloseable {
  private final Path file;
  private final Process process;

  private Capture(Path file, Process process) {
    this.file = file;
    this.process = process;
  }

  /** Starts capturing on {@code device} of {@code namespace}; returns once tcpdump listens. */
  static Capture start(String namespace, String device, Path file) {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  namespace,
                  "tcpdump",
                  "-i",
                  device,
                  "-n",
                  // Without it libpcap hands packets over in blocks of the TPACKET_V3 ring, a
                  // block once full or after a second; whatever a block holds when tcpdump is
                  // stopped is lost (a short capture was found empty).
                  "--immediate-mode",
                  "-U",
                  "-s",
                  "0",
                  "-w",
                  file.toString())
              .redirectErrorStream(true)
              .redirectOutput(file.resolveSibling(file.getFileName() + ".log").toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError("cannot run tcpdump (scripts/install-deps installs it)", e);
    }
    Path log = file.resolveSibling(file.getFileName() + ".log");
    await("tcpdump listening")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError("tcpdump exited: " + Files.readString(log));
              }
              return Files.exists(log) && Files.readString(log).contains("listening on");
            });
    return new Capture(file, p);
  }

  /** The capture file. */
  Path file() {
    return file;
  }

  /** Stops tcpdump (SIGTERM, it flushes) and returns every captured frame. */
  List<byte[]> stop() {
    close();
    return frames(file);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The frames of a classic pcap file (either byte order). */
  static List<byte[]> frames(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      b.order(ByteOrder.BIG_ENDIAN);
    }
    List<byte[]> frames = new ArrayList<>();
    int at = 24;
    while (at + 16 <= bytes.length) {
      int captured = b.getInt(at + 8);
      if (at + 16 + captured > bytes.length) {
        break;
      }
      byte[] frame = new byte[captured];
      System.arraycopy(bytes, at + 16, frame, 0, captured);
      frames.add(frame);
      at += 16 + captured;
    }
    return frames;
  }
}
