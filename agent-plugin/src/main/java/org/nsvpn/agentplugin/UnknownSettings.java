package org.nsvpn.agentplugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * Refuses settings under {@code nsvpn.} that no {@code reference.conf} on the class path defines: a
 * typo such as {@code zookeeper.conect} would otherwise be ignored, and the agent would quietly
 * start a private ZooKeeper. The message names the setting, where it was written, and the nearest
 * valid setting.
 */
final class UnknownSettings {
  private static final String ROOT = "nsvpn";

  private UnknownSettings() {}

  /**
   * Checks every setting of {@code operator} under {@code nsvpn.} against {@code reference}.
   *
   * @throws InvalidValueException for the first unknown setting (in file order)
   */
  static void check(Config operator, Config reference) {
    if (!operator.hasPath(ROOT)) {
      return;
    }
    List<Map.Entry<String, ConfigValue>> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : operator.getConfig(ROOT).entrySet()) {
      String path = ROOT + "." + e.getKey();
      if (!reference.hasPathOrNull(path)) {
        unknown.add(Map.entry(path, e.getValue()));
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    unknown.sort(
        Comparator.comparingInt(
            (Map.Entry<String, ConfigValue> e) ->
                Optional.ofNullable(e.getValue().origin()).map(o -> o.lineNumber()).orElse(0)));
    Map.Entry<String, ConfigValue> first = unknown.get(0);
    List<String> known = new ArrayList<>();
    if (reference.hasPath(ROOT)) {
      for (Map.Entry<String, ConfigValue> e : reference.getConfig(ROOT).entrySet()) {
        known.add(ROOT + "." + e.getKey());
      }
    }
    ConfigOrigin origin = first.getValue().origin();
    String where =
        origin == null
            ? ""
            : " ("
                + Optional.ofNullable(origin.filename()).orElse(origin.description())
                + (origin.lineNumber() > 0 ? " line " + origin.lineNumber() : "")
                + ")";
    String hint = nearest(first.getKey(), known).map(k -> "; did you mean " + k + "?").orElse("");
    throw new InvalidValueException(
        first.getKey(), first.getValue().render(), "is not a setting of nsvpn" + where + hint);
  }

  /** The known setting closest to {@code path} by edit distance, if any is reasonably close. */
  static Optional<String> nearest(String path, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(path, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(3, path.length() / 4)
        ? Optional.of(best)
        : Optional.empty();
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
