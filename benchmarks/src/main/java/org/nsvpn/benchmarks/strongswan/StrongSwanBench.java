package org.nsvpn.benchmarks.strongswan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.status.ConnectionState;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.strongswan.Backend;
import org.nsvpn.strongswan.CharonInstance;
import org.nsvpn.strongswan.ConnectionSpec;
import org.nsvpn.strongswan.PresharedKeys;
import org.nsvpn.strongswan.StatusListener;
import org.nsvpn.strongswan.StrongSwan;
import org.nsvpn.strongswan.StrongSwanConfig;
import org.nsvpn.strongswan.vici.ViciSection;

/**
 * End-to-end strongSwan numbers, against a stock charon peer (started with shell tools, configured
 * by swanctl.conf, as in the integration tests):
 *
 * <ol>
 *   <li>"ensure connection" on a fresh namespace: from {@code startOrAdopt} on a namespace that has
 *       no charon yet, through {@code apply} of one connection, to its child SA installed (the
 *       status listener reporting UP); {@code runs} times, each in a new namespace;
 *   <li>list-sas with 50 connections loaded and up: the raw VICI command, and {@code refresh()}
 *       (list-sas, parsing, status computation);
 *   <li>charon's resident memory (VmRSS) with nsvpn's settings, idle and with 50 SAs, and idle with
 *       charon's default of 16 worker threads.
 * </ol>
 *
 * <p>Benchmark code: it runs {@code ip} and {@code swanctl}; the product does not.
 */
public final class StrongSwanBench {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();
  private static final Set<Long> PIDS = ConcurrentHashMap.newKeySet();
  private static final String CHARON = "/usr/lib/ipsec/charon";
  private static final String A = "192.0.2.1";
  private static final String B = "192.0.2.2";
  private static final int MANY = 50;
  private static final VpnService SERVICE =
      new VpnService(VpnServiceId.random(), "bench", RouterId.random(), IpAddress.parse(A), true);
  private static final PresharedKeys KEYS =
      ref -> ("bench-secret-" + ref.name()).getBytes(StandardCharsets.UTF_8);

  private StrongSwanBench() {}

  /** Usage: {@code StrongSwanBench [runs]} (default 20). */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Runtime.getRuntime().addShutdownHook(new Thread(StrongSwanBench::cleanUp, "bench-cleanup"));
    Path root = Files.createTempDirectory("nsvpn-bench-");
    try {
      StrongSwanConfig config = StrongSwanConfig.defaults().withStateRoot(root.resolve("a"));
      try (StrongSwan service = StrongSwan.create(config)) {
        Backend backend = service.backend().get(30, TimeUnit.SECONDS);
        String peerNs = namespace("bnb-");
        ip("netns", "add", peerNs);
        ip("-n", peerNs, "link", "set", "lo", "up");
        protectedSubnets(peerNs, 2);
        Path peerDir = root.resolve("peer");
        long peerPid = startPeer(peerNs, peerDir, backend);
        swanctl(peerDir, "--load-all", "--file", writePeerConfig(peerDir, backend).toString());
        System.out.printf(
            Locale.ROOT,
            "backend %s, charon threads %d, peer pid %d%n",
            backend.text(),
            config.workerThreads(),
            peerPid);

        double[] ensure = new double[runs];
        for (int i = -2; i < runs; i++) {
          double ms = ensureOnce(service, peerNs, i + 3);
          if (i >= 0) {
            ensure[i] = ms;
          }
        }
        print("ensure connection on a fresh namespace -> child SA installed (ms)", ensure);

        System.out.printf(
            Locale.ROOT,
            "peer charon VmRSS (16 threads, stock plugin list of the tests): %s%n",
            rss(peerPid));
        manyConnections(service, peerNs);
        idleDefaultThreads(root, peerNs);
      }
    } finally {
      cleanUp();
      deleteTree(root);
    }
  }

  /** A namespace A joined to the peer by a new veth pair (index picks the peer end's name). */
  private static String sideA(String peerNs, int index) {
    String ns = namespace("bna-");
    ip("netns", "add", ns);
    String peerEnd = "r" + index;
    ip("link", "add", "wan", "netns", ns, "type", "veth", "peer", "name", peerEnd, "netns", peerNs);
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "addr", "add", A + "/24", "dev", "wan");
    ip("-n", ns, "link", "set", "wan", "up");
    ip("-n", peerNs, "addr", "add", B + "/24", "dev", peerEnd);
    ip("-n", peerNs, "link", "set", peerEnd, "up");
    protectedSubnets(ns, 1);
    return ns;
  }

  /**
   * Addresses in the protected subnets (10.SITE.N.1/24) on an interface of their own: with
   * kernel-libipsec charon installs a policy only when the namespace has an address in its local
   * traffic selector (it routes through its TUN device from that source).
   */
  private static void protectedSubnets(String ns, int site) {
    ip("-n", ns, "link", "add", "lan", "type", "veth", "peer", "name", "lan-end");
    for (int n = 1; n <= MANY; n++) {
      ip("-n", ns, "addr", "add", "10." + site + "." + n + ".1/24", "dev", "lan");
    }
    ip("-n", ns, "link", "set", "lan", "up");
    ip("-n", ns, "link", "set", "lan-end", "up");
  }

  private static void removeSideA(String ns) {
    ip("netns", "del", ns);
    NAMESPACES.remove(ns);
  }

  private static double ensureOnce(StrongSwan service, String peerNs, int index) throws Exception {
    String ns = sideA(peerNs, index);
    IpsecSiteConnection site = connection(1);
    CompletableFuture<ConnectionStatus> up = new CompletableFuture<>();
    long start = System.nanoTime();
    CharonInstance charon = service.startOrAdopt(ns).get(30, TimeUnit.SECONDS);
    PIDS.add(charon.pid());
    charon.addListener(listener(site.id(), up));
    charon.apply(List.of(ConnectionSpec.of(SERVICE, site)), KEYS).get(30, TimeUnit.SECONDS);
    try {
      up.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "no child SA within 30 s; status "
              + charon.status().get(site.id())
              + "\ncharon log:\n"
              + Files.readString(charon.directory().resolve("charon.log")),
          e);
    }
    double ms = (System.nanoTime() - start) / 1e6;
    charon.stop().get(30, TimeUnit.SECONDS);
    removeSideA(ns);
    return ms;
  }

  private static StatusListener listener(
      IpsecSiteConnectionId id, CompletableFuture<ConnectionStatus> up) {
    return status -> {
      if (status.connection().equals(id) && status.state() == ConnectionState.UP) {
        up.complete(status);
      }
    };
  }

  private static void manyConnections(StrongSwan service, String peerNs) throws Exception {
    String ns = sideA(peerNs, 900);
    CharonInstance charon = service.startOrAdopt(ns).get(30, TimeUnit.SECONDS);
    PIDS.add(charon.pid());
    System.out.printf(Locale.ROOT, "charon VmRSS idle (nsvpn settings): %s%n", rss(charon.pid()));
    List<IpsecSiteConnection> sites = new ArrayList<>();
    for (int n = 1; n <= MANY; n++) {
      sites.add(connection(n));
    }
    long start = System.nanoTime();
    charon
        .apply(sites.stream().map(c -> ConnectionSpec.of(SERVICE, c)).toList(), KEYS)
        .get(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      Map<IpsecSiteConnectionId, ConnectionStatus> status =
          charon.refresh().get(30, TimeUnit.SECONDS);
      long up = status.values().stream().filter(s -> s.state() == ConnectionState.UP).count();
      if (up == MANY) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + up + " of " + MANY + " connections came up");
      }
      Thread.sleep(100);
    }
    System.out.printf(
        Locale.ROOT,
        "apply %d connections -> all child SAs installed: %.1f ms%n",
        MANY,
        (System.nanoTime() - start) / 1e6);
    int iterations = 50;
    double[] raw = new double[iterations];
    double[] refresh = new double[iterations];
    for (int i = -5; i < iterations; i++) {
      long t0 = System.nanoTime();
      int events =
          charon
              .vici()
              .streamedRequest("list-sas", ViciSection.empty(), "list-sa")
              .get(30, TimeUnit.SECONDS)
              .events()
              .size();
      long t1 = System.nanoTime();
      charon.refresh().get(30, TimeUnit.SECONDS);
      long t2 = System.nanoTime();
      if (events != MANY) {
        throw new IllegalStateException("list-sas streamed " + events + " IKE SAs");
      }
      if (i >= 0) {
        raw[i] = (t1 - t0) / 1e6;
        refresh[i] = (t2 - t1) / 1e6;
      }
    }
    print("list-sas over VICI, " + MANY + " IKE SAs with one child each (ms)", raw);
    print("refresh(): list-sas + parse + statuses, " + MANY + " connections (ms)", refresh);
    System.out.printf(Locale.ROOT, "charon VmRSS with %d SAs: %s%n", MANY, rss(charon.pid()));
    charon.stop().get(30, TimeUnit.SECONDS);
    removeSideA(ns);
  }

  private static void idleDefaultThreads(Path root, String peerNs) throws Exception {
    StrongSwanConfig config =
        StrongSwanConfig.defaults().withStateRoot(root.resolve("a16")).withWorkerThreads(16);
    try (StrongSwan service = StrongSwan.create(config)) {
      String ns = sideA(peerNs, 901);
      CharonInstance charon = service.startOrAdopt(ns).get(30, TimeUnit.SECONDS);
      PIDS.add(charon.pid());
      System.out.printf(Locale.ROOT, "charon VmRSS idle with 16 threads: %s%n", rss(charon.pid()));
      charon.stop().get(30, TimeUnit.SECONDS);
      removeSideA(ns);
    }
  }

  private static IpsecSiteConnection connection(int n) {
    return IpsecSiteConnection.builder()
        .id(IpsecSiteConnectionId.random())
        .vpnService(SERVICE.id())
        .name("site-" + n)
        .peerAddress(IpAddress.parse(B))
        .peerId("b" + n + ".example.org")
        .localId(Optional.of("a" + n + ".example.org"))
        .localCidrs(IpSubnet.parse("10.1." + n + ".0/24"))
        .peerCidrs(IpSubnet.parse("10.2." + n + ".0/24"))
        .psk(new SecretRef("psk-" + n))
        .build();
  }

  private static Path writePeerConfig(Path dir, Backend backend) throws IOException {
    StringBuilder conf = new StringBuilder("connections {\n");
    for (int n = 1; n <= MANY; n++) {
      conf.append(
          """
            site%1$d {
              local_addrs = %2$s
              remote_addrs = %3$s
              encap = %4$s
              proposals = aes256-sha256-modp2048
              local {
                auth = psk
                id = b%1$d.example.org
              }
              remote {
                auth = psk
                id = a%1$d.example.org
              }
              children {
                site%1$d {
                  local_ts = 10.2.%1$d.0/24
                  remote_ts = 10.1.%1$d.0/24
                  esp_proposals = aes256-sha256-modp2048
                }
              }
            }
          """
              .formatted(n, B, A, backend == Backend.KERNEL_LIBIPSEC ? "yes" : "no"));
    }
    conf.append("}\nsecrets {\n");
    for (int n = 1; n <= MANY; n++) {
      conf.append(
          """
            ike-%1$d {
              id-a = a%1$d.example.org
              id-b = b%1$d.example.org
              secret = "bench-secret-psk-%1$d"
            }
          """
              .formatted(n));
    }
    conf.append("}\n");
    Path file = dir.resolve("swanctl.conf");
    Files.writeString(file, conf);
    return file;
  }

  private static long startPeer(String ns, Path dir, Backend backend) throws Exception {
    Files.createDirectories(dir);
    String kernel =
        backend == Backend.KERNEL_LIBIPSEC ? "kernel-libipsec kernel-netlink" : "kernel-netlink";
    Files.writeString(
        dir.resolve("strongswan.conf"),
        """
        charon {
          load_modular = no
          load = random nonce openssl aes sha1 sha2 hmac gcm kdf %s socket-default vici
          plugins {
            vici {
              socket = unix:///run/charon.vici
            }
          }
        }
        swanctl {
          load = random nonce openssl pem pkcs1 x509
        }
        """
            .formatted(kernel));
    ProcessBuilder builder =
        new ProcessBuilder(
            "ip",
            "netns",
            "exec",
            ns,
            "unshare",
            "--mount",
            "--propagation",
            "slave",
            "sh",
            "-c",
            "mount --bind \"$0\" /run && exec " + CHARON,
            dir.toString());
    builder.environment().put("STRONGSWAN_CONF", "/run/strongswan.conf");
    builder.redirectErrorStream(true);
    builder.redirectOutput(dir.resolve("console.log").toFile());
    Process peer = builder.start();
    PIDS.add(peer.pid());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!swanctlOk(dir, "--stats")) {
      if (!peer.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("peer charon did not start");
      }
      Thread.sleep(20);
    }
    return peer.pid();
  }

  private static boolean swanctlOk(Path dir, String... args) throws Exception {
    return exec(swanctlCommand(dir, args)) == 0;
  }

  private static void swanctl(Path dir, String... args) throws Exception {
    if (exec(swanctlCommand(dir, args)) != 0) {
      throw new IllegalStateException("swanctl " + String.join(" ", args) + " failed");
    }
  }

  private static String[] swanctlCommand(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("swanctl", args[0]));
    command.addAll(List.of("--uri", "unix://" + dir.resolve("charon.vici")));
    command.addAll(List.of(args).subList(1, args.length));
    return command.toArray(String[]::new);
  }

  private static String rss(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("VmRSS:"))
        .map(l -> l.substring(6).trim())
        .findFirst()
        .orElse("?");
  }

  private static void print(String what, double[] millis) {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%s: n=%d median %.1f p10 %.1f p90 %.1f min %.1f max %.1f%n",
        what,
        sorted.length,
        percentile(sorted, 50),
        percentile(sorted, 10),
        percentile(sorted, 90),
        sorted[0],
        sorted[sorted.length - 1]);
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[(int) Math.round(p / 100.0 * (sorted.length - 1))];
  }

  private static String namespace(String prefix) {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    String name = prefix + HexFormat.of().formatHex(bytes);
    NAMESPACES.add(name);
    return name;
  }

  private static void ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    try {
      if (exec(command.toArray(String[]::new)) != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed");
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(String.join(" ", command), e);
    }
  }

  private static int exec(String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /** Stops what the run started, by pid (only if still charon), and deletes its namespaces. */
  private static synchronized void cleanUp() {
    for (long pid : Set.copyOf(PIDS)) {
      ProcessHandle.of(pid)
          .filter(StrongSwanBench::isCharon)
          .ifPresent(
              p -> {
                p.destroy();
                try {
                  p.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                  p.destroyForcibly();
                }
              });
      PIDS.remove(pid);
    }
    for (String ns : Set.copyOf(NAMESPACES)) {
      try {
        exec("ip", "netns", "del", ns);
      } catch (IOException | InterruptedException e) {
        System.err.println("could not delete namespace " + ns + ": " + e);
      }
      NAMESPACES.remove(ns);
    }
  }

  private static boolean isCharon(ProcessHandle process) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + process.pid() + "/exe"))
          .toString()
          .startsWith(CHARON);
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
