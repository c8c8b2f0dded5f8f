package org.nsvpn.chainrules.routing;

import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;
import org.nsvpn.chainrules.net.Ipv6Subnet;

/**
 * A path-compressed binary trie (PATRICIA) from prefixes of one address family to values. Keys are
 * held as 128 bits in two longs, IPv4 left-aligned in the high word, so one implementation serves
 * both families. Filled while a {@link RouteTable} is built and only read afterwards; it is not
 * thread-safe for writes and is never published before it is complete.
 */
final class PrefixTrie<V> {

  private Node<V> root;

  /** The value stored at exactly {@code prefix}, creating it with {@code create} when absent. */
  V computeIfAbsent(IpSubnet prefix, Supplier<V> create) {
    long hi = high(prefix.address());
    long lo = low(prefix.address());
    int len = prefix.prefixLength();
    if (root == null) {
      root = new Node<>(hi, lo, len, create.get());
      return root.value;
    }
    Node<V> parent = null;
    int parentBit = 0;
    Node<V> node = root;
    while (true) {
      int common = commonPrefix(node.hi, node.lo, hi, lo, Math.min(node.len, len));
      if (common < node.len) {
        // The key diverges from (or ends inside) this node's prefix: insert above it.
        Node<V> above;
        if (common == len) {
          above = new Node<>(hi, lo, len, create.get());
          above.child[bit(node.hi, node.lo, len)] = node;
        } else {
          above =
              new Node<>(
                  hi & Ipv6Subnet.highMask(common), lo & Ipv6Subnet.lowMask(common), common, null);
          above.child[bit(node.hi, node.lo, common)] = node;
          above.child[bit(hi, lo, common)] = new Node<>(hi, lo, len, create.get());
        }
        if (parent == null) {
          root = above;
        } else {
          parent.child[parentBit] = above;
        }
        return above.len == len ? above.value : above.child[bit(hi, lo, common)].value;
      }
      if (node.len == len) {
        if (node.value == null) {
          node.value = create.get();
        }
        return node.value;
      }
      int b = bit(hi, lo, node.len);
      if (node.child[b] == null) {
        node.child[b] = new Node<>(hi, lo, len, create.get());
        return node.child[b].value;
      }
      parent = node;
      parentBit = b;
      node = node.child[b];
    }
  }

  /**
   * Walks the prefixes containing {@code address} from the longest to the shortest and returns the
   * first non-null result of {@code probe.apply(value, argument)}, or null. Passing the argument
   * separately lets callers use non-capturing lambdas: a lookup allocates nothing.
   */
  <A, R> R longestMatch(IpAddress address, BiFunction<V, A, R> probe, A argument) {
    return longestMatch(root, high(address), low(address), probe, argument);
  }

  private static <V, A, R> R longestMatch(
      Node<V> node, long hi, long lo, BiFunction<V, A, R> probe, A argument) {
    if (node == null || !covers(node, hi, lo)) {
      return null;
    }
    if (node.len < 128) {
      R deeper = longestMatch(node.child[bit(hi, lo, node.len)], hi, lo, probe, argument);
      if (deeper != null) {
        return deeper;
      }
    }
    return node.value == null ? null : probe.apply(node.value, argument);
  }

  private static boolean covers(Node<?> node, long hi, long lo) {
    return ((hi ^ node.hi) & Ipv6Subnet.highMask(node.len)) == 0
        && ((lo ^ node.lo) & Ipv6Subnet.lowMask(node.len)) == 0;
  }

  private static int bit(long hi, long lo, int index) {
    return index < 64 ? (int) (hi >>> (63 - index)) & 1 : (int) (lo >>> (127 - index)) & 1;
  }

  private static int commonPrefix(long hi1, long lo1, long hi2, long lo2, int max) {
    long x = hi1 ^ hi2;
    int common = x != 0 ? Long.numberOfLeadingZeros(x) : 64 + Long.numberOfLeadingZeros(lo1 ^ lo2);
    return Math.min(common, max);
  }

  static long high(IpAddress address) {
    return address instanceof Ipv4Address v4
        ? (long) v4.bits() << 32
        : ((Ipv6Address) address).high();
  }

  static long low(IpAddress address) {
    return address instanceof Ipv4Address ? 0 : ((Ipv6Address) address).low();
  }

  private static final class Node<V> {
    final long hi;
    final long lo;
    final int len;
    V value;

    @SuppressWarnings({"unchecked", "rawtypes"})
    final Node<V>[] child = new Node[2];

    Node(long hi, long lo, int len, V value) {
      this.hi = hi;
      this.lo = lo;
      this.len = len;
      this.value = value;
    }
  }
}
