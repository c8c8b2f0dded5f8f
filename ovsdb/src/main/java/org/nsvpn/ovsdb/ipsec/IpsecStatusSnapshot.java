package org.nsvpn.ovsdb.ipsec;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything the publisher writes in one refresh: the status of every IKE connection (by policy
 * name), every SA (by SPI, destination, protocol) and every policy (by selector and direction).
 * Whatever is not in the snapshot is removed from the tables (among the rows nsvpn manages).
 */
public record IpsecStatusSnapshot(
    Map<String, IkeConnectionStatus> connections,
    Map<SaKey, SaStatus> sas,
    Map<SpSelector, SpStatus> sps) {

  public IpsecStatusSnapshot {
    connections = copy("connections", connections, IkeConnectionStatus::policyName);
    sas = copy("sas", sas, SaStatus::key);
    sps = copy("sps", sps, SpStatus::selector);
  }

  /** Nothing: publishing it removes every managed row. */
  public static IpsecStatusSnapshot empty() {
    return of(List.of(), List.of(), List.of());
  }

  /**
   * A snapshot of the given statuses.
   *
   * @throws InvalidIpsecValueException when two entries have the same key
   */
  public static IpsecStatusSnapshot of(
      Collection<IkeConnectionStatus> connections,
      Collection<SaStatus> sas,
      Collection<SpStatus> sps) {
    return new IpsecStatusSnapshot(
        index("policy_name", connections, IkeConnectionStatus::policyName),
        index("sa", sas, SaStatus::key),
        index("sp", sps, SpStatus::selector));
  }

  private static <K, V> Map<K, V> index(String field, Collection<V> values, Function<V, K> key) {
    Map<K, V> out = new LinkedHashMap<>();
    for (V v : values) {
      Objects.requireNonNull(v, field);
      if (out.put(key.apply(v), v) != null) {
        throw new InvalidIpsecValueException(field, key.apply(v), "appears twice in the snapshot");
      }
    }
    return out;
  }

  private static <K, V> Map<K, V> copy(String field, Map<K, V> map, Function<V, K> key) {
    Objects.requireNonNull(map, field);
    Map<K, V> out = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          Objects.requireNonNull(v, field);
          if (!k.equals(key.apply(v))) {
            throw new InvalidIpsecValueException(field, k, "key does not match its entry");
          }
          out.put(k, v);
        });
    return Collections.unmodifiableMap(out);
  }
}
