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
  @SafeVarargs
  static String next(String prefix, Collection<String>... taken) {
    long max = -1;
    for (Collection<String> aliases : taken) {
      for (String alias : aliases) {
        max = Math.max(max, indexWith(prefix, alias));
      }
    }
    return prefix + (max + 1);
  }

  /**
   * The index of {@code alias} if it is {@code prefix} followed by an index, else -1; what {@link
   * #INDEXED} would match, without a regular expression (this runs once per stored alias of a scope
   * whenever an object is created in it).
   */
  private static long indexWith(String prefix, String alias) {
    int digits = alias.length() - prefix.length();
    if (digits < 1 || digits > 9 || !alias.startsWith(prefix)) {
      return -1;
    }
    if (digits > 1 && alias.charAt(prefix.length()) == '0') {
      return -1;
    }
    long value = 0;
    for (int i = prefix.length(); i < alias.length(); i++) {
      char c = alias.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
