package org.nsvpn.namespacemanager.rtnl;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.nsvpn.chainrules.model.HostBinding;

/**
 * The per-namespace network sysctls the VPN namespace needs, read and written through {@code
 * /proc/sys/net}. Linux resolves {@code /proc/sys/net} against the network namespace of the
 * <em>calling thread</em>, so these must run on a thread inside the target namespace (see {@code
 * NetworkNamespaces.run}); no process is started.
 */
public final class NetSysctls {
  private static final Path ROOT = Path.of("/proc/sys/net");

  private NetSysctls() {}

  /** {@code net.ipv4.ip_forward}. */
  public static Path ipForward() {
    return ROOT.resolve("ipv4").resolve("ip_forward");
  }

  /** {@code net.ipv6.conf.all.forwarding}: routes IPv6 between the namespace's interfaces. */
  public static Path ipv6Forwarding() {
    return ROOT.resolve("ipv6").resolve("conf").resolve("all").resolve("forwarding");
  }

  /**
   * {@code net.ipv4.conf.SCOPE.rp_filter}, where scope is {@code all}, {@code default} or an
   * interface name (validated, so the path cannot leave {@code /proc/sys/net}).
   */
  public static Path rpFilter(String scope) {
    HostBinding.requireInterfaceName("sysctl interface", scope);
    return ROOT.resolve("ipv4").resolve("conf").resolve(scope).resolve("rp_filter");
  }

  /** The current value, trimmed. (Plain streams: several times cheaper than NIO on procfs.) */
  public static String read(Path key) {
    try (FileInputStream in = new FileInputStream(key.toFile())) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("reading sysctl " + key, e);
    }
  }

  /** Writes {@code value} unless the key already holds it; returns true when it wrote. */
  public static boolean ensure(Path key, String value) {
    if (read(key).equals(value)) {
      return false;
    }
    try (FileOutputStream out = new FileOutputStream(key.toFile())) {
      out.write((value + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("writing sysctl " + key + " = " + value, e);
    }
    return true;
  }
}
