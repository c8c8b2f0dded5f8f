package org.nsvpn.ovsdb.ipsec;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.nsvpn.chainrules.status.ConnectionStatus;

/**
 * Everything the publisher writes in one refresh: the status of every IKE connection (by policy
 * name), every SA (by SPI, destination, protocol) and every policy (by selector and direction).
 * Whatever is not in the snapshot is removed from the tables (among the rows nsvpn manages), except
 * the connections named in {@code retainedConnections}: their rows are left exactly as they are,
 * because their reporter does not know their state yet (an agent adopting a running charon after a
 * restart) and deleting them would make known tunnels vanish for a refresh. A {@linkplain
 * #partial() partial} snapshot retains every connection row it does not name (a reporter that does
 * not know yet which connections it serves).
 *
 * @param connections connection statuses by policy name
 * @param retainedConnections policy names whose rows stay untouched; disjoint from {@code
 *     connections}
 * @param partial true to retain every connection row not in {@code connections}
 */
public record IpsecStatusSnapshot(
    Map<String, ConnectionStatus> connections,
    Map<SaKey, SaStatus> sas,
    Map<SpSelector, SpStatus> sps,
    Set<String> retainedConnections,
    boolean partial) {

  public IpsecStatusSnapshot {
    Objects.requireNonNull(connections, "connections");
    Map<String, ConnectionStatus> conns = new LinkedHashMap<>();
    connections.forEach(
        (name, status) -> {
          Checks.policyName("policy_name", name);
          conns.put(name, Objects.requireNonNull(status, "connections"));
        });
    connections = Collections.unmodifiableMap(conns);
    sas = copy("sas", sas, SaStatus::key);
    sps = copy("sps", sps, SpStatus::selector);
    Set<String> retained = new LinkedHashSet<>();
    for (String name : Objects.requireNonNull(retainedConnections, "retainedConnections")) {
      Checks.policyName("policy_name", name);
      if (conns.containsKey(name)) {
        throw new InvalidIpsecValueException("policy_name", name, "is both published and retained");
      }
      retained.add(name);
    }
    retainedConnections = Collections.unmodifiableSet(retained);
  }

  /** Nothing: publishing it removes every managed row. */
  public static IpsecStatusSnapshot empty() {
    return of(Map.of(), List.of(), List.of());
  }

  /**
   * A snapshot of the given statuses, retaining nothing.
   *
   * @throws InvalidIpsecValueException when two SAs or SPs have the same key, or a policy name is
   *     invalid
   */
  public static IpsecStatusSnapshot of(
      Map<String, ConnectionStatus> connections,
      Collection<SaStatus> sas,
      Collection<SpStatus> sps) {
    return new IpsecStatusSnapshot(
        connections,
        index("sa", sas, SaStatus::key),
        index("sp", sps, SpStatus::selector),
        Set.of(),
        false);
  }

  /** This snapshot, also leaving the rows of {@code names} untouched. */
  public IpsecStatusSnapshot retaining(Set<String> names) {
    return new IpsecStatusSnapshot(connections, sas, sps, names, partial);
  }

  /** This snapshot, leaving every connection row it does not name untouched. */
  public IpsecStatusSnapshot asPartial() {
    return new IpsecStatusSnapshot(connections, sas, sps, retainedConnections, true);
  }

  /** True when the row of {@code policyName} must be left as it is if not published. */
  public boolean retains(String policyName) {
    return partial || retainedConnections.contains(policyName);
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
