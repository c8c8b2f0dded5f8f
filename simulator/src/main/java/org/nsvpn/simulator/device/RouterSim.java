package org.nsvpn.simulator.device;

import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv4Subnet;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteTable;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.FragmentType;
import org.nsvpn.simulator.packet.ArpPacket;
import org.nsvpn.simulator.packet.EtherType;
import org.nsvpn.simulator.packet.EthernetFrame;
import org.nsvpn.simulator.packet.Frame;
import org.nsvpn.simulator.packet.IcmpPacket;
import org.nsvpn.simulator.packet.IpProtocol;
import org.nsvpn.simulator.packet.Ipv4Packet;
import org.nsvpn.simulator.packet.Ipv6Packet;
import org.nsvpn.simulator.packet.NdpMessage;
import org.nsvpn.simulator.packet.RawIpPayload;
import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.EmissionKind;
import org.nsvpn.simulator.state.ArpCache;

/**
 * A router of the compiled snapshot.
 *
 * <p>Order of processing for IP: inbound filter; sanity of addresses; route lookup. A local route
 * (one of the router's own addresses) runs the local-redirect chain and then the router's own
 * answers; a normal route checks the TTL, refuses to carry what an IPsec site connection protects
 * out of its VPN service's uplink ({@link VpnGuard}), runs the outbound filter, checks the egress
 * port, resolves the next hop and forwards with MACs rewritten and the TTL decremented.
 *
 * <p>ARP: the router answers requests for an address of the port they arrive on when the sender is
 * on that port's subnet (a request sourced from another address, such as the public IP inside the
 * IPsec namespace, gets no answer: the reason the namespace needs its static entry). It learns a
 * sender's MAC from such requests and from replies addressed to the port, never for one of its own
 * addresses. Frames from the IPsec namespace carry the router's uplink MAC as source; nothing here
 * treats that as the router's own frame.
 *
 * <p>IPv6 neighbour discovery works as ARP does: a neighbour solicitation (to the solicited-node
 * multicast address or the port's MAC) for an address of the port, from an on-link sender with a
 * link-layer address option, is answered with a solicited advertisement and teaches the router the
 * sender's MAC; an unresolved IPv6 next hop is solicited from the port's address on its subnet (or
 * a link-local one) and its frames wait, as for ARP, until the advertisement arrives. Messages with
 * a hop limit other than 255, duplicate address detection probes and unsolicited advertisements are
 * not acted on.
 *
 * <p>Not simulated: router advertisements and redirects, other ICMPv6 (echo, errors), router ports
 * with VLAN tags, IP options processing, MTU.
 */
final class RouterSim {

  /** RFC 1812 4.3.2.3: an ICMP error quotes as much as fits in 576 bytes. */
  private static final int ICMP_QUOTE_LIMIT = 576 - 20 - 8;

  final Router router;
  private final RouteTable routes;
  private final ChainId inboundFilter;
  private final ChainId outboundFilter;
  private final ChainId localRedirectChain;
  private final String inboundWhere;
  private final String outboundWhere;
  private final String localWhere;
  private final VpnGuard vpnGuard;
  private int[] ownV4 = new int[0];

  /**
   * True when a packet to one of the router's own IPv4 addresses always meets the implied local
   * route: no other /32 route names such an address. Then the route lookup can be skipped for them,
   * which is the redirect path's largest cost; otherwise the table decides, as always.
   */
  private boolean ownAddressesAreLocal;

  RouterSim(Router router, RouteTable routes, VpnGuard vpnGuard) {
    this.router = router;
    this.routes = routes;
    this.vpnGuard = vpnGuard;
    this.inboundFilter = router.inboundFilter().orElse(null);
    this.outboundFilter = router.outboundFilter().orElse(null);
    this.localRedirectChain = router.localRedirectChain().orElse(null);
    this.inboundWhere = "inbound filter of router " + router.name();
    this.outboundWhere = "outbound filter of router " + router.name();
    this.localWhere = "local-redirect chain of router " + router.name();
  }

  RouteTable routeTable() {
    return routes;
  }

  /**
   * Whether this router's fail-closed guard drops {@code src} to {@code dst} out of {@code out}.
   */
  boolean guardForbids(IpAddress src, IpAddress dst, PortId out) {
    return vpnGuard != null && vpnGuard.forbids(src, dst, out);
  }

  void ports(List<PortSim> ports) {
    int n = 0;
    for (PortSim p : ports) {
      n += p.v4Address.length;
    }
    ownV4 = new int[n];
    int i = 0;
    for (PortSim p : ports) {
      for (int a : p.v4Address) {
        ownV4[i++] = a;
      }
    }
    boolean exact = true;
    for (Route r : routes.routes()) {
      if (r.type() != RouteType.LOCAL
          && r.destination() instanceof Ipv4Subnet d
          && d.prefixLength() == 32
          && isOwnV4(d.address().bits())) {
        exact = false;
      }
    }
    ownAddressesAreLocal = exact;
  }

  private boolean isOwnV4(int address) {
    for (int a : ownV4) {
      if (a == address) {
        return true;
      }
    }
    return false;
  }

  private ArpCache arp(Walk walk) {
    return walk.state.arpCache(router.id());
  }

  void receive(Walk walk, PortSim in, Frame f, EmissionKind kind) {
    if (!router.adminStateUp()) {
      walk.drop(DropReason.DEVICE_DOWN, "router " + router.name() + " is down");
      return;
    }
    if (f.vlanTci() >= 0) {
      walk.drop(
          DropReason.UNSUPPORTED_ETHERTYPE,
          "802.1Q-tagged frame on " + in + "; router ports are untagged");
      return;
    }
    int type = f.etherType();
    boolean toPort = f.ethDst() == in.mac;
    if (type == EtherType.ARP && (toPort || f.ethDstAddress().isBroadcast())) {
      arp(walk, in, f);
    } else if (type == EtherType.IPV6
        && f.protocol() == NdpMessage.PROTOCOL
        && (toPort || f.ethDstAddress().isMulticast())
        && ndp(walk, in, f, toPort)) {
      return;
    } else if (!toPort) {
      walk.drop(
          DropReason.NOT_ADDRESSED_TO_ROUTER,
          "destination " + f.ethDstAddress() + " is not the MAC " + in.macAddress + " of " + in);
    } else if (type == EtherType.IPV4 || type == EtherType.IPV6) {
      ip(walk, in, f, kind);
    } else {
      walk.drop(
          DropReason.UNSUPPORTED_ETHERTYPE,
          String.format("EtherType 0x%04x on %s; routers take ARP, IPv4 and IPv6", type, in));
    }
  }

  // ---- ARP ----------------------------------------------------------------------------------

  private void arp(Walk walk, PortSim in, Frame f) {
    int senderIp = f.arpSenderIp();
    int targetIp = f.arpTargetIp();
    MacAddress senderMac = new MacAddress(f.arpSenderMac());
    boolean forPort = in.hasV4(targetIp);
    boolean senderOnLink =
        senderIp != 0 && in.v4OnLink(senderIp) && !isOwnV4(senderIp) && senderMac.isUnicast();
    Ipv4Address sender = new Ipv4Address(senderIp);
    boolean learned = false;
    if (senderOnLink && (forPort || arp(walk).contains(in.id, sender))) {
      release(walk, in, arp(walk).learn(in.id, sender, senderMac), senderMac);
      learned = true;
    }
    int operation = f.arpOperation();
    if (operation == ArpPacket.REQUEST && forPort && senderOnLink) {
      EthernetFrame reply =
          EthernetFrame.of(
              senderMac,
              in.macAddress,
              ArpPacket.reply(in.macAddress, new Ipv4Address(targetIp), senderMac, sender));
      walk.sendGenerated(in, reply.encode(), EmissionKind.ARP_REPLY);
      walk.consumed();
      return;
    }
    if (operation == ArpPacket.REPLY && forPort && learned) {
      walk.consumed();
      return;
    }
    String why =
        !forPort
            ? "target " + new Ipv4Address(targetIp) + " is not an address of " + in
            : !senderOnLink
                ? "sender " + sender + " / " + senderMac + " is not a neighbour on " + in
                : "operation " + operation + " is neither request nor reply";
    walk.drop(
        DropReason.ARP_NOT_HANDLED,
        "ARP from "
            + sender
            + ": "
            + why
            + (learned ? " (the sender's cache entry was refreshed)" : ""));
  }

  // ---- IPv6 neighbour discovery ---------------------------------------------------------------

  /**
   * Neighbour discovery, as {@link #arp} for IPv4: a solicitation for one of the port's addresses
   * from an on-link sender is answered with an advertisement and teaches the router the sender's
   * MAC; an advertisement answering the router's own solicitation resolves the neighbour and
   * releases the frames that waited for it. Returns false for an ICMPv6 message that is no
   * neighbour solicitation or advertisement and was sent to the port's MAC: it is routed as any
   * packet.
   */
  private boolean ndp(Walk walk, PortSim in, Frame f, boolean toPort) {
    Ipv6Packet packet = (Ipv6Packet) f.toEthernetFrame().payload();
    Optional<NdpMessage> decoded =
        packet.payload() instanceof RawIpPayload raw && packet.extensions().isEmpty()
            ? NdpMessage.decode(packet.source(), packet.destination(), raw.bytes().toArray())
            : Optional.empty();
    if (decoded.isEmpty()) {
      if (toPort) {
        return false;
      }
      walk.drop(
          DropReason.NDP_NOT_HANDLED,
          "ICMPv6 to " + packet.destination() + " is no neighbour solicitation or advertisement");
      return true;
    }
    NdpMessage message = decoded.get();
    Ipv6Address sender = packet.source();
    Ipv6Address target = message.target();
    boolean solicitation = message.type() == NdpMessage.SOLICITATION;
    String refused = null;
    if (packet.hopLimit() != NdpMessage.HOP_LIMIT) {
      refused = "hop limit " + packet.hopLimit() + ", not 255: the message was forwarded";
    } else if (solicitation && !in.hasV6(target)) {
      refused = "target " + target + " is not an address of " + in;
    } else if (solicitation && sender.equals(Ipv6Address.ANY)) {
      refused = "a duplicate address detection probe for " + target;
    } else if (solicitation && (!in.v6OnLink(sender) || in.hasV6(sender))) {
      refused = "sender " + sender + " is not a neighbour on " + in;
    } else if (!solicitation && (!in.v6OnLink(target) || in.hasV6(target))) {
      refused = "target " + target + " is not a neighbour on " + in;
    } else if (message.linkLayer().filter(MacAddress::isUnicast).isEmpty()) {
      refused = "no unicast link-layer address option";
    }
    if (refused != null) {
      walk.drop(DropReason.NDP_NOT_HANDLED, "neighbour discovery from " + sender + ": " + refused);
      return true;
    }
    MacAddress senderMac = message.linkLayer().get();
    ArpCache cache = arp(walk);
    if (!solicitation) {
      // The target is the advertised address: learn it only when the router asked for it.
      if (!cache.contains(in.id, target)) {
        walk.drop(
            DropReason.NDP_NOT_HANDLED,
            "unsolicited advertisement of " + target + " on " + in + " (not waited for)");
        return true;
      }
      release(walk, in, cache.learn(in.id, target, senderMac), senderMac);
      walk.consumed();
      return true;
    }
    release(walk, in, cache.learn(in.id, sender, senderMac), senderMac);
    NdpMessage advertisement =
        new NdpMessage(
            NdpMessage.ADVERTISEMENT,
            NdpMessage.ROUTER | NdpMessage.SOLICITED | NdpMessage.OVERRIDE,
            target,
            Optional.of(in.macAddress));
    walk.sendGenerated(
        in,
        advertisement.frame(in.macAddress, senderMac, target, sender).encode(),
        EmissionKind.NEIGHBOUR_ADVERTISEMENT);
    walk.consumed();
    return true;
  }

  private static void release(Walk walk, PortSim in, List<byte[]> waiting, MacAddress mac) {
    for (byte[] frame : waiting) {
      mac.writeTo(frame, 0);
      walk.sendGenerated(in, frame, EmissionKind.RELEASED);
    }
  }

  // ---- IP -----------------------------------------------------------------------------------

  /**
   * Applies a filter chain; false when it stopped the frame, after answering a reject with ICMP
   * administratively prohibited.
   */
  private boolean passes(
      Walk walk, PortSim in, Frame f, EmissionKind kind, ChainId chain, String where) {
    Walk.Next next = walk.applyChain(chain, where, f, kind);
    if (next == Walk.Next.REJECTED) {
      icmpError(
          walk, in, f, IcmpPacket.DESTINATION_UNREACHABLE, IcmpPacket.ADMINISTRATIVELY_PROHIBITED);
    }
    return next == Walk.Next.CONTINUE;
  }

  private void ip(Walk walk, PortSim in, Frame f, EmissionKind kind) {
    walk.context.at(f, in.id, null);
    if (!passes(walk, in, f, kind, inboundFilter, inboundWhere)) {
      return;
    }
    String martian = martian(f);
    if (martian != null) {
      walk.drop(DropReason.NOT_ROUTABLE, martian);
      return;
    }
    if (ownAddressesAreLocal && f.ipVersion() == 4 && isOwnV4(f.ipv4Dst())) {
      local(walk, in, f, kind);
      return;
    }
    Route route = routes.lookup(f.nwSrc(), f.nwDst()).orElse(null);
    if (route == null) {
      icmpError(walk, in, f, IcmpPacket.DESTINATION_UNREACHABLE, IcmpPacket.NET_UNREACHABLE);
      walk.drop(
          DropReason.NO_ROUTE,
          "router " + router.name() + " has no route from " + f.nwSrc() + " to " + f.nwDst());
      return;
    }
    switch (route.type()) {
      case LOCAL -> local(walk, in, f, kind);
      case NORMAL -> forward(walk, in, f, route, kind);
      case BLACKHOLE -> walk.drop(DropReason.BLACKHOLE_ROUTE, route.toString());
      case REJECT -> {
        icmpError(walk, in, f, IcmpPacket.DESTINATION_UNREACHABLE, IcmpPacket.HOST_UNREACHABLE);
        walk.drop(DropReason.REJECT_ROUTE, route.toString());
      }
    }
  }

  /** Why the addresses make the packet unroutable, or null when they are fine. */
  private static String martian(Frame f) {
    if (f.ipVersion() == 4) {
      int src = f.ipv4Src();
      int dst = f.ipv4Dst();
      if (dst == -1 || (dst >>> 28) == 0xe) {
        return "destination " + f.nwDst() + " is broadcast or multicast";
      }
      if (src == 0 || src == -1 || (src >>> 28) == 0xe) {
        return "source " + f.nwSrc() + " is unspecified, broadcast or multicast";
      }
      return null;
    }
    Ipv6Address src = (Ipv6Address) f.nwSrc();
    Ipv6Address dst = (Ipv6Address) f.nwDst();
    if (dst.isMulticast()) {
      return "destination " + dst + " is multicast";
    }
    if (src.isMulticast() || src.equals(Ipv6Address.ANY)) {
      return "source " + src + " is unspecified or multicast";
    }
    return null;
  }

  private void local(Walk walk, PortSim in, Frame f, EmissionKind kind) {
    walk.context.at(f, in.id, null);
    Walk.Next next = walk.applyChain(localRedirectChain, localWhere, f, kind);
    if (next != Walk.Next.CONTINUE) {
      return;
    }
    if (f.ipVersion() == 4
        && f.protocol() == IpProtocol.ICMP
        && f.icmpType() == IcmpPacket.ECHO_REQUEST
        && f.fragmentType() == FragmentType.UNFRAGMENTED) {
      echoReply(walk, in, f);
      walk.consumed();
      return;
    }
    walk.drop(
        DropReason.LOCAL_UNHANDLED,
        "protocol "
            + f.protocol()
            + (f.tpDst() >= 0 ? " port " + f.tpDst() : "")
            + " to router "
            + router.name()
            + " address "
            + f.nwDst()
            + ": no redirect matched and the router answers only ICMP echo");
  }

  private void forward(Walk walk, PortSim in, Frame f, Route route, EmissionKind kind) {
    PortSim out = walk.network.port(route.nextHopPort().orElseThrow());
    if (f.ttl() <= 1) {
      icmpError(walk, in, f, IcmpPacket.TIME_EXCEEDED, IcmpPacket.TTL_EXCEEDED_IN_TRANSIT);
      walk.drop(DropReason.TTL_EXCEEDED, "TTL " + f.ttl() + " at router " + router.name());
      return;
    }
    walk.context.at(f, in.id, out.id);
    if (guardForbids(f.nwSrc(), f.nwDst(), out.id)) {
      walk.drop(
          DropReason.VPN_FAIL_CLOSED,
          "from "
              + f.nwSrc()
              + " to "
              + f.nwDst()
              + " an IPsec site connection of router "
              + router.name()
              + " protects; "
              + route
              + " would carry it out of the VPN service's uplink "
              + out
              + " in clear");
      return;
    }
    if (!passes(walk, in, f, kind, outboundFilter, outboundWhere)) {
      return;
    }
    if (!out.up) {
      walk.drop(DropReason.EGRESS_PORT_DOWN, route + " leads out of " + out + ", which is down");
      return;
    }
    if (out.peer == null && !out.bound) {
      walk.drop(
          DropReason.EGRESS_PORT_UNBOUND,
          route + " leads out of " + out + ", which is bound to no host interface");
      return;
    }
    IpAddress nextHop = route.nextHopGateway().orElse(f.nwDst());
    ArpCache arp = arp(walk);
    MacAddress mac = arp.resolve(out.id, nextHop, walk.now());
    if (mac != null) {
      f.decrementTtl();
      f.setEthernetAddresses(mac.bits(), out.mac);
      walk.egress(out, f, kind);
      if (arp.refreshDue(out.id, nextHop, walk.now())) {
        sendRequest(walk, out, nextHop);
      }
      return;
    }
    resolveAndHold(walk, out, f, nextHop, arp, kind);
  }

  private void resolveAndHold(
      Walk walk, PortSim out, Frame f, IpAddress nextHop, ArpCache arp, EmissionKind kind) {
    if (nextHop instanceof Ipv6Address v6) {
      if (out.v6SourceFor(v6).isEmpty()) {
        walk.drop(
            DropReason.NEIGHBOUR_UNRESOLVED,
            out + " has no IPv6 address to send a neighbour solicitation for " + nextHop + " from");
        return;
      }
    } else if (!out.hasV4Address()) {
      walk.drop(
          DropReason.NEIGHBOUR_UNRESOLVED,
          out + " has no IPv4 address to send an ARP request for " + nextHop + " from");
      return;
    }
    if (nextHop instanceof Ipv4Address v4 && out.isSubnetBroadcast(v4.bits())) {
      walk.drop(DropReason.NOT_ROUTABLE, nextHop + " is the broadcast address of " + out);
      return;
    }
    f.decrementTtl();
    f.setEthernetAddresses(0, out.mac);
    byte[] waiting = f.exportBytes();
    ArpCache.HoldOutcome outcome = arp.hold(out.id, nextHop, waiting);
    if (outcome == ArpCache.HoldOutcome.RESOLVED) {
      // Another simulation resolved the address between our lookup and the hold.
      MacAddress mac = arp.resolve(out.id, nextHop);
      if (mac != null) {
        mac.writeTo(waiting, 0);
        walk.egress(out, adopted(waiting), kind);
      } else {
        walk.drop(
            DropReason.NEIGHBOUR_UNRESOLVED,
            "the entry for " + nextHop + " on " + out + " expired while resolving");
      }
      return;
    }
    if (outcome.sendRequest()) {
      sendRequest(walk, out, nextHop);
    }
    if (outcome.held()) {
      walk.held();
    } else {
      walk.drop(
          DropReason.NEIGHBOUR_UNRESOLVED,
          "the queue of frames waiting for " + nextHop + " on " + out + " is full");
    }
  }

  /**
   * Broadcasts an ARP request for {@code nextHop} (IPv4), or sends a neighbour solicitation to its
   * solicited-node multicast address (IPv6), out of {@code out}.
   */
  private static void sendRequest(Walk walk, PortSim out, IpAddress nextHop) {
    if (nextHop instanceof Ipv6Address v6) {
      out.v6SourceFor(v6)
          .ifPresent(
              source -> {
                Ipv6Address group = NdpMessage.solicitedNode(v6);
                NdpMessage solicitation =
                    new NdpMessage(NdpMessage.SOLICITATION, 0, v6, Optional.of(out.macAddress));
                walk.sendGenerated(
                    out,
                    solicitation
                        .frame(out.macAddress, NdpMessage.multicastMac(group), source, group)
                        .encode(),
                    EmissionKind.NEIGHBOUR_SOLICITATION);
              });
      return;
    }
    if (!(nextHop instanceof Ipv4Address v4) || !out.hasV4Address()) {
      return;
    }
    Ipv4Address source = new Ipv4Address(out.v4SourceFor(v4.bits()));
    EthernetFrame request =
        EthernetFrame.of(
            MacAddress.BROADCAST, out.macAddress, ArpPacket.request(out.macAddress, source, v4));
    walk.sendGenerated(out, request.encode(), EmissionKind.ARP_REQUEST);
  }

  private static Frame adopted(byte[] bytes) {
    Frame frame = new Frame();
    frame.parseAdopted(bytes, false);
    return frame;
  }

  // ---- generated packets --------------------------------------------------------------------

  private void echoReply(Walk walk, PortSim in, Frame f) {
    Ipv4Packet request = (Ipv4Packet) f.toEthernetFrame().payload();
    IcmpPacket echo = (IcmpPacket) request.payload();
    IcmpPacket reply = new IcmpPacket(IcmpPacket.ECHO_REPLY, 0, echo.restOfHeader(), echo.body());
    EthernetFrame frame =
        EthernetFrame.of(
            f.ethSrcAddress(),
            in.macAddress,
            Ipv4Packet.of(request.destination(), request.source(), 64, reply));
    walk.sendGenerated(in, frame.encode(), EmissionKind.ICMP_REPLY);
  }

  /**
   * Sends an ICMP error about {@code f} back out of {@code in}, unless RFC 1812 4.3.2.7 forbids it:
   * not about ICMP errors, later fragments, or packets from unspecified, broadcast or multicast
   * sources; and only from a port that has an IPv4 address.
   */
  private void icmpError(Walk walk, PortSim in, Frame f, int type, int code) {
    if (f.ipVersion() != 4 || !in.hasV4Address() || f.fragmentType() == FragmentType.LATER) {
      return;
    }
    int src = f.ipv4Src();
    int dst = f.ipv4Dst();
    if (src == 0
        || src == -1
        || (src >>> 28) == 0xe
        || dst == -1
        || (dst >>> 28) == 0xe
        || f.ethSrcAddress().isMulticast()) {
      return;
    }
    if (f.protocol() == IpProtocol.ICMP && isIcmpError(f.icmpType())) {
      return;
    }
    Ipv4Address from = new Ipv4Address(in.v4SourceFor(src));
    IcmpPacket icmp =
        type == IcmpPacket.TIME_EXCEEDED
            ? IcmpPacket.timeExceeded(code, f.ipPacketPrefix(ICMP_QUOTE_LIMIT))
            : IcmpPacket.destinationUnreachable(code, f.ipPacketPrefix(ICMP_QUOTE_LIMIT));
    EthernetFrame frame =
        EthernetFrame.of(
            f.ethSrcAddress(), in.macAddress, Ipv4Packet.of(from, new Ipv4Address(src), 64, icmp));
    walk.sendGenerated(in, frame.encode(), EmissionKind.ICMP_ERROR);
  }

  private static boolean isIcmpError(int type) {
    return type == IcmpPacket.DESTINATION_UNREACHABLE
        || type == 4
        || type == 5
        || type == IcmpPacket.TIME_EXCEEDED
        || type == 12;
  }
}
