package org.nsvpn.ovsdb.ipsec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One SA and its counters, written to the {@code ipsec_manual_sa_statuses} map of the row keyed by
 * {@link #key()}, with the seed's keys ({@code sa_data_bytes}, {@code sa_data_packets}, {@code
 * sa_conn_added}, {@code sa_conn_used}, ...).
 */
public record SaStatus(
    SaKey key, String srcAddr, IpsecMode mode, Optional<Selector> selector, Counters counters) {
  public SaStatus {
    Objects.requireNonNull(key, "key");
    IpFamily family = Checks.address("dest_addr", key.destAddr());
    Checks.address("src_addr", srcAddr, family);
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(counters, "counters");
  }

  /** The row's status map. */
  public Map<String, String> statusMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("src_ip", srcAddr);
    m.put("dest_ip", key.destAddr());
    m.put("spi", String.format("0x%08x", key.spi()));
    m.put("protocol", key.protocol().text());
    m.put("mode", mode.text());
    selector.ifPresent(
        s -> {
          m.put("selector_addr_family", s.family().text());
          m.put("selector_src_addr", s.srcAddr());
          m.put("selector_src_addr_mask", Integer.toString(s.srcMask()));
          m.put("selector_dest_addr", s.destAddr());
          m.put("selector_dest_addr_mask", Integer.toString(s.destMask()));
        });
    m.put("sa_data_bytes", Long.toString(counters.bytes()));
    m.put("sa_data_packets", Long.toString(counters.packets()));
    m.put("sa_conn_added", Long.toString(counters.addedEpochSeconds()));
    m.put("sa_conn_used", Long.toString(counters.usedEpochSeconds()));
    return Collections.unmodifiableMap(m);
  }
}
