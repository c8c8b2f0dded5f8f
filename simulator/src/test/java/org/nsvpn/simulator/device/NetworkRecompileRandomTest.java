package org.nsvpn.simulator.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.TopologyChange;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;

/**
 * The oracle for {@link Network#recompile}: along random walks of topology changes (routes added
 * and removed, ports renumbered and rebound, routers taken down and up, VPN services and
 * connections added and removed), the network recompiled from the previous one must equal a network
 * compiled afresh, router by router: the router, its route table, what its fail-closed guard
 * forbids, its ports; and every port must be linked to the new network's router, not to a router of
 * an earlier compilation.
 */
class NetworkRecompileRandomTest {
  private static final int ROUTERS = 5;
  private static final int STEPS = 150;
  private static final HostId HOST = HostId.random();

  private final List<RouterId> routers = new ArrayList<>();
  private final List<PortId> uplinks = new ArrayList<>();
  private final List<PortId> tenants = new ArrayList<>();

  private Topology base() {
    Topology.Builder b = Topology.builder().put(new Host(HOST, "host"));
    for (int i = 0; i < ROUTERS; i++) {
      RouterId r = RouterId.random();
      routers.add(r);
      uplinks.add(PortId.random());
      tenants.add(PortId.random());
      b.put(Router.of(r, "r" + i));
      b.put(uplink(i, 10, true));
      b.put(tenant(i));
    }
    return b.build();
  }

  private RouterPort uplink(int i, int host, boolean bound) {
    return RouterPort.of(
            uplinks.get(i),
            routers.get(i),
            MacAddress.parse(String.format("02:00:00:00:%02x:01", i)),
            InterfaceAddress.parse("203.0.113." + (i * 16 + host) + "/28"))
        .withBinding(bound ? Optional.of(new HostBinding(HOST, "up" + i)) : Optional.empty());
  }

  private RouterPort tenant(int i) {
    return RouterPort.of(
            tenants.get(i),
            routers.get(i),
            MacAddress.parse(String.format("02:00:00:00:%02x:02", i)),
            InterfaceAddress.parse("10." + i + ".0.1/24"))
        .withBinding(Optional.of(new HostBinding(HOST, "vm" + i)));
  }

  /** One random change that the model accepts, or none when the pick does not apply. */
  private TopologyChange change(Topology t, Random random) {
    int i = random.nextInt(ROUTERS);
    RouterId r = routers.get(i);
    List<Identified> upserts = new ArrayList<>();
    List<EntityId> deletions = new ArrayList<>();
    switch (random.nextInt(7)) {
      case 0 -> {
        RouterPort up = (RouterPort) t.port(uplinks.get(i)).orElseThrow();
        String gateway = up.addresses().get(0).subnet().address().toString();
        String[] parts = gateway.split("\\.");
        parts[3] = Integer.toString(Integer.parseInt(parts[3]) + 14);
        upserts.add(
            Route.normal(
                RouteId.random(),
                r,
                IpSubnet.parse("198.51.100." + random.nextInt(8) * 16 + "/28"),
                uplinks.get(i),
                Optional.of(IpAddress.parse(String.join(".", parts)))));
      }
      case 1 -> t.routes(r).stream().findFirst().ifPresent(route -> deletions.add(route.id()));
      case 2 -> {
        if (t.vpnServices(r).isEmpty()) {
          upserts.add(uplink(i, 1 + random.nextInt(12), random.nextBoolean()));
        }
      }
      case 3 -> {
        Router now = t.router(r).orElseThrow();
        upserts.add(now.withAdminStateUp(!now.adminStateUp()));
      }
      case 4 -> {
        if (t.vpnServices(r).isEmpty()) {
          RouterPort up = (RouterPort) t.port(uplinks.get(i)).orElseThrow();
          upserts.add(
              new VpnService(
                  VpnServiceId.random(), "vpn" + i, r, up.addresses().get(0).address(), true));
        }
      }
      case 5 -> {
        for (VpnService s : t.vpnServices(r)) {
          int n = t.connections(s.id()).size();
          upserts.add(
              IpsecSiteConnection.builder()
                  .id(IpsecSiteConnectionId.random())
                  .vpnService(s.id())
                  .name("c" + n)
                  .peerAddress(IpAddress.parse("192.0.2." + (1 + n)))
                  .localCidrs(IpSubnet.parse("10." + i + ".0.0/24"))
                  .peerCidrs(IpSubnet.parse("172.16." + n + ".0/24"))
                  .psk(new SecretRef("k"))
                  .build());
        }
      }
      default -> {
        for (VpnService s : t.vpnServices(r)) {
          List<IpsecSiteConnection> cs = t.connections(s.id());
          if (cs.isEmpty()) {
            deletions.add(s.id());
          } else {
            deletions.add(cs.get(cs.size() - 1).id());
          }
        }
      }
    }
    return new TopologyChange(upserts, deletions);
  }

  @RepeatedTest(20)
  void aRecompiledNetworkEqualsOneCompiledAfresh(RepetitionInfo repetition) {
    long seed = 0x5eed_0000L + repetition.getCurrentRepetition();
    Random random = new Random(seed);
    Topology t = base();
    Network incremental = Network.compile(t, true, 16);
    int reused = 0;
    for (int step = 0; step < STEPS; step++) {
      TopologyChange change = change(t, random);
      t = t.apply(change);
      Network previous = incremental;
      incremental = incremental.recompile(t, true, 16);
      Network fresh = Network.compile(t, true, 16);
      String where = "seed " + seed + ", step " + step + ", after " + change;
      for (RouterId r : routers) {
        if (incremental.router(r) == previous.router(r)) {
          reused++;
        }
        assertThat(incremental.router(r).router).as(where).isEqualTo(fresh.router(r).router);
        assertThat(new HashSet<>(incremental.routeTable(r).routes()))
            .as(where)
            .isEqualTo(new HashSet<>(fresh.routeTable(r).routes()));
        for (PortId out : List.of(uplinks.get(routers.indexOf(r)))) {
          for (int peer = 0; peer < 4; peer++) {
            IpAddress src = IpAddress.parse("10." + routers.indexOf(r) + ".0.5");
            IpAddress dst = IpAddress.parse("172.16." + peer + ".5");
            assertThat(incremental.router(r).guardForbids(src, dst, out))
                .as("%s: guard %s -> %s", where, src, dst)
                .isEqualTo(fresh.router(r).guardForbids(src, dst, out));
          }
        }
      }
      for (Port p : t.ports()) {
        PortSim mine = incremental.port(p.id());
        assertThat(mine.port).as(where).isEqualTo(fresh.port(p.id()).port);
        assertThat(mine.router)
            .as("%s: port %s is linked to this network's router", where, p.id())
            .isSameAs(incremental.router((RouterId) p.device()));
      }
    }
    assertThat(reused).as("the walk exercised reuse").isPositive();
  }
}
