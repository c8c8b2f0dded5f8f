package org.nsvpn.benchmarks.chainrules;

import java.util.concurrent.TimeUnit;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.rules.ChainEvaluator;
import org.nsvpn.chainrules.rules.FragmentType;
import org.nsvpn.chainrules.rules.PacketFields;
import org.nsvpn.chainrules.rules.Verdict;
import org.nsvpn.chainrules.vpn.VpnRedirectPlan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Evaluation of a router's local-redirect chain as the VPN plan installs it (ESP, IKE, NAT-T
 * redirects), for a packet matching each rule and for one that matches none.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ChainEvaluationBenchmark {

  private ChainEvaluator evaluator;
  private ChainId chain;
  private PacketFields esp;
  private PacketFields ike;
  private PacketFields natT;
  private PacketFields ssh;

  @Setup
  public void setUp() {
    RouterId router = RouterId.random();
    VpnServiceId service = VpnServiceId.random();
    IpAddress publicIp = IpAddress.parse("203.0.113.1");
    Topology t =
        Topology.builder()
            .put(Router.of(router, "router0"))
            .put(
                RouterPort.of(
                    PortId.random(),
                    router,
                    MacAddress.parse("02:00:00:00:00:01"),
                    InterfaceAddress.parse("203.0.113.1/24")))
            .put(new VpnService(service, "vpn0", router, publicIp, true))
            .build();
    VpnRedirectPlan plan = VpnRedirectPlan.request(t, service).compute();
    Topology installed = t.apply(plan.installChange(t));
    evaluator = installed.chainEvaluator();
    chain = plan.localRedirectChain();
    IpAddress peer = IpAddress.parse("198.51.100.2");
    esp = new Fields(peer, publicIp, 50, -1, -1);
    ike = new Fields(peer, publicIp, 17, 500, 500);
    natT = new Fields(peer, publicIp, 17, 4500, 4500);
    ssh = new Fields(peer, publicIp, 6, 40000, 22);
  }

  @Benchmark
  public Verdict espMatchesFirstRule() {
    return evaluator.evaluate(chain, esp);
  }

  @Benchmark
  public Verdict ikeMatchesSecondRule() {
    return evaluator.evaluate(chain, ike);
  }

  @Benchmark
  public Verdict natTMatchesThirdRule() {
    return evaluator.evaluate(chain, natT);
  }

  @Benchmark
  public Verdict sshMatchesNoRule() {
    return evaluator.evaluate(chain, ssh);
  }

  /** A packet arriving at the uplink. */
  private record Fields(IpAddress nwSrc, IpAddress nwDst, int nwProto, int tpSrc, int tpDst)
      implements PacketFields {
    private static final MacAddress SRC = MacAddress.parse("02:00:00:00:00:aa");
    private static final MacAddress DST = MacAddress.parse("02:00:00:00:00:01");

    @Override
    public PortId inPort() {
      return null;
    }

    @Override
    public PortId outPort() {
      return null;
    }

    @Override
    public int etherType() {
      return 0x0800;
    }

    @Override
    public MacAddress ethSrc() {
      return SRC;
    }

    @Override
    public MacAddress ethDst() {
      return DST;
    }

    @Override
    public FragmentType fragmentType() {
      return FragmentType.UNFRAGMENTED;
    }
  }
}
