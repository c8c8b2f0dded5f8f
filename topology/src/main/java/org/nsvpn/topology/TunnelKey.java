package org.nsvpn.topology;

import org.nsvpn.chainrules.InvalidValueException;

/**
 * The 24-bit key that names an exterior port on the overlay: the VXLAN network identifier of frames
 * tunnelled to the host where the port is bound (RFC 7348). The store gives every port one when the
 * port is created, unique among existing ports and kept for the port's life.
 *
 * @param value 1..{@value #MAX}; 0 is never allocated, so that a zeroed header is never a port
 */
public record TunnelKey(int value) implements Comparable<TunnelKey> {
  /** The largest 24-bit key. */
  public static final int MAX = 0xFFFFFF;

  public TunnelKey {
    if (value < 1 || value > MAX) {
      throw new InvalidValueException("tunnel key", value, "must be 1.." + MAX);
    }
  }

  @Override
  public int compareTo(TunnelKey other) {
    return Integer.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
