package org.nsvpn.namespacemanager.testing;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Unique names for namespaces and links, and their cleanup: after each test, and from a JVM
 * shutdown hook if the run is interrupted. Cleanup uses {@code ip} (not the code under test) and
 * only ever deletes what was registered here, because other runs share the machine.
 *
 * <p>Fails the test class when not root: the integration tests need to create namespaces.
 */
public final class KernelResources implements BeforeAllCallback, AfterEachCallback {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();
  private static final Set<String> HOST_LINKS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(KernelResources::cleanAll, "kernel-resources-cleanup"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new AssertionError(
          "integration tests create network namespaces and must run as root (sudo ./scripts/test)");
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    cleanAll();
  }

  /** A fresh name: {@code prefix} plus 8 hex digits. Keep prefixes short for interface names. */
  public static String unique(String prefix) {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }

  /** Registers a namespace for deletion; returns the name. */
  public String namespace(String name) {
    NAMESPACES.add(name);
    return name;
  }

  /** Registers a host-namespace link for deletion; returns the name. */
  public String hostLink(String name) {
    HOST_LINKS.add(name);
    return name;
  }

  private static void cleanAll() {
    for (String link : Set.copyOf(HOST_LINKS)) {
      if (Ip.hostLinkExists(link)) {
        Ip.exec("ip", "link", "del", "dev", link);
      }
      HOST_LINKS.remove(link);
    }
    for (String namespace : Set.copyOf(NAMESPACES)) {
      Ip.exec("ip", "netns", "del", namespace);
      NAMESPACES.remove(namespace);
    }
  }
}
