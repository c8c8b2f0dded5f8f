package org.nsvpn.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.rules.PortRange;

/** Parsers for the CLI's value syntax; every error names the field and quotes the value. */
final class Values {
  private static final Map<String, Integer> PROTOCOLS =
      Map.of(
          "icmp", 1, "tcp", 6, "udp", 17, "gre", 47, "esp", 50, "ah", 51, "icmpv6", 58, "sctp",
          132);
  private static final Map<String, Integer> ETHERTYPES =
      Map.of("ipv4", 0x0800, "arp", 0x0806, "ipv6", 0x86dd);
  private static final Pattern RANGE_WITH_DASH = Pattern.compile("[0-9]{1,5}-[0-9]{1,5}");

  private Values() {}

  static CliException invalid(String field, String value, String reason) {
    return new CliException(new InvalidValueException(field, value, reason).getMessage());
  }

  static boolean bool(String field, String text) {
    return switch (text) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw invalid(field, text, "must be true or false");
    };
  }

  /** {@code up} or {@code down}. */
  static boolean state(String field, String text) {
    return switch (text) {
      case "up" -> true;
      case "down" -> false;
      default -> throw invalid(field, text, "must be up or down");
    };
  }

  static long number(String field, String text, long min, long max) {
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(field, text, "must be a number " + min + ".." + max);
    }
    long value = Long.parseLong(text);
    if (value < min || value > max) {
      throw invalid(field, text, "must be " + min + ".." + max);
    }
    return value;
  }

  static int integer(String field, String text, int min, int max) {
    return (int) number(field, text, min, max);
  }

  /** Whole seconds, with an optional unit: {@code 3600}, {@code 3600s}, {@code 60m}, {@code 1h}. */
  static Duration duration(String field, String text) {
    long unit = 1;
    String digits = text;
    if (text.endsWith("s")) {
      digits = text.substring(0, text.length() - 1);
    } else if (text.endsWith("m")) {
      unit = 60;
      digits = text.substring(0, text.length() - 1);
    } else if (text.endsWith("h")) {
      unit = 3600;
      digits = text.substring(0, text.length() - 1);
    }
    if (digits.isEmpty()
        || digits.length() > 7
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(
          field, text, "must be whole seconds, or minutes/hours with m/h (e.g. 3600, 60m, 1h)");
    }
    return Duration.ofSeconds(Long.parseLong(digits) * unit);
  }

  /** An IP protocol number 0..255 or a name (tcp, udp, icmp, esp, ah, gre, sctp, icmpv6). */
  static int protocol(String field, String text) {
    Integer named = PROTOCOLS.get(text);
    if (named != null) {
      return named;
    }
    if (text.chars().allMatch(c -> c >= '0' && c <= '9') && !text.isEmpty() && text.length() <= 9) {
      return integer(field, text, 0, 255);
    }
    throw invalid(field, text, "must be 0..255 or tcp, udp, icmp, esp, ah, gre, sctp, icmpv6");
  }

  /** An EtherType: decimal, {@code 0x} hex, or ipv4, arp, ipv6. */
  static int etherType(String field, String text) {
    Integer named = ETHERTYPES.get(text);
    if (named != null) {
      return named;
    }
    if (text.matches("0x[0-9a-fA-F]{1,4}")) {
      return Integer.parseInt(text.substring(2), 16);
    }
    if (!text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return integer(field, text, 0, 65535);
    }
    throw invalid(field, text, "must be 0..65535, 0x0000..0xffff or ipv4, arp, ipv6");
  }

  /**
   * An L4 port range: {@code N}, {@code N:M}, or {@code N-M} as midonet-cli writes it. Errors quote
   * the text as typed.
   */
  static PortRange portRange(String field, String text) {
    String canonical = RANGE_WITH_DASH.matcher(text).matches() ? text.replace('-', ':') : text;
    try {
      return PortRange.parse(canonical);
    } catch (InvalidValueException e) {
      throw invalid(field, text, e.reason());
    }
  }

  /**
   * A subnet of a rule or route: {@code ADDRESS/LENGTH}, or a bare address for its host prefix
   * (/32, /128), as midonet-cli reads it and {@link Printer} prints it.
   */
  static IpSubnet subnet(String field, String text) {
    if (text.indexOf('/') < 0) {
      return IpSubnet.host(Args.parse(field, text, IpAddress::parse));
    }
    return Args.parse(field, text, IpSubnet::parse);
  }

  /** A comma-separated list, each item parsed; empty items refused. */
  static <T> List<T> list(String field, String text, Function<String, T> item) {
    List<T> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw invalid(field, text, "empty item in comma-separated list");
      }
      out.add(Args.parse(field, part, item));
    }
    return out;
  }
}
