package org.nsvpn.benchmarks.namespacemanager;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.chainrules.vpn.StaticNeighbour;
import org.nsvpn.namespacemanager.EnsureResult;
import org.nsvpn.namespacemanager.NamespaceManager;

/**
 * Realises N seed-002 namespaces (create, configure, remove), one after the other, three ways in
 * one run: with the {@link NamespaceManager}, with one {@code ip} process per step, and with {@code
 * ip -batch}. Prints per-namespace median and spread and the ratios.
 *
 * <p>The baselines do the same work as the manager: namespace, veth pair with the peer inside, MAC,
 * links up (loopback too), two addresses, permanent neighbour, default route, the three sysctls,
 * and {@code ip netns del} at the end (the manager's remove also leaves the veth pair to the
 * kernel's namespace teardown). After each variant the first namespace it built is checked by an
 * (untimed) manager ensure, which must find nothing to change. Benchmark code: it starts processes,
 * the product does not.
 */
public final class NamespaceBench {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();
  private static final Set<String> LINKS = ConcurrentHashMap.newKeySet();
  private static final int WARMUP = 50;

  private NamespaceBench() {}

  /** Usage: {@code NamespaceBench [N]} (default 200). */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Runtime.getRuntime().addShutdownHook(new Thread(NamespaceBench::cleanUp, "bench-cleanup"));
    try (NamespaceManager manager = NamespaceManager.create()) {
      Variant managerVariant =
          new Variant(
              "manager (netlink)",
              spec -> {
                manager.ensure(spec);
                manager.remove(spec.name());
              });
      Variant perStep = new Variant("ip, one process per step", NamespaceBench::ipPerStep);
      Variant batch = new Variant("ip -batch", NamespaceBench::ipBatch);
      List<Result> results = new ArrayList<>();
      for (Variant variant : List.of(managerVariant, perStep, batch)) {
        results.add(run(variant, n, manager));
      }
      report(n, results);
    }
  }

  private interface Realise {
    void realise(NamespaceSpec spec) throws Exception;
  }

  private record Variant(String name, Realise realise) {}

  private record Result(String name, double[] millis) {
    double percentile(double p) {
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      int index = (int) Math.round(p / 100.0 * (sorted.length - 1));
      return sorted[index];
    }
  }

  private static Result run(Variant variant, int n, NamespaceManager checker) throws Exception {
    System.out.printf("%s: %d warm-up, %d measured...%n", variant.name(), WARMUP, n);
    for (int i = 0; i < WARMUP; i++) {
      variant.realise().realise(spec());
    }
    double[] millis = new double[n];
    for (int i = 0; i < n; i++) {
      NamespaceSpec spec = spec();
      if (i == 0) {
        realiseAndCheck(variant, spec, checker);
        millis[i] = Double.NaN;
        continue;
      }
      long start = System.nanoTime();
      variant.realise().realise(spec);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    awaitTeardown();
    double[] measured = Arrays.stream(millis).filter(m -> !Double.isNaN(m)).toArray();
    return new Result(variant.name(), measured);
  }

  /** Untimed: realise without the final delete, let the manager check, then delete. */
  private static void realiseAndCheck(Variant variant, NamespaceSpec spec, NamespaceManager checker)
      throws Exception {
    if (variant.name().startsWith("manager")) {
      checker.ensure(spec);
    } else if (variant.name().contains("batch")) {
      ipBatchCreate(spec);
    } else {
      ipPerStepCreate(spec);
    }
    EnsureResult check = checker.ensure(spec);
    System.out.printf(
        "  check of %s by the manager: %s%n",
        spec.name(), check.changed() ? "CHANGED " + check.changes() : "nothing to change");
    checker.remove(spec.name());
  }

  private static NamespaceSpec spec() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    String id = HexFormat.of().formatHex(bytes);
    NamespaceSpec spec =
        new NamespaceSpec(
            "nb-" + id,
            "b" + id + "ns",
            "b" + id + "dp",
            MacAddress.parse("ac:ca:ba:4a:61:c5"),
            List.of(
                InterfaceAddress.parse("169.254.1.2/30"),
                InterfaceAddress.parse("201.201.201.1/32")),
            Ipv4Address.parse("169.254.1.1"),
            List.of(
                new StaticNeighbour(
                    IpAddress.parse("169.254.1.1"), MacAddress.parse("ac:ca:ba:43:05:45"))));
    NAMESPACES.add(spec.name());
    LINKS.add(spec.hostInterfaceName());
    return spec;
  }

  // ---- baseline (a): one ip process per step

  private static void ipPerStep(NamespaceSpec spec) throws Exception {
    ipPerStepCreate(spec);
    exec(null, "ip", "netns", "del", spec.name());
  }

  private static void ipPerStepCreate(NamespaceSpec spec) throws Exception {
    String ns = spec.name();
    String in = spec.interfaceName();
    exec(null, "ip", "netns", "add", ns);
    exec(
        null,
        "ip",
        "link",
        "add",
        spec.hostInterfaceName(),
        "type",
        "veth",
        "peer",
        "name",
        in,
        "netns",
        ns);
    exec(null, "ip", "-n", ns, "link", "set", "dev", in, "address", spec.interfaceMac().toString());
    exec(null, "ip", "-n", ns, "link", "set", "dev", in, "up");
    exec(null, "ip", "link", "set", "dev", spec.hostInterfaceName(), "up");
    exec(null, "ip", "-n", ns, "link", "set", "dev", "lo", "up");
    exec(null, "ip", "-n", ns, "addr", "add", "169.254.1.2/30", "dev", in);
    exec(null, "ip", "-n", ns, "addr", "add", "201.201.201.1/32", "dev", in);
    exec(
        null,
        "ip",
        "-n",
        ns,
        "neigh",
        "add",
        "169.254.1.1",
        "lladdr",
        "ac:ca:ba:43:05:45",
        "dev",
        in,
        "nud",
        "permanent");
    exec(null, "ip", "-n", ns, "route", "add", "default", "via", "169.254.1.1", "dev", in);
    exec(
        null,
        "ip",
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        "net.ipv4.ip_forward=1",
        "net.ipv4.conf.all.rp_filter=0",
        "net.ipv4.conf.default.rp_filter=0",
        "net.ipv4.conf." + in + ".rp_filter=0");
  }

  // ---- baseline (b): ip -batch

  private static void ipBatch(NamespaceSpec spec) throws Exception {
    ipBatchCreate(spec);
    exec(null, "ip", "netns", "del", spec.name());
  }

  private static void ipBatchCreate(NamespaceSpec spec) throws Exception {
    String ns = spec.name();
    String in = spec.interfaceName();
    exec(
        String.join(
            "\n",
            "netns add " + ns,
            "link add " + spec.hostInterfaceName() + " type veth peer name " + in + " netns " + ns,
            "link set dev " + spec.hostInterfaceName() + " up",
            ""),
        "ip",
        "-batch",
        "-");
    exec(
        String.join(
            "\n",
            "link set dev " + in + " address " + spec.interfaceMac(),
            "link set dev " + in + " up",
            "link set dev lo up",
            "addr add 169.254.1.2/30 dev " + in,
            "addr add 201.201.201.1/32 dev " + in,
            "neigh add 169.254.1.1 lladdr ac:ca:ba:43:05:45 dev " + in + " nud permanent",
            "route add default via 169.254.1.1 dev " + in,
            ""),
        "ip",
        "-n",
        ns,
        "-batch",
        "-");
    exec(
        null,
        "ip",
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        "net.ipv4.ip_forward=1",
        "net.ipv4.conf.all.rp_filter=0",
        "net.ipv4.conf.default.rp_filter=0",
        "net.ipv4.conf." + in + ".rp_filter=0");
  }

  private static void exec(String stdin, String... command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + err);
    }
  }

  // ---- cleanup and report

  /**
   * Waits until the kernel has torn down every veth of the variant, so it does not slow the next.
   */
  private static void awaitTeardown() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String links = output("ip", "-br", "link");
      if (LINKS.stream().noneMatch(links::contains)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    System.out.println("  warning: some veths still being torn down after 120 s");
  }

  private static String output(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out;
  }

  private static void cleanUp() {
    try {
      String namespaces = output("ip", "netns", "list");
      for (String name : NAMESPACES) {
        if (namespaces.contains(name)) {
          output("ip", "netns", "del", name);
        }
      }
      String links = output("ip", "-br", "link");
      for (String link : LINKS) {
        if (links.contains(link)) {
          output("ip", "link", "del", link);
        }
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("cleanup failed: " + e);
    }
  }

  private static void report(int n, List<Result> results) {
    System.out.println();
    System.out.printf(
        Locale.ROOT, "N = %d namespaces per variant (create + configure + remove each)%n", n);
    System.out.printf(
        Locale.ROOT,
        "%-28s %10s %10s %10s %10s %10s%n",
        "variant",
        "median ms",
        "p10 ms",
        "p90 ms",
        "min ms",
        "max ms");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "%-28s %10.2f %10.2f %10.2f %10.2f %10.2f%n",
          r.name(),
          r.percentile(50),
          r.percentile(10),
          r.percentile(90),
          r.percentile(0),
          r.percentile(100));
    }
    double manager = results.get(0).percentile(50);
    System.out.printf(
        Locale.ROOT,
        "speed-up of the manager (median): %.1fx over one ip per step, %.1fx over ip -batch%n",
        results.get(1).percentile(50) / manager,
        results.get(2).percentile(50) / manager);
  }
}
