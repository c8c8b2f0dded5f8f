package org.nsvpn.ovsdb.ipsec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One security policy and its counters, written to the {@code ipsec_manual_sp_statuses} map of the
 * row keyed by {@link #selector()}, with the seed's keys ({@code sp_data_bytes}, {@code
 * sp_data_packets}, {@code sp_conn_added}, {@code sp_conn_used}, ...).
 */
public record SpStatus(
    SpSelector selector,
    SpAction action,
    long priority,
    Optional<SpTemplate> template,
    Counters counters) {
  public SpStatus {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(action, "action");
    Checks.range("priority", priority, 0, 0xFFFF_FFFFL);
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(counters, "counters");
  }

  /** The row's status map. */
  public Map<String, String> statusMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("src_ip", selector.srcAddr());
    m.put("src_ip_mask", Integer.toString(selector.srcMask()));
    m.put("dest_ip", selector.destAddr());
    m.put("dest_ip_mask", Integer.toString(selector.destMask()));
    m.put("direction", selector.direction().text());
    m.put("action", action.text());
    m.put("priority", Long.toString(priority));
    template.ifPresent(
        t -> {
          m.put("tmpl_protocol", t.protocol().text());
          m.put("tmpl_addr_family", t.family().text());
          t.srcAddr().ifPresent(a -> m.put("tmpl_src_ip", a));
          t.destAddr().ifPresent(a -> m.put("tmpl_dest_ip", a));
          m.put("tmpl_sp_id", Long.toString(t.requestId()));
          m.put("tmpl_mode", t.mode().text());
        });
    m.put("sp_data_bytes", Long.toString(counters.bytes()));
    m.put("sp_data_packets", Long.toString(counters.packets()));
    m.put("sp_conn_added", Long.toString(counters.addedEpochSeconds()));
    m.put("sp_conn_used", Long.toString(counters.usedEpochSeconds()));
    return Collections.unmodifiableMap(m);
  }
}
