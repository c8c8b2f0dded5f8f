package org.nsvpn.topology;

import java.util.Collection;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Alias arithmetic: {@code prefix} followed by a decimal index, allocated as max + 1. */
final class Aliases {
  private static final Pattern INDEXED = Pattern.compile("([a-z-]+?)(0|[1-9][0-9]{0,8})");

  /** Orders aliases by prefix, then numerically by index ({@code port2} before {@code port10}). */
  static final Comparator<String> ORDER =
      Comparator.comparing(Aliases::prefix).thenComparingLong(Aliases::index).thenComparing(a -> a);

  private Aliases() {}

  static String prefix(String alias) {
    Matcher m = INDEXED.matcher(alias);
    return m.matches() ? m.group(1) : alias;
  }

  static long index(String alias) {
    Matcher m = INDEXED.matcher(alias);
    return m.matches() ? Long.parseLong(m.group(2)) : -1;
  }

  /** The next alias with {@code prefix} after all of {@code taken}: highest index + 1. */
  static String next(String prefix, Collection<String> taken) {
    long max = -1;
    for (String alias : taken) {
      Matcher m = INDEXED.matcher(alias);
      if (m.matches() && m.group(1).equals(prefix)) {
        max = Math.max(max, Long.parseLong(m.group(2)));
      }
    }
    return prefix + (max + 1);
  }
}
