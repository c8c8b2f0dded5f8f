package org.nsvpn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The word orders midonet-cli users type, rewritten before parsing into nsvpn-cli's one order,
 * {@code TYPE [REF [CHILD REF]] VERB ...}:
 *
 * <ul>
 *   <li>the verb first: {@code list router} for {@code router list}, {@code list router router0
 *       port}, {@code show router router0 [port port0] [FIELD]}, {@code delete router router0
 *       [cascade]};
 *   <li>the verb before a child: {@code router router0 list port}, {@code router router0 show port
 *       port0 [FIELD]}, {@code router router0 delete port port0}.
 * </ul>
 *
 * <p>Only lines that nsvpn-cli's own grammar refuses are rewritten, so no line changes meaning: no
 * type is called {@code list}, {@code show} or {@code delete}, and after {@code TYPE REF} a verb
 * followed by a child type names no field. {@code host H delete binding interface IF} (a binding is
 * named by its interface, not by a reference) and {@code gateway-group G delete member H} stay as
 * they are.
 */
final class WordOrder {
  private static final Set<String> VERB_FIRST = Set.of("list", "show", "delete");

  /** The types nested under each type ({@code router R port P}); the completer offers them too. */
  static final Map<String, List<String>> CHILDREN =
      Map.of(
          "router", List.of("port", "route"),
          "bridge", List.of("port"),
          "chain", List.of("rule"),
          "host", List.of("binding"),
          "vpn-service", List.of("ipsec-site-connection"));

  private WordOrder() {}

  /** {@code words} in nsvpn-cli's order; the same list when no rewrite applies. */
  static List<String> canonical(List<String> words) {
    if (words.size() >= 2
        && VERB_FIRST.contains(words.get(0))
        && Interpreter.TYPES.contains(words.get(1))) {
      return verbFirst(words);
    }
    if (words.size() >= 4 && CHILDREN.containsKey(words.get(0))) {
      String type = words.get(0);
      String verb = words.get(2);
      String child = words.get(3);
      if (!CHILDREN.get(type).contains(child)) {
        return words;
      }
      if (verb.equals("list") && words.size() == 4) {
        return List.of(type, words.get(1), child, "list");
      }
      if ((verb.equals("show") || verb.equals("delete"))
          && !child.equals("binding")
          && words.size() >= 5) {
        List<String> out = new ArrayList<>(List.of(type, words.get(1), child, words.get(4), verb));
        out.addAll(words.subList(5, words.size()));
        return out;
      }
    }
    return words;
  }

  /** {@code VERB TYPE [REF [CHILD REF]] [REST]}: the verb moves behind the object it names. */
  private static List<String> verbFirst(List<String> words) {
    String verb = words.get(0);
    List<String> object = words.subList(1, words.size());
    if (verb.equals("list")) {
      List<String> out = new ArrayList<>(object);
      out.add("list");
      return out;
    }
    int end = Math.min(2, object.size());
    List<String> children = CHILDREN.getOrDefault(object.get(0), List.of());
    if (end + 1 < object.size()
        && children.contains(object.get(end))
        && !object.get(end).equals("binding")) {
      end += 2;
    }
    List<String> out = new ArrayList<>(object.subList(0, end));
    out.add(verb);
    out.addAll(object.subList(end, object.size()));
    return out;
  }
}
