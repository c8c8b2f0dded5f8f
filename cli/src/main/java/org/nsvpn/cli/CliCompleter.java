package org.nsvpn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.Versioned;

/**
 * Tab completion: object types first, then aliases of the type, verbs and nested types, then the
 * field names of the object being added, set or cleared, and aliases for fields that name objects
 * ({@code gateway-group G delete member} offers the group's members).
 */
final class CliCompleter implements Completer {
  private static final Map<String, List<String>> CHILDREN = WordOrder.CHILDREN;
  private static final Map<String, List<String>> FIELDS =
      Map.ofEntries(
          Map.entry("router", Interpreter.Command.ROUTER_FIELDS),
          Map.entry("bridge", Interpreter.Command.BRIDGE_FIELDS),
          Map.entry("port", Interpreter.Command.ROUTER_PORT_FIELDS),
          Map.entry("route", Interpreter.Command.ROUTE_FIELDS),
          Map.entry("chain", List.of("name")),
          Map.entry("rule", RuleParser.FIELDS),
          Map.entry("host", Interpreter.Command.HOST_FIELDS),
          Map.entry("binding", List.of("interface", "port")),
          Map.entry("gateway-group", Interpreter.Command.GROUP_FIELDS),
          Map.entry("vpn-service", Interpreter.Command.SERVICE_FIELDS),
          Map.entry("ipsec-site-connection", ConnectionParser.FIELDS));

  /** The fields of {@code set} where they differ from those of {@code add}. */
  private static final Map<String, List<String>> SET_FIELDS =
      Map.of(
          "host", Interpreter.Command.HOST_SET_FIELDS,
          "vpn-service", Interpreter.Command.SERVICE_SET_FIELDS);

  private static final Map<String, List<String>> CLEARABLE =
      Map.of(
          "router", Interpreter.Command.ROUTER_CLEARABLE,
          "bridge", Interpreter.Command.BRIDGE_CLEARABLE,
          "port", Interpreter.Command.PORT_CLEARABLE,
          "vpn-service", Interpreter.Command.SERVICE_CLEARABLE,
          "ipsec-site-connection", Interpreter.Command.CONNECTION_CLEARABLE);
  private static final Map<String, ObjectKind<?, ?>> REFERENCE_FIELDS =
      Map.ofEntries(
          Map.entry("infilter", ObjectKind.CHAIN),
          Map.entry("outfilter", ObjectKind.CHAIN),
          Map.entry("local-redirect-chain", ObjectKind.CHAIN),
          Map.entry("jump-to", ObjectKind.CHAIN),
          Map.entry("router", ObjectKind.ROUTER),
          Map.entry("gateway-group", ObjectKind.GATEWAY_GROUP),
          Map.entry("member", ObjectKind.HOST),
          Map.entry("peer", ObjectKind.PORT),
          Map.entry("port", ObjectKind.PORT),
          Map.entry("target-port", ObjectKind.PORT),
          Map.entry("in-ports", ObjectKind.PORT),
          Map.entry("out-ports", ObjectKind.PORT));
  private static final Map<String, List<String>> VALUES =
      Map.of(
          "state", List.of("up", "down"),
          "action", List.of("redirect", "accept", "drop", "reject", "return", "continue"),
          "psk", List.of("prompt", "stdin", "file:"),
          "auth", List.of("psk", "cert"),
          "certificate", List.of("file:"),
          "private-key", List.of("stdin", "file:"),
          "ca-certificates", List.of("file:"),
          "maintenance", List.of("true", "false"),
          "proto", List.of("tcp", "udp", "icmp", "esp", "ah", "gre", "sctp"));

  private final Supplier<StoreSnapshot> snapshot;

  CliCompleter(Supplier<StoreSnapshot> snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    List<String> before = line.words().subList(0, line.wordIndex());
    for (String s : suggestions(before)) {
      candidates.add(new Candidate(s, s, null, null, null, null, !s.endsWith(":")));
    }
  }

  /** What may follow {@code words}. Package-private for tests. */
  List<String> suggestions(List<String> words) {
    if (words.isEmpty()) {
      List<String> out = new ArrayList<>(Interpreter.TYPES);
      out.add("help");
      return out;
    }
    StoreSnapshot s = snapshot.get();
    String type = words.get(0);
    String current = type;
    int i = 1;
    boolean expectRef = true;
    String verb = null;
    while (i < words.size()) {
      String w = words.get(i);
      if (verb != null) {
        break;
      }
      if (Interpreter.VERBS.contains(w)) {
        verb = w;
      } else if (!expectRef && CHILDREN.getOrDefault(current, List.of()).contains(w)) {
        current = w;
        expectRef = true;
      } else if (expectRef) {
        expectRef = false;
      } else {
        return List.of();
      }
      i++;
    }
    if (verb == null) {
      List<String> out = new ArrayList<>();
      if (expectRef) {
        out.addAll(aliases(s, current));
        out.add("list");
        out.add("add");
      } else {
        out.addAll(List.of("show", "set", "clear", "delete", "add"));
        out.addAll(CHILDREN.getOrDefault(current, List.of()));
      }
      return out;
    }
    if (verb.equals("show") && current.equals("vpn-service") && i == words.size()) {
      return List.of("status");
    }
    if (verb.equals("clear") && !expectRef) {
      List<String> out = new ArrayList<>(CLEARABLE.getOrDefault(current, List.of()));
      out.removeAll(words.subList(i, words.size()));
      return out;
    }
    if (current.equals("gateway-group")
        && !expectRef
        && (verb.equals("add") || verb.equals("create") || verb.equals("delete"))) {
      return members(s, words.get(i - 2), verb.equals("delete"), words.subList(i, words.size()));
    }
    if (!(verb.equals("add") || verb.equals("create") || verb.equals("set"))) {
      return List.of();
    }
    List<String> rest = words.subList(i, words.size());
    if (verb.equals("add")
        && !rest.isEmpty()
        && CHILDREN.getOrDefault(current, List.of()).contains(rest.get(0))) {
      current = rest.get(0);
      rest = rest.subList(1, rest.size());
    } else if (verb.equals("add") && rest.isEmpty() && !expectRef) {
      return CHILDREN.getOrDefault(current, List.of());
    }
    if (rest.size() % 2 == 1) {
      String field = rest.get(rest.size() - 1).replace("!", "");
      if (REFERENCE_FIELDS.containsKey(field)
          && !(current.equals("route") && field.equals("type"))) {
        return aliases(s, REFERENCE_FIELDS.get(field).name());
      }
      if (field.equals("type")) {
        return current.equals("route")
            ? List.of("normal", "blackhole", "reject", "local")
            : List.of("accept", "drop", "reject", "return", "continue", "jump", "l2-transform");
      }
      return VALUES.getOrDefault(field, List.of());
    }
    if (verb.equals("set") && SET_FIELDS.containsKey(current)) {
      return SET_FIELDS.get(current);
    }
    return FIELDS.getOrDefault(current, List.of());
  }

  /**
   * After {@code gateway-group G add|delete}: {@code member}, then the hosts that may follow it
   * (for {@code delete}, the members of {@code group}).
   */
  private static List<String> members(
      StoreSnapshot s, String group, boolean delete, List<String> rest) {
    if (rest.isEmpty()) {
      return List.of("member");
    }
    if (rest.size() != 1 || !rest.get(0).equals("member")) {
      return List.of();
    }
    if (!delete) {
      return aliases(s, "host");
    }
    try {
      GatewayGroupId id = new Refs(s).gatewayGroup("gateway-group", group);
      return s.topology().gatewayGroup(id).orElseThrow().members().stream()
          .map(s::label)
          .sorted()
          .toList();
    } catch (CliException e) {
      return aliases(s, "host");
    }
  }

  private static List<String> aliases(StoreSnapshot s, String type) {
    Optional<ObjectKind<?, ?>> kind = ObjectKind.byName(type);
    if (kind.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Versioned<?> v : s.list(kind.get())) {
      EntityId id = v.value().id();
      out.add(s.label(id));
    }
    return out;
  }
}
