package org.nsvpn.chainrules.vpn;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv4Subnet;

/**
 * Hands out the link-local /30 that joins a router to its IPsec namespace, one per router and no
 * two routers alike. An immutable value: {@link #assign} and {@link #release} return new
 * allocators.
 *
 * <p>The pool is 169.254.1.0 to 169.254.254.255: RFC 3927 reserves the first and last /24 of
 * 169.254.0.0/16, and 169.254.169.252/30 is skipped because clouds serve instance metadata on
 * 169.254.169.254 and DNS on 169.254.169.253. That leaves {@value #POOL_SIZE} blocks, handed out
 * lowest first.
 */
public final class LinkLocalAllocator {

  /** Number of allocatable /30 blocks. */
  public static final int POOL_SIZE = 254 * 64 - 1;

  private static final int FIRST_BLOCK = 64; // 169.254.1.0/30
  private static final int LAST_BLOCK = 255 * 64 - 1; // 169.254.254.252/30
  private static final int METADATA_BLOCK = (169 * 256 + 252) / 4; // 169.254.169.252/30
  private static final int PREFIX = 0xa9fe_0000; // 169.254.0.0

  private static final LinkLocalAllocator EMPTY = new LinkLocalAllocator(Map.of(), new BitSet());

  private final Map<RouterId, Ipv4Subnet> assigned;
  private final BitSet used; // never mutated after construction

  private LinkLocalAllocator(Map<RouterId, Ipv4Subnet> assigned, BitSet used) {
    this.assigned = Map.copyOf(assigned);
    this.used = used;
  }

  /** An allocator with nothing in use. */
  public static LinkLocalAllocator empty() {
    return EMPTY;
  }

  /**
   * An allocator with these assignments.
   *
   * @throws InvalidValueException when a block is not allocatable or given to two routers
   */
  public static LinkLocalAllocator of(Map<RouterId, Ipv4Subnet> assignments) {
    BitSet used = new BitSet();
    for (Map.Entry<RouterId, Ipv4Subnet> e : assignments.entrySet()) {
      int index = index(requireAllocatable(e.getValue()).address());
      if (used.get(index)) {
        throw new InvalidValueException("link-local", e.getValue(), "is assigned to two routers");
      }
      used.set(index);
    }
    return new LinkLocalAllocator(assignments, used);
  }

  /**
   * The allocator state a topology implies: every link-local block that some router port address
   * falls in is in use, and a router whose VPN service already has its namespace port keeps that
   * port's block.
   */
  public static LinkLocalAllocator fromTopology(Topology topology) {
    BitSet used = new BitSet();
    for (Port port : topology.ports()) {
      if (port instanceof RouterPort rp) {
        for (InterfaceAddress a : rp.addresses()) {
          markUsed(used, a);
        }
      }
    }
    Map<RouterId, Ipv4Subnet> assigned = new HashMap<>();
    for (VpnService service : topology.vpnServices()) {
      PortId nsPort = VpnRedirectPlan.namespacePortId(service.id());
      topology
          .port(nsPort)
          .filter(RouterPort.class::isInstance)
          .map(RouterPort.class::cast)
          .flatMap(LinkLocalAllocator::blockOf)
          .ifPresent(block -> assigned.put(service.router(), block));
    }
    return new LinkLocalAllocator(assigned, used);
  }

  private static void markUsed(BitSet used, InterfaceAddress a) {
    if (!(a.address() instanceof Ipv4Address v4) || !v4.isLinkLocal()) {
      return;
    }
    if (a.prefixLength() >= 30) {
      used.set(index(v4));
    } else {
      int first = index(Ipv4Subnet.containing(v4, Math.max(a.prefixLength(), 16)).address());
      used.set(first, first + (1 << (30 - Math.max(a.prefixLength(), 16))));
    }
  }

  /** The /30 of a namespace port's link-local address, if it has one. */
  static Optional<Ipv4Subnet> blockOf(RouterPort port) {
    return port.addresses().stream()
        .filter(
            a ->
                a.prefixLength() == 30 && a.address() instanceof Ipv4Address v4 && v4.isLinkLocal())
        .map(a -> (Ipv4Subnet) a.subnet())
        .findFirst();
  }

  /** The block assigned to {@code router}, if any. */
  public Optional<Ipv4Subnet> assignment(RouterId router) {
    return Optional.ofNullable(assigned.get(router));
  }

  /**
   * The block {@code router} has, or else the lowest free one (not yet recorded: follow with {@link
   * #assign}).
   *
   * @throws LinkLocalExhaustedException when the router has none and none is free
   */
  public Ipv4Subnet blockFor(RouterId router) {
    Ipv4Subnet existing = assigned.get(router);
    if (existing != null) {
      return existing;
    }
    int block = used.nextClearBit(FIRST_BLOCK);
    if (block == METADATA_BLOCK) {
      block = used.nextClearBit(METADATA_BLOCK + 1);
    }
    if (block > LAST_BLOCK) {
      throw new LinkLocalExhaustedException(
          "all "
              + POOL_SIZE
              + " link-local /30 blocks of 169.254.1.0-169.254.254.255 are in use;"
              + " cannot give router "
              + router
              + " a namespace link");
    }
    return blockAt(block);
  }

  /**
   * Records {@code block} as {@code router}'s. Idempotent for the router's own block.
   *
   * @throws InvalidValueException when the block is not an allocatable /30 or is in use by others
   */
  public LinkLocalAllocator assign(RouterId router, Ipv4Subnet block) {
    requireAllocatable(block);
    if (block.equals(assigned.get(router))) {
      return this;
    }
    int index = index(block.address());
    if (used.get(index)) {
      throw new InvalidValueException("link-local", block, "is already in use");
    }
    BitSet nextUsed = (BitSet) used.clone();
    Map<RouterId, Ipv4Subnet> nextAssigned = new HashMap<>(assigned);
    Ipv4Subnet previous = nextAssigned.put(router, block);
    if (previous != null) {
      nextUsed.clear(index(previous.address()));
    }
    nextUsed.set(index);
    return new LinkLocalAllocator(nextAssigned, nextUsed);
  }

  /** Frees the router's block, if it has one. */
  public LinkLocalAllocator release(RouterId router) {
    Ipv4Subnet block = assigned.get(router);
    if (block == null) {
      return this;
    }
    BitSet nextUsed = (BitSet) used.clone();
    nextUsed.clear(index(block.address()));
    Map<RouterId, Ipv4Subnet> nextAssigned = new HashMap<>(assigned);
    nextAssigned.remove(router);
    return new LinkLocalAllocator(nextAssigned, nextUsed);
  }

  /** Number of blocks still free. */
  public int free() {
    int inUse = used.get(FIRST_BLOCK, LAST_BLOCK + 1).cardinality();
    if (used.get(METADATA_BLOCK)) {
      inUse--;
    }
    return POOL_SIZE - inUse;
  }

  /**
   * Checks that {@code block} is a /30 of the pool (see the class comment).
   *
   * @throws InvalidValueException naming field {@code link-local} otherwise
   */
  public static Ipv4Subnet requireAllocatable(Ipv4Subnet block) {
    if (block == null) {
      throw new InvalidValueException("link-local", "null", "is required");
    }
    if (block.prefixLength() != 30 || !block.address().isLinkLocal()) {
      throw new InvalidValueException("link-local", block, "must be a /30 inside 169.254.0.0/16");
    }
    int index = index(block.address());
    if (index < FIRST_BLOCK || index > LAST_BLOCK) {
      throw new InvalidValueException(
          "link-local", block, "169.254.0.0/24 and 169.254.255.0/24 are reserved (RFC 3927)");
    }
    if (index == METADATA_BLOCK) {
      throw new InvalidValueException(
          "link-local", block, "is the cloud metadata block (169.254.169.254)");
    }
    return block;
  }

  private static int index(Ipv4Address address) {
    return (address.bits() & 0xffff) >>> 2;
  }

  private static Ipv4Subnet blockAt(int index) {
    return new Ipv4Subnet(new Ipv4Address(PREFIX | index << 2), 30);
  }
}
