package org.nsvpn.chainrules.vpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.MacAddress;

class LinkLocalAllocatorTest {

  @Test
  void startsAfterTheRfc3927ReservedBlock() {
    assertThat(LinkLocalAllocator.empty().blockFor(RouterId.random()))
        .isEqualTo(Ipv4Subnet.parse("169.254.1.0/30"));
    assertThat(LinkLocalAllocator.empty().free())
        .isEqualTo(LinkLocalAllocator.POOL_SIZE)
        .isEqualTo(16255);
  }

  @Test
  void handsOutUniqueBlocksSkippingTheMetadataBlock() {
    // Fill the pool up to just below 169.254.169.252/30 in one go, then allocate across it.
    Map<RouterId, Ipv4Subnet> bulk = new HashMap<>();
    for (int i = 0; i < 10_810; i++) {
      bulk.put(RouterId.random(), blockAt(64 + i));
    }
    LinkLocalAllocator a = LinkLocalAllocator.of(bulk);
    Set<Ipv4Subnet> seen = new HashSet<>(bulk.values());
    for (int i = 0; i < 20; i++) {
      RouterId router = RouterId.random();
      Ipv4Subnet block = a.blockFor(router);
      assertThat(seen.add(block)).as("unique: %s", block).isTrue();
      a = a.assign(router, block);
    }
    assertThat(seen).doesNotContain(Ipv4Subnet.parse("169.254.169.252/30"));
    assertThat(seen)
        .contains(Ipv4Subnet.parse("169.254.169.248/30"), Ipv4Subnet.parse("169.254.170.0/30"));
    assertThat(a.free()).isEqualTo(LinkLocalAllocator.POOL_SIZE - 10_830);
  }

  @Test
  void reportsExhaustionAfterTheLastBlock() {
    Map<RouterId, Ipv4Subnet> bulk = new HashMap<>();
    for (int index = 64; index < 255 * 64 - 1; index++) {
      if (index != (169 * 256 + 252) / 4) {
        bulk.put(RouterId.random(), blockAt(index));
      }
    }
    assertThat(bulk).hasSize(LinkLocalAllocator.POOL_SIZE - 1);
    LinkLocalAllocator a = LinkLocalAllocator.of(bulk);
    RouterId last = RouterId.random();
    assertThat(a.blockFor(last)).isEqualTo(Ipv4Subnet.parse("169.254.254.252/30"));
    LinkLocalAllocator full = a.assign(last, a.blockFor(last));
    assertThat(full.free()).isZero();
    RouterId late = RouterId.random();
    assertThatThrownBy(() -> full.blockFor(late))
        .isInstanceOf(LinkLocalExhaustedException.class)
        .hasMessageContaining("all 16255 link-local /30 blocks")
        .hasMessageContaining(late.toString());
    assertThat(full.blockFor(last))
        .as("routers that have one keep it")
        .isEqualTo(Ipv4Subnet.parse("169.254.254.252/30"));
    assertThatThrownBy(
            () ->
                LinkLocalAllocator.of(
                    Map.of(RouterId.random(), blockAt(70), RouterId.random(), blockAt(70))))
        .hasMessageContaining("is assigned to two routers");
  }

  private static Ipv4Subnet blockAt(int index) {
    return new Ipv4Subnet(new Ipv4Address(0xa9fe0000 | index << 2), 30);
  }

  @Test
  void aRouterKeepsItsBlockAndReleasedBlocksAreReused() {
    RouterId r1 = RouterId.random();
    RouterId r2 = RouterId.random();
    LinkLocalAllocator a = LinkLocalAllocator.empty();
    a = a.assign(r1, a.blockFor(r1));
    a = a.assign(r2, a.blockFor(r2));
    assertThat(a.blockFor(r1)).isEqualTo(Ipv4Subnet.parse("169.254.1.0/30"));
    assertThat(a.blockFor(r2)).isEqualTo(Ipv4Subnet.parse("169.254.1.4/30"));
    assertThat(a.assign(r1, a.blockFor(r1))).isSameAs(a);
    LinkLocalAllocator released = a.release(r1);
    assertThat(released.assignment(r1)).isEmpty();
    assertThat(released.blockFor(RouterId.random())).isEqualTo(Ipv4Subnet.parse("169.254.1.0/30"));
    assertThat(released.release(r1)).isSameAs(released);
    assertThat(a.assignment(r1)).as("the original is immutable").isPresent();
  }

  @Test
  void refusesBlocksOutsideThePoolOrInUse() {
    RouterId r = RouterId.random();
    LinkLocalAllocator a = LinkLocalAllocator.empty().assign(r, Ipv4Subnet.parse("169.254.7.0/30"));
    assertThatThrownBy(() -> a.assign(RouterId.random(), Ipv4Subnet.parse("169.254.7.0/30")))
        .hasMessage("link-local: invalid value '169.254.7.0/30': is already in use");
    assertThatThrownBy(() -> a.assign(r, Ipv4Subnet.parse("169.254.0.4/30")))
        .hasMessageContaining("reserved (RFC 3927)");
    assertThatThrownBy(() -> a.assign(r, Ipv4Subnet.parse("169.254.255.0/30")))
        .hasMessageContaining("reserved (RFC 3927)");
    assertThatThrownBy(() -> a.assign(r, Ipv4Subnet.parse("169.254.7.0/29")))
        .hasMessageContaining("must be a /30 inside 169.254.0.0/16");
    assertThatThrownBy(() -> a.assign(r, Ipv4Subnet.parse("10.0.0.0/30")))
        .hasMessageContaining("must be a /30 inside 169.254.0.0/16");
    LinkLocalAllocator moved = a.assign(r, Ipv4Subnet.parse("169.254.9.0/30"));
    assertThat(moved.blockFor(RouterId.random()))
        .as("moving frees the old block")
        .isEqualTo(Ipv4Subnet.parse("169.254.1.0/30"));
    assertThat(moved.assign(RouterId.random(), Ipv4Subnet.parse("169.254.7.0/30")).free())
        .isEqualTo(LinkLocalAllocator.POOL_SIZE - 2);
  }

  @Test
  void readsBlocksInUseFromTheTopology() {
    RouterId other = RouterId.random();
    Topology t =
        Topology.builder()
            .put(Router.of(other, "other"))
            .put(
                RouterPort.of(
                    PortId.random(),
                    other,
                    MacAddress.parse("02:00:00:00:00:01"),
                    InterfaceAddress.parse("169.254.1.1/30")))
            .put(
                RouterPort.of(
                    PortId.random(),
                    other,
                    MacAddress.parse("02:00:00:00:00:02"),
                    InterfaceAddress.parse("169.254.2.1/24")))
            .build();
    LinkLocalAllocator a = LinkLocalAllocator.fromTopology(t);
    assertThat(a.blockFor(RouterId.random())).isEqualTo(Ipv4Subnet.parse("169.254.1.4/30"));
    assertThat(a.free()).isEqualTo(LinkLocalAllocator.POOL_SIZE - 1 - 64);
  }
}
