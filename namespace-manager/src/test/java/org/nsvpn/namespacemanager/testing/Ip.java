package org.nsvpn.namespacemanager.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent oracle: iproute2's {@code ip} (and other tools) run as processes. Test code only;
 * the product never starts them.
 */
public final class Ip {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Ip() {}

  /** Exit code and output of a finished process. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * {@code ping} from namespace {@code from} to {@code to}: three echo requests 0.2 s apart, 2 s
   * timeout each, with {@code options} after those (a later {@code -c} or {@code -W} wins).
   */
  public static Result ping(String from, String to, String... options) {
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of(
                "ip", "netns", "exec", from, "ping", "-c", "3", "-i", "0.2", "-W", "2"));
    command.addAll(java.util.List.of(options));
    command.add(to);
    return exec(command.toArray(String[]::new));
  }

  /** Runs a command; never throws for a non-zero exit. */
  public static Result exec(String... command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run "
              + command[0]
              + " (install it: scripts/install-deps installs iproute2 and iputils-ping)",
          e);
    }
    try {
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
      }
      return new Result(
          process.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + String.join(" ", command), e);
    }
  }

  /** Runs {@code ip ARGS}; fails the test on a non-zero exit. */
  public static String ip(String... args) {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    Result result = exec(command.toArray(String[]::new));
    if (!result.ok()) {
      throw new AssertionError(
          String.join(" ", command) + " failed (" + result.exitCode() + "): " + result.stderr());
    }
    return result.stdout();
  }

  /** Runs {@code ip -j ARGS} and parses the JSON. */
  public static JsonNode json(String... args) {
    List<String> full = new ArrayList<>();
    full.add("-j");
    full.addAll(List.of(args));
    String out = ip(full.toArray(String[]::new));
    try {
      return JSON.readTree(out.isBlank() ? "[]" : out);
    } catch (IOException e) {
      throw new AssertionError("ip " + String.join(" ", full) + " printed no JSON: " + out, e);
    }
  }

  /** {@code ip -j -n NAMESPACE ARGS}. */
  public static JsonNode jsonIn(String namespace, String... args) {
    List<String> full = new ArrayList<>(List.of("-n", namespace));
    full.addAll(List.of(args));
    return json(full.toArray(String[]::new));
  }

  /** Names of the iproute2 namespaces ({@code ip netns list}). */
  public static List<String> namespaces() {
    List<String> out = new ArrayList<>();
    for (String line : ip("netns", "list").split("\n")) {
      if (!line.isBlank()) {
        out.add(line.trim().split("\\s+")[0]);
      }
    }
    return out;
  }

  /** True when the host namespace has a link of this name. */
  public static boolean hostLinkExists(String name) {
    return exec("ip", "link", "show", "dev", name).ok();
  }
}
