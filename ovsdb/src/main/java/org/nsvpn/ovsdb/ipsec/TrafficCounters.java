package org.nsvpn.ovsdb.ipsec;

/**
 * Traffic of a connection's CHILD SAs, both directions (strongSwan's {@code bytes-in}, {@code
 * packets-in}, {@code bytes-out}, {@code packets-out}); written into the connection's status map so
 * that one row per connection carries its state and its counters.
 */
public record TrafficCounters(long bytesIn, long packetsIn, long bytesOut, long packetsOut) {
  public TrafficCounters {
    Checks.range("sa_data_bytes_in", bytesIn, 0, Long.MAX_VALUE);
    Checks.range("sa_data_packets_in", packetsIn, 0, Long.MAX_VALUE);
    Checks.range("sa_data_bytes_out", bytesOut, 0, Long.MAX_VALUE);
    Checks.range("sa_data_packets_out", packetsOut, 0, Long.MAX_VALUE);
  }
}
