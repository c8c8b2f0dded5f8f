package org.nsvpn.benchmarks.chainrules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteTable;
import org.nsvpn.chainrules.routing.RouteType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route lookup in the indexed {@link RouteTable} against a linear scan over the same routes, in the
 * same run. The scan is the strongest simple one: routes pre-sorted by {@link Route#PREFERENCE}, so
 * the first match is the answer and it stops there.
 *
 * <p>Routes: random IPv4 destinations with prefix lengths 8..32 (weighted towards /24), one in
 * eight also restricted to a random source /16, like VPN routes. Probes: destinations drawn half
 * from inside random routes and half uniformly, so both hits at many depths and misses occur.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RouteLookupBenchmark {

  @Param({"10000", "100000"})
  public int routes;

  private static final int PROBES = 4096;

  private RouteTable table;
  private Route[] sorted;
  private IpAddress[] sources;
  private IpAddress[] destinations;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(20261123);
    RouterId router = new RouterId(new UUID(7, 7));
    PortId port = new PortId(new UUID(8, 8));
    List<Route> list = new ArrayList<>(routes);
    for (int i = 0; i < routes; i++) {
      int length = random.nextInt(4) == 0 ? 8 + random.nextInt(25) : 24;
      IpSubnet dst = IpSubnet.containing(new Ipv4Address(random.nextInt()), length);
      IpSubnet src =
          random.nextInt(8) == 0
              ? IpSubnet.containing(new Ipv4Address(random.nextInt()), 16)
              : Route.anySource(dst);
      list.add(
          new Route(
              // Not UUID(i, i): UUID.hashCode xors the halves, so that would hash every id to 0.
              new RouteId(new UUID(0x5eed, i)),
              router,
              src,
              dst,
              RouteType.NORMAL,
              Optional.of(port),
              Optional.empty(),
              random.nextInt(200)));
    }
    table = RouteTable.of(list);
    list.sort(Route.PREFERENCE);
    sorted = list.toArray(new Route[0]);
    sources = new IpAddress[PROBES];
    destinations = new IpAddress[PROBES];
    for (int i = 0; i < PROBES; i++) {
      Route target = sorted[random.nextInt(sorted.length)];
      boolean hit = random.nextBoolean();
      Ipv4Address dstBase = (Ipv4Address) target.destination().address();
      int hostBits = 32 - target.destination().prefixLength();
      int offset = hostBits == 0 ? 0 : random.nextInt() & (int) ((1L << hostBits) - 1);
      destinations[i] = hit ? dstBase.plus(offset) : new Ipv4Address(random.nextInt());
      Ipv4Address srcBase = (Ipv4Address) target.source().address();
      sources[i] =
          hit && target.source().prefixLength() > 0
              ? srcBase.plus(random.nextInt(65536))
              : new Ipv4Address(random.nextInt());
    }
  }

  @Benchmark
  public Optional<Route> indexed() {
    int i = next++ & (PROBES - 1);
    return table.lookup(sources[i], destinations[i]);
  }

  @Benchmark
  public Route linearScan() {
    int i = next++ & (PROBES - 1);
    IpAddress src = sources[i];
    IpAddress dst = destinations[i];
    for (Route r : sorted) {
      if (r.matches(src, dst)) {
        return r;
      }
    }
    return null;
  }
}
