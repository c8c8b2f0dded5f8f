package org.nsvpn.cli;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.DeviceId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.routing.RouteType;
import org.nsvpn.chainrules.rules.Chain;
import org.nsvpn.chainrules.rules.Rule;
import org.nsvpn.topology.IntegrityException;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreBatch;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.StoreTransaction;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.TransactionTooLargeException;
import org.nsvpn.topology.VersionConflictException;
import org.nsvpn.topology.Versioned;

/**
 * Runs midonet-cli style command lines against the topology store. One line is one store
 * transaction (or, for a batched interpreter, one step of the batch's): it is parsed and validated
 * completely (every value through the chain-rules parsers and constructors, the result through the
 * store's consistency check and rules) before anything is written, so a refused line writes
 * nothing. Lines in midonet-cli's word orders are read too ({@link WordOrder}); a line holding what
 * looks like a PSK is refused before parsing ({@link Psk}). The grammar is in docs/architecture.md
 * ("nsvpn-cli").
 */
public final class Interpreter {
  /** Longer lines are refused before they are parsed. */
  public static final int MAX_LINE = 4096;

  static final List<String> TYPES =
      List.of(
          "router",
          "bridge",
          "port",
          "chain",
          "host",
          "gateway-group",
          "vpn-service",
          "ipsec-site-connection");
  static final List<String> VERBS =
      List.of("list", "show", "add", "create", "set", "clear", "delete");
  private static final Pattern WHITESPACE = Pattern.compile("[ \t]+");
  private static final Map<String, String> SYNONYMS =
      Map.of("inbound-filter", "infilter", "outbound-filter", "outfilter");

  private final TopologyStore store;
  private final SecretSource secrets;
  private final Optional<StoreBatch> batch;
  private final OutputFormat format;
  private final Clock clock;

  /** An interpreter that commits each line as a transaction of its own and prints text. */
  public Interpreter(TopologyStore store, SecretSource secrets) {
    this(store, secrets, Optional.empty(), OutputFormat.text, Clock.systemUTC());
  }

  /**
   * An interpreter that commits each line as a transaction of its own.
   *
   * @param clock what status views measure relative times against
   */
  Interpreter(TopologyStore store, SecretSource secrets, OutputFormat format, Clock clock) {
    this(store, secrets, Optional.empty(), format, clock);
  }

  private Interpreter(
      TopologyStore store,
      SecretSource secrets,
      Optional<StoreBatch> batch,
      OutputFormat format,
      Clock clock) {
    this.store = store;
    this.secrets = secrets;
    this.batch = batch;
    this.format = format;
    this.clock = clock;
  }

  /**
   * An interpreter whose lines all go into one {@link StoreBatch}: each is checked against what the
   * lines before it leave, and nothing is written before {@link #commitBatch()}.
   */
  static Interpreter batched(
      TopologyStore store, SecretSource secrets, OutputFormat format, Clock clock) {
    return new Interpreter(store, secrets, Optional.of(store.batch()), format, clock);
  }

  /**
   * Writes every line of a batched interpreter as one transaction.
   *
   * @throws CliException when the store refuses the batch (it changed meanwhile, or the batch is
   *     too large for one ZooKeeper transaction); nothing written
   * @throws StoreException when ZooKeeper fails
   */
  void commitBatch() {
    try {
      batch.orElseThrow().commit();
    } catch (IntegrityException | VersionConflictException | TransactionTooLargeException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /**
   * Runs one line and returns what it prints, in this interpreter's format. Blank lines and {@code
   * #} comments do nothing.
   *
   * @throws CliException when the line is refused; nothing has been written then
   * @throws StoreException when ZooKeeper fails
   */
  public List<String> execute(String line) {
    if (line.length() > MAX_LINE) {
      throw new CliException(
          "line: too long (" + line.length() + " characters; at most " + MAX_LINE + ")");
    }
    String trimmed = line.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return List.of();
    }
    List<String> typed = Arrays.asList(WHITESPACE.split(trimmed));
    Psk.refuseKeys(typed);
    List<String> words = WordOrder.canonical(typed);
    try {
      StoreSnapshot snapshot = batch.isPresent() ? batch.get().snapshot() : store.refresh();
      return format.render(new Command(snapshot, words).run());
    } catch (InvalidValueException e) {
      throw new CliException(e.getMessage(), e);
    } catch (IntegrityException | VersionConflictException | TransactionTooLargeException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /** One command being run against one snapshot. */
  final class Command {
    private final StoreSnapshot s;
    private final Refs refs;
    private final List<String> words;
    private int at;

    Command(StoreSnapshot snapshot, List<String> words) {
      this.s = snapshot;
      this.refs = new Refs(snapshot);
      this.words = words;
    }

    // ---- cursor ---------------------------------------------------------------------------

    private boolean more() {
      return at < words.size();
    }

    private String peek() {
      return more() ? words.get(at) : "";
    }

    private String next(String expected) {
      if (!more()) {
        throw new CliException(
            "expected " + expected + " after " + Text.quote(String.join(" ", words)));
      }
      return words.get(at++);
    }

    private List<String> rest() {
      List<String> out = words.subList(at, words.size());
      at = words.size();
      return out;
    }

    private boolean isVerb(String word) {
      return VERBS.contains(word);
    }

    private String verb(String context) {
      String v = next("a verb (" + String.join(", ", VERBS) + ")");
      if (!isVerb(v)) {
        throw new CliException(
            context
                + ": unknown verb "
                + Text.quote(v)
                + "; verbs are: "
                + String.join(", ", VERBS));
      }
      return v.equals("create") ? "add" : v;
    }

    private void noMoreWords() {
      if (more()) {
        throw new CliException("unexpected " + Text.quote(peek()) + " at the end of the command");
      }
    }

    // ---- dispatch -------------------------------------------------------------------------

    Output run() {
      String type = next("an object type");
      return switch (type) {
        case "router" -> router();
        case "bridge" -> bridge();
        case "port" -> topLevelPort();
        case "chain" -> chain();
        case "host" -> host();
        case "gateway-group" -> gatewayGroup();
        case "vpn-service" -> vpnService();
        case "ipsec-site-connection" -> topLevelConnection();
        case "help" -> new Output.Lines(Help.lines());
        default ->
            throw new CliException(
                "unknown object type "
                    + Text.quote(type)
                    + "; types are: "
                    + String.join(", ", TYPES)
                    + " (try: help)");
      };
    }

    private Printer printer() {
      return new Printer(s, () -> store.status().liveHosts().keySet());
    }

    private StatusView statusView() {
      return new StatusView(s, store.status(), printer(), clock.instant());
    }

    private StoreSnapshot commit(StoreTransaction tx) {
      return batch.isPresent() ? batch.get().add(tx) : store.commit(tx);
    }

    private Args args(String type, List<String> fields, Set<String> invertible) {
      List<String> list = rest();
      return Args.parse(type, list, fields, invertible, SYNONYMS);
    }

    private List<String> clearFields(String type, List<String> clearable) {
      List<String> fields = rest();
      if (fields.isEmpty()) {
        throw new CliException(
            type + ": clear what? clearable fields: " + String.join(", ", clearable));
      }
      List<String> out = new ArrayList<>();
      for (String f : fields) {
        String field = SYNONYMS.getOrDefault(f, f);
        if (!clearable.contains(field)) {
          throw new CliException(
              type
                  + ": cannot clear "
                  + Text.quote(f)
                  + "; clearable fields: "
                  + String.join(", ", clearable));
        }
        out.add(field);
      }
      return out;
    }

    /** {@code show}, or {@code show FIELD} for the value of one field. */
    private Output show(PrintedObject object) {
      if (more()) {
        String field = next("a field");
        noMoreWords();
        return new Output.Field(
            object
                .field(SYNONYMS.getOrDefault(field, field))
                .orElseThrow(
                    () ->
                        new CliException(
                            "show: "
                                + Text.quote(field)
                                + " is not set, or not a field of this object")));
      }
      return new Output.Shown(object);
    }

    private Output listing(java.util.stream.Stream<PrintedObject> objects) {
      return new Output.Listing(objects.toList(), false);
    }

    private Output created(StoreSnapshot after, EntityId id) {
      return new Output.Created(after.label(id), id);
    }

    // ---- routers --------------------------------------------------------------------------

    static final List<String> ROUTER_FIELDS =
        List.of("name", "state", "infilter", "outfilter", "local-redirect-chain");
    static final List<String> ROUTER_CLEARABLE =
        List.of("infilter", "outfilter", "local-redirect-chain");

    private Output router() {
      if (isVerb(peek())) {
        String verb = verb("router");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(s.list(ObjectKind.ROUTER).stream().map(v -> p.router(v.value())));
          }
          case "add" -> {
            Args a = args("router", ROUTER_FIELDS, Set.of());
            Router r =
                new Router(
                    RouterId.random(),
                    a.required("name"),
                    a.text("state").map(t -> Values.state("state", t)).orElse(true),
                    a.text("infilter").map(t -> refs.chain("infilter", t)),
                    a.text("outfilter").map(t -> refs.chain("outfilter", t)),
                    a.text("local-redirect-chain").map(t -> refs.chain("local-redirect-chain", t)));
            refs.requireUsableName(r);
            return created(commit(StoreTransaction.builder().create(r).build()), r.id());
          }
          default ->
              throw new CliException(
                  "router: '" + verb + "' needs a router, e.g. router router0 " + verb);
        }
      }
      RouterId id = refs.router("router", next("a router"));
      Versioned<Router> v = s.get(ObjectKind.ROUTER, id).orElseThrow();
      String sub = peek();
      if (sub.equals("port")) {
        at++;
        return ports(id);
      }
      if (sub.equals("route")) {
        at++;
        return routes(id);
      }
      String verb = verb("router " + s.label(id));
      switch (verb) {
        case "show" -> {
          return show(printer().router(v.value()));
        }
        case "add" -> {
          String child = next("port or route");
          return switch (child) {
            case "port" -> addPort(id);
            case "route" -> addRoute(id);
            default ->
                throw new CliException("router: can add port or route, not " + Text.quote(child));
          };
        }
        case "set" -> {
          Args a = args("router", ROUTER_FIELDS, Set.of());
          Router r = v.value();
          if (a.has("name")) {
            r =
                new Router(
                    id,
                    a.required("name"),
                    r.adminStateUp(),
                    r.inboundFilter(),
                    r.outboundFilter(),
                    r.localRedirectChain());
            refs.requireUsableName(r);
          }
          if (a.has("state")) {
            r = r.withAdminStateUp(Values.state("state", a.required("state")));
          }
          if (a.has("infilter")) {
            r = r.withInboundFilter(Optional.of(refs.chain("infilter", a.required("infilter"))));
          }
          if (a.has("outfilter")) {
            r = r.withOutboundFilter(Optional.of(refs.chain("outfilter", a.required("outfilter"))));
          }
          if (a.has("local-redirect-chain")) {
            r =
                r.withLocalRedirectChain(
                    Optional.of(
                        refs.chain("local-redirect-chain", a.required("local-redirect-chain"))));
          }
          commit(StoreTransaction.builder().update(r, v.version()).build());
          return Output.NONE;
        }
        case "clear" -> {
          Router r = v.value();
          for (String f : clearFields("router", ROUTER_CLEARABLE)) {
            r =
                switch (f) {
                  case "infilter" -> r.withInboundFilter(Optional.empty());
                  case "outfilter" -> r.withOutboundFilter(Optional.empty());
                  default -> r.withLocalRedirectChain(Optional.empty());
                };
          }
          commit(StoreTransaction.builder().update(r, v.version()).build());
          return Output.NONE;
        }
        case "delete" -> {
          return delete(id);
        }
        default -> throw new CliException("router: cannot '" + verb + "' a router");
      }
    }

    // ---- bridges ----------------------------------------------------------------------------

    static final List<String> BRIDGE_FIELDS = List.of("name", "state", "infilter", "outfilter");
    static final List<String> BRIDGE_CLEARABLE = List.of("infilter", "outfilter");

    private Output bridge() {
      if (isVerb(peek())) {
        String verb = verb("bridge");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(s.list(ObjectKind.BRIDGE).stream().map(v -> p.bridge(v.value())));
          }
          case "add" -> {
            Args a = args("bridge", BRIDGE_FIELDS, Set.of());
            Bridge b =
                new Bridge(
                    BridgeId.random(),
                    a.required("name"),
                    a.text("state").map(t -> Values.state("state", t)).orElse(true),
                    a.text("infilter").map(t -> refs.chain("infilter", t)),
                    a.text("outfilter").map(t -> refs.chain("outfilter", t)));
            refs.requireUsableName(b);
            return created(commit(StoreTransaction.builder().create(b).build()), b.id());
          }
          default ->
              throw new CliException(
                  "bridge: '" + verb + "' needs a bridge, e.g. bridge bridge0 " + verb);
        }
      }
      BridgeId id = refs.bridge("bridge", next("a bridge"));
      Versioned<Bridge> v = s.get(ObjectKind.BRIDGE, id).orElseThrow();
      if (peek().equals("port")) {
        at++;
        return ports(id);
      }
      String verb = verb("bridge " + s.label(id));
      switch (verb) {
        case "show" -> {
          return show(printer().bridge(v.value()));
        }
        case "add" -> {
          String child = next("port");
          if (!child.equals("port")) {
            throw new CliException("bridge: can add port, not " + Text.quote(child));
          }
          return addPort(id);
        }
        case "set" -> {
          Args a = args("bridge", BRIDGE_FIELDS, Set.of());
          Bridge b = v.value();
          if (a.has("name")) {
            b =
                new Bridge(
                    id,
                    a.required("name"),
                    b.adminStateUp(),
                    b.inboundFilter(),
                    b.outboundFilter());
            refs.requireUsableName(b);
          }
          if (a.has("state")) {
            b = b.withAdminStateUp(Values.state("state", a.required("state")));
          }
          if (a.has("infilter")) {
            b = b.withInboundFilter(Optional.of(refs.chain("infilter", a.required("infilter"))));
          }
          if (a.has("outfilter")) {
            b = b.withOutboundFilter(Optional.of(refs.chain("outfilter", a.required("outfilter"))));
          }
          commit(StoreTransaction.builder().update(b, v.version()).build());
          return Output.NONE;
        }
        case "clear" -> {
          Bridge b = v.value();
          for (String f : clearFields("bridge", BRIDGE_CLEARABLE)) {
            b =
                f.equals("infilter")
                    ? b.withInboundFilter(Optional.empty())
                    : b.withOutboundFilter(Optional.empty());
          }
          commit(StoreTransaction.builder().update(b, v.version()).build());
          return Output.NONE;
        }
        case "delete" -> {
          return delete(id);
        }
        default -> throw new CliException("bridge: cannot '" + verb + "' a bridge");
      }
    }

    // ---- ports ------------------------------------------------------------------------------

    static final List<String> ROUTER_PORT_FIELDS =
        List.of("mac", "address", "net", "addresses", "state", "peer");
    static final List<String> BRIDGE_PORT_FIELDS = List.of("state", "peer");
    static final List<String> PORT_CLEARABLE = List.of("peer", "binding");

    private Output ports(DeviceId device) {
      if (isVerb(peek())) {
        String verb = verb("port");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(s.list(ObjectKind.PORT, device).stream().map(v -> p.port(v.value())));
          }
          case "add" -> {
            return addPort(device);
          }
          default ->
              throw new CliException("port: '" + verb + "' needs a port, e.g. port port0 " + verb);
        }
      }
      return port(refs.port("port", device, next("a port")));
    }

    private Output topLevelPort() {
      if (isVerb(peek())) {
        String verb = verb("port");
        if (!verb.equals("list")) {
          throw new CliException("port: add ports to a device: router ROUTER add port ...");
        }
        noMoreWords();
        Printer p = printer();
        return new Output.Listing(
            s.list(ObjectKind.PORT).stream().map(v -> p.port(v.value())).toList(), true);
      }
      return port(refs.port("port", next("a port, e.g. router0:port1")));
    }

    private Output port(PortId id) {
      Versioned<Port> v = s.get(ObjectKind.PORT, id).orElseThrow();
      String verb = verb("port " + s.label(id));
      boolean routerPort = v.value() instanceof RouterPort;
      switch (verb) {
        case "show" -> {
          return show(printer().port(v.value()));
        }
        case "set" -> {
          Args a = args("port", routerPort ? ROUTER_PORT_FIELDS : BRIDGE_PORT_FIELDS, Set.of());
          Port p = v.value();
          StoreTransaction.Builder tx = StoreTransaction.builder();
          if (a.has("state")) {
            boolean up = Values.state("state", a.required("state"));
            p =
                p instanceof RouterPort rp
                    ? rp.withAdminStateUp(up)
                    : ((BridgePort) p).withAdminStateUp(up);
          }
          if (p instanceof RouterPort rp) {
            if (a.has("mac")) {
              rp = rp.withMac(Args.parse("mac", a.required("mac"), MacAddress::parse));
            }
            Optional<List<InterfaceAddress>> addresses = addresses(a);
            if (addresses.isPresent()) {
              rp = rp.withAddresses(addresses.get());
            }
            p = rp;
          }
          if (a.has("peer")) {
            PortId peerId = refs.port("peer", a.required("peer"));
            p = withPeer(p, Optional.of(peerId));
            link(tx, id, peerId, p.peer());
          }
          tx.update(p, v.version());
          commit(tx.build());
          return Output.NONE;
        }
        case "clear" -> {
          List<String> fields = clearFields("port", PORT_CLEARABLE);
          Port p = v.value();
          StoreTransaction.Builder tx = StoreTransaction.builder();
          if (fields.contains("peer") && p.peer().isPresent()) {
            Port peer = s.get(ObjectKind.PORT, p.peer().get()).orElseThrow().value();
            tx.update(
                withPeer(peer, Optional.empty()),
                s.get(ObjectKind.PORT, peer.id()).orElseThrow().version());
            p = withPeer(p, Optional.empty());
          }
          if (fields.contains("binding")) {
            p = withBinding(p, Optional.empty());
          }
          tx.update(p, v.version());
          commit(tx.build());
          return Output.NONE;
        }
        case "delete" -> {
          return delete(id);
        }
        default -> throw new CliException("port: cannot '" + verb + "' a port");
      }
    }

    /** Adds the writes that make {@code peerId} linked to {@code id} (and unlinks its old peer). */
    private void link(
        StoreTransaction.Builder tx, PortId id, PortId peerId, Optional<PortId> unused) {
      if (peerId.equals(id)) {
        throw Values.invalid("peer", s.label(peerId), "a port cannot be linked to itself");
      }
      Versioned<Port> peer = s.get(ObjectKind.PORT, peerId).orElseThrow();
      if (peer.value().peer().isPresent() && !peer.value().peer().get().equals(id)) {
        throw Values.invalid(
            "peer", s.label(peerId), "is already linked to " + s.label(peer.value().peer().get()));
      }
      if (peer.value().binding().isPresent()) {
        throw Values.invalid(
            "peer",
            s.label(peerId),
            "is bound to a host interface; only exterior ports can be bound");
      }
      tx.update(withPeer(peer.value(), Optional.of(id)), peer.version());
      s.get(ObjectKind.PORT, id)
          .flatMap(old -> old.value().peer())
          .filter(old -> !old.equals(peerId))
          .ifPresent(
              old -> {
                Versioned<Port> former = s.get(ObjectKind.PORT, old).orElseThrow();
                tx.update(withPeer(former.value(), Optional.empty()), former.version());
              });
    }

    private Port withPeer(Port p, Optional<PortId> peer) {
      return p instanceof RouterPort rp ? rp.withPeer(peer) : ((BridgePort) p).withPeer(peer);
    }

    private Port withBinding(Port p, Optional<HostBinding> binding) {
      return p instanceof RouterPort rp
          ? rp.withBinding(binding)
          : ((BridgePort) p).withBinding(binding);
    }

    private Optional<List<InterfaceAddress>> addresses(Args a) {
      if (a.has("addresses") && (a.has("address") || a.has("net"))) {
        throw new CliException("addresses: give either addresses or address with net, not both");
      }
      if (a.has("addresses")) {
        return Optional.of(
            Values.list("addresses", a.required("addresses"), InterfaceAddress::parse));
      }
      if (a.has("address") || a.has("net")) {
        IpAddress address = Args.parse("address", a.required("address"), IpAddress::parse);
        String netText = a.required("net");
        InterfaceAddress net = Args.parse("net", netText, InterfaceAddress::parse);
        if (net.family() != address.family() || !net.subnet().contains(address)) {
          throw Values.invalid("net", netText, "does not contain address " + address);
        }
        return Optional.of(List.of(new InterfaceAddress(address, net.prefixLength())));
      }
      return Optional.empty();
    }

    private Output addPort(DeviceId device) {
      PortId id = PortId.random();
      StoreTransaction.Builder tx = StoreTransaction.builder();
      Port port;
      if (device instanceof RouterId router) {
        Args a = args("port", ROUTER_PORT_FIELDS, Set.of());
        MacAddress mac =
            a.text("mac")
                .map(t -> Args.parse("mac", t, MacAddress::parse))
                .orElseGet(() -> MacAddress.randomLocal(new java.security.SecureRandom()));
        port =
            new RouterPort(
                id,
                router,
                a.text("state").map(t -> Values.state("state", t)).orElse(true),
                mac,
                addresses(a).orElse(List.of()),
                Optional.empty(),
                Optional.empty());
        port = peerOnCreate(tx, id, port, a);
      } else {
        Args a = args("port", BRIDGE_PORT_FIELDS, Set.of());
        port =
            new BridgePort(
                id,
                (BridgeId) device,
                a.text("state").map(t -> Values.state("state", t)).orElse(true),
                Optional.empty(),
                Optional.empty());
        port = peerOnCreate(tx, id, port, a);
      }
      tx.create(port);
      return created(commit(tx.build()), id);
    }

    private Port peerOnCreate(StoreTransaction.Builder tx, PortId id, Port port, Args a) {
      if (!a.has("peer")) {
        return port;
      }
      PortId peerId = refs.port("peer", a.required("peer"));
      link(tx, id, peerId, Optional.empty());
      return withPeer(port, Optional.of(peerId));
    }

    // ---- routes -----------------------------------------------------------------------------

    static final List<String> ROUTE_FIELDS = List.of("type", "src", "dst", "gw", "port", "weight");

    private Output routes(RouterId router) {
      if (isVerb(peek())) {
        String verb = verb("route");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(s.list(ObjectKind.ROUTE, router).stream().map(v -> p.route(v.value())));
          }
          case "add" -> {
            return addRoute(router);
          }
          default ->
              throw new CliException(
                  "route: '" + verb + "' needs a route, e.g. route route0 " + verb);
        }
      }
      RouteId id = refs.route("route", router, next("a route"));
      Versioned<Route> v = s.get(ObjectKind.ROUTE, id).orElseThrow();
      String verb = verb("route " + s.label(id));
      return switch (verb) {
        case "show" -> show(printer().route(v.value()));
        case "delete" -> delete(id);
        default ->
            throw new CliException(
                "route: routes can be shown and deleted; to change one, delete it and add another");
      };
    }

    private Output addRoute(RouterId router) {
      Args a = args("route", ROUTE_FIELDS, Set.of());
      IpSubnet dst = Values.subnet("dst", a.required("dst"));
      IpSubnet src = a.text("src").map(t -> Values.subnet("src", t)).orElse(Route.anySource(dst));
      Optional<PortId> port = a.text("port").map(t -> routePort(router, t));
      Route route =
          new Route(
              RouteId.random(),
              router,
              src,
              dst,
              a.text("type").map(t -> RouteType.parse("type", t)).orElse(RouteType.NORMAL),
              port,
              a.text("gw").map(t -> Args.parse("gw", t, IpAddress::parse)),
              a.text("weight")
                  .map(t -> Values.integer("weight", t, 0, 65535))
                  .orElse(Route.DEFAULT_WEIGHT));
      return created(commit(StoreTransaction.builder().create(route).build()), route.id());
    }

    /**
     * A route's port: relative to the router ({@code port1}) or anywhere ({@code router0:port1}).
     */
    private PortId routePort(RouterId router, String text) {
      if (text.indexOf(':') < 0
          && s.byAlias(ObjectKind.PORT, Optional.of(router), text).isPresent()) {
        return refs.port("port", router, text);
      }
      return refs.port("port", text);
    }

    // ---- chains and rules ---------------------------------------------------------------------

    private Output chain() {
      if (isVerb(peek())) {
        String verb = verb("chain");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(s.list(ObjectKind.CHAIN).stream().map(v -> p.chain(v.value())));
          }
          case "add" -> {
            Args a = args("chain", List.of("name"), Set.of());
            Chain c = Chain.empty(ChainId.random(), a.required("name"));
            refs.requireUsableName(c);
            return created(commit(StoreTransaction.builder().create(c).build()), c.id());
          }
          default ->
              throw new CliException(
                  "chain: '" + verb + "' needs a chain, e.g. chain chain0 " + verb);
        }
      }
      ChainId id = refs.chain("chain", next("a chain"));
      Versioned<Chain> v = s.get(ObjectKind.CHAIN, id).orElseThrow();
      if (peek().equals("rule")) {
        at++;
        return rules(v);
      }
      String verb = verb("chain " + s.label(id));
      switch (verb) {
        case "show" -> {
          return show(printer().chain(v.value()));
        }
        case "add" -> {
          String child = next("rule");
          if (!child.equals("rule")) {
            throw new CliException("chain: can add rule, not " + Text.quote(child));
          }
          return addRule(v);
        }
        case "set" -> {
          Args a = args("chain", List.of("name"), Set.of());
          Chain c = new Chain(id, a.required("name"), v.value().rules());
          refs.requireUsableName(c);
          commit(StoreTransaction.builder().update(c, v.version()).build());
          return Output.NONE;
        }
        case "delete" -> {
          return delete(id);
        }
        default -> throw new CliException("chain: cannot '" + verb + "' a chain");
      }
    }

    private Output rules(Versioned<Chain> chain) {
      ChainId id = chain.value().id();
      if (isVerb(peek())) {
        String verb = verb("rule");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            List<PrintedObject> out = new ArrayList<>();
            List<Rule> rules = chain.value().rules();
            for (int i = 0; i < rules.size(); i++) {
              out.add(p.rule(id, i + 1, rules.get(i)));
            }
            return new Output.Listing(out, false);
          }
          case "add" -> {
            return addRule(chain);
          }
          default ->
              throw new CliException("rule: '" + verb + "' needs a rule, e.g. rule rule0 " + verb);
        }
      }
      RuleId rule = refs.rule("rule", id, next("a rule"));
      String verb = verb("rule " + s.ruleLabel(id, rule));
      List<Rule> rules = chain.value().rules();
      int position = 0;
      while (!rules.get(position).id().equals(rule)) {
        position++;
      }
      return switch (verb) {
        case "show" -> show(printer().rule(id, position + 1, rules.get(position)));
        case "delete" -> {
          noMoreWords();
          commit(
              StoreTransaction.builder()
                  .update(chain.value().withoutRule(rule), chain.version())
                  .build());
          yield Output.NONE;
        }
        default ->
            throw new CliException(
                "rule: rules can be shown and deleted; to change one, delete it and add another");
      };
    }

    private Output addRule(Versioned<Chain> chain) {
      Args a = args("rule", RuleParser.FIELDS, RuleParser.INVERTIBLE);
      Rule rule = new RuleParser(refs).parse(a);
      int size = chain.value().rules().size();
      int position = a.text("pos").map(t -> Values.integer("pos", t, 1, size + 1)).orElse(size + 1);
      Chain updated = chain.value().withRule(position - 1, rule);
      StoreSnapshot after =
          commit(StoreTransaction.builder().update(updated, chain.version()).build());
      return new Output.Created(after.ruleLabel(updated.id(), rule.id()), rule.id());
    }

    // ---- hosts and bindings ---------------------------------------------------------------------

    static final List<String> HOST_FIELDS = List.of("name", "id");
    static final List<String> HOST_SET_FIELDS = List.of("name", "maintenance");

    private Output host() {
      if (isVerb(peek())) {
        String verb = verb("host");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(s.list(ObjectKind.HOST).stream().map(v -> p.host(v.value())));
          }
          case "add" -> {
            Args a = args("host", HOST_FIELDS, Set.of());
            HostId id =
                a.text("id").map(t -> Args.parse("id", t, HostId::parse)).orElseGet(HostId::random);
            Host h = new Host(id, a.required("name"));
            refs.requireUsableName(h);
            return created(commit(StoreTransaction.builder().create(h).build()), id);
          }
          default ->
              throw new CliException("host: '" + verb + "' needs a host, e.g. host host0 " + verb);
        }
      }
      HostId id = refs.host("host", next("a host"));
      Versioned<Host> v = s.get(ObjectKind.HOST, id).orElseThrow();
      if (peek().equals("binding")) {
        at++;
        String verb = verb("binding");
        if (!verb.equals("list")) {
          throw new CliException(
              "binding: use host HOST add binding ... or host HOST delete binding interface IF");
        }
        noMoreWords();
        Printer p = printer();
        return listing(
            s.list(ObjectKind.PORT).stream()
                .map(Versioned::value)
                .filter(port -> port.binding().map(b -> b.host().equals(id)).orElse(false))
                .map(p::binding));
      }
      String verb = verb("host " + s.label(id));
      switch (verb) {
        case "show" -> {
          return show(printer().host(v.value()));
        }
        case "set" -> {
          Args a = args("host", HOST_SET_FIELDS, Set.of());
          if (a.isEmpty()) {
            throw new CliException(
                "host: set what? fields are: " + String.join(", ", HOST_SET_FIELDS));
          }
          Host h = v.value();
          if (a.has("name")) {
            h = h.withName(a.required("name"));
            refs.requireUsableName(h);
          }
          if (a.has("maintenance")) {
            h = h.withMaintenance(Values.bool("maintenance", a.required("maintenance")));
          }
          commit(StoreTransaction.builder().update(h, v.version()).build());
          return Output.NONE;
        }
        case "add" -> {
          expectChild("binding");
          Args a = args("binding", List.of("interface", "port"), Set.of());
          HostBinding binding = new HostBinding(id, a.required("interface"));
          PortId portId = refs.port("port", a.required("port"));
          Versioned<Port> port = s.get(ObjectKind.PORT, portId).orElseThrow();
          if (port.value().binding().isPresent()) {
            throw Values.invalid(
                "port",
                s.label(portId),
                "is already bound to interface "
                    + port.value().binding().get().interfaceName()
                    + " of host "
                    + s.label(port.value().binding().get().host()));
          }
          if (port.value().peer().isPresent()) {
            throw Values.invalid(
                "port", s.label(portId), "is linked to a peer; only exterior ports can be bound");
          }
          commit(
              StoreTransaction.builder()
                  .update(withBinding(port.value(), Optional.of(binding)), port.version())
                  .build());
          return Output.NONE;
        }
        case "delete" -> {
          if (!more() || peek().equals("cascade")) {
            return delete(id);
          }
          expectChild("binding");
          Args a = args("binding", List.of("interface"), Set.of());
          String iface = a.required("interface");
          Optional<Port> bound = s.topology().portBoundTo(id, iface);
          if (bound.isEmpty()) {
            throw Values.invalid(
                "interface", iface, "no port is bound to it on host " + s.label(id));
          }
          Versioned<Port> port = s.get(ObjectKind.PORT, bound.get().id()).orElseThrow();
          commit(
              StoreTransaction.builder()
                  .update(withBinding(port.value(), Optional.empty()), port.version())
                  .build());
          return Output.NONE;
        }
        default -> throw new CliException("host: cannot '" + verb + "' a host");
      }
    }

    private void expectChild(String child) {
      String word = next(child);
      if (!word.equals(child)) {
        throw new CliException("expected " + child + ", got " + Text.quote(word));
      }
    }

    // ---- gateway groups ------------------------------------------------------------------------

    static final List<String> GROUP_FIELDS = List.of("name");
    static final List<String> MEMBER_FIELDS = List.of("member");

    private Output gatewayGroup() {
      if (isVerb(peek())) {
        String verb = verb("gateway-group");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(
                s.list(ObjectKind.GATEWAY_GROUP).stream().map(v -> p.gatewayGroup(v.value())));
          }
          case "add" -> {
            Args a = args("gateway-group", GROUP_FIELDS, Set.of());
            GatewayGroup g =
                new GatewayGroup(GatewayGroupId.random(), a.required("name"), Set.of());
            refs.requireUsableName(g);
            return created(commit(StoreTransaction.builder().create(g).build()), g.id());
          }
          default ->
              throw new CliException(
                  "gateway-group: '"
                      + verb
                      + "' needs a gateway-group, e.g. gateway-group gwgroup0 "
                      + verb);
        }
      }
      GatewayGroupId id = refs.gatewayGroup("gateway-group", next("a gateway-group"));
      Versioned<GatewayGroup> v = s.get(ObjectKind.GATEWAY_GROUP, id).orElseThrow();
      String verb = verb("gateway-group " + s.label(id));
      switch (verb) {
        case "show" -> {
          return show(printer().gatewayGroup(v.value()));
        }
        case "set" -> {
          Args a = args("gateway-group", GROUP_FIELDS, Set.of());
          GatewayGroup g = new GatewayGroup(id, a.required("name"), v.value().members());
          refs.requireUsableName(g);
          commit(StoreTransaction.builder().update(g, v.version()).build());
          return Output.NONE;
        }
        case "add" -> {
          String text = args("gateway-group", MEMBER_FIELDS, Set.of()).required("member");
          HostId host = refs.host("member", text);
          Set<HostId> members = new HashSet<>(v.value().members());
          if (!members.add(host)) {
            throw Values.invalid(
                "member", text, "is already a member of gateway-group " + s.label(id));
          }
          commit(
              StoreTransaction.builder()
                  .update(v.value().withMembers(members), v.version())
                  .build());
          return Output.NONE;
        }
        case "delete" -> {
          if (!more() || peek().equals("cascade")) {
            return delete(id);
          }
          String text = args("gateway-group", MEMBER_FIELDS, Set.of()).required("member");
          HostId host = refs.host("member", text);
          Set<HostId> members = new HashSet<>(v.value().members());
          if (!members.remove(host)) {
            throw Values.invalid("member", text, "is not a member of gateway-group " + s.label(id));
          }
          commit(
              StoreTransaction.builder()
                  .update(v.value().withMembers(members), v.version())
                  .build());
          return Output.NONE;
        }
        default -> throw new CliException("gateway-group: cannot '" + verb + "' a gateway-group");
      }
    }

    // ---- VPN services and connections
    // -------------------------------------------------------------

    static final List<String> SERVICE_FIELDS =
        List.of(
            "name",
            "router",
            "external-ip",
            "state",
            "gateway-group",
            "ca-certificates",
            "crl-uris");
    static final List<String> SERVICE_SET_FIELDS =
        List.of("name", "external-ip", "state", "gateway-group", "ca-certificates", "crl-uris");
    static final List<String> SERVICE_CLEARABLE =
        List.of("gateway-group", "ca-certificates", "crl-uris");
    static final List<String> CONNECTION_CLEARABLE = List.of("local-id", "pfs");

    private Output vpnService() {
      if (isVerb(peek())) {
        String verb = verb("vpn-service");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(
                s.list(ObjectKind.VPN_SERVICE).stream().map(v -> p.vpnService(v.value())));
          }
          case "add" -> {
            Args a = args("vpn-service", SERVICE_FIELDS, Set.of());
            VpnService service =
                new VpnService(
                    VpnServiceId.random(),
                    a.required("name"),
                    refs.router("router", a.required("router")),
                    Args.parse("external-ip", a.required("external-ip"), IpAddress::parse),
                    a.text("state").map(t -> Values.state("state", t)).orElse(true),
                    a.text("gateway-group").map(t -> refs.gatewayGroup("gateway-group", t)),
                    a.text("ca-certificates")
                        .map(t -> Credentials.certificates("ca-certificates", t))
                        .orElse(List.of()),
                    a.text("crl-uris")
                        .map(t -> Values.list("crl-uris", t, uri -> uri))
                        .orElse(List.of()));
            refs.requireUsableName(service);
            return created(
                commit(StoreTransaction.builder().create(service).build()), service.id());
          }
          default ->
              throw new CliException(
                  "vpn-service: '" + verb + "' needs a service, e.g. vpn-service vpn0 " + verb);
        }
      }
      VpnServiceId id = refs.vpnService("vpn-service", next("a vpn-service"));
      Versioned<VpnService> v = s.get(ObjectKind.VPN_SERVICE, id).orElseThrow();
      if (peek().equals("ipsec-site-connection")) {
        at++;
        return connections(id);
      }
      String verb = verb("vpn-service " + s.label(id));
      switch (verb) {
        case "show" -> {
          if (peek().equals("status")) {
            at++;
            noMoreWords();
            return statusView().render(v.value());
          }
          return show(printer().vpnService(v.value()));
        }
        case "add" -> {
          expectChild("ipsec-site-connection");
          return addConnection(id);
        }
        case "set" -> {
          Args a = args("vpn-service", SERVICE_SET_FIELDS, Set.of());
          VpnService old = v.value();
          VpnService updated =
              new VpnService(
                  id,
                  a.text("name").orElse(old.name()),
                  old.router(),
                  a.text("external-ip")
                      .map(t -> Args.parse("external-ip", t, IpAddress::parse))
                      .orElse(old.externalIp()),
                  a.text("state").map(t -> Values.state("state", t)).orElse(old.adminStateUp()),
                  a.text("gateway-group")
                      .map(t -> Optional.of(refs.gatewayGroup("gateway-group", t)))
                      .orElse(old.gatewayGroup()),
                  a.text("ca-certificates")
                      .map(t -> Credentials.certificates("ca-certificates", t))
                      .orElse(old.caCertificates()),
                  a.text("crl-uris")
                      .map(t -> Values.list("crl-uris", t, uri -> uri))
                      .orElse(old.crlUris()));
          refs.requireUsableName(updated);
          commit(StoreTransaction.builder().update(updated, v.version()).build());
          return Output.NONE;
        }
        case "clear" -> {
          VpnService updated = v.value();
          for (String f : clearFields("vpn-service", SERVICE_CLEARABLE)) {
            if (f.equals("gateway-group")) {
              updated = updated.withGatewayGroup(Optional.empty());
            } else if (f.equals("ca-certificates")) {
              updated = updated.withCaCertificates(List.of(), updated.crlUris());
            } else {
              updated = updated.withCaCertificates(updated.caCertificates(), List.of());
            }
          }
          commit(StoreTransaction.builder().update(updated, v.version()).build());
          return Output.NONE;
        }
        case "delete" -> {
          return delete(id);
        }
        default -> throw new CliException("vpn-service: cannot '" + verb + "' a vpn-service");
      }
    }

    private Output connections(VpnServiceId service) {
      if (isVerb(peek())) {
        String verb = verb("ipsec-site-connection");
        switch (verb) {
          case "list" -> {
            noMoreWords();
            Printer p = printer();
            return listing(
                s.list(ObjectKind.CONNECTION, service).stream().map(v -> p.connection(v.value())));
          }
          case "add" -> {
            return addConnection(service);
          }
          default ->
              throw new CliException(
                  "ipsec-site-connection: '"
                      + verb
                      + "' needs a connection, e.g. ipsec-site-connection conn0 "
                      + verb);
        }
      }
      return connection(refs.connection("ipsec-site-connection", service, next("a connection")));
    }

    private Output topLevelConnection() {
      if (isVerb(peek())) {
        String verb = verb("ipsec-site-connection");
        if (!verb.equals("list")) {
          throw new CliException(
              "ipsec-site-connection: add connections to a service: vpn-service SERVICE add ipsec-site-connection ...");
        }
        if (peek().equals("status")) {
          at++;
          noMoreWords();
          return statusView().overview();
        }
        noMoreWords();
        Printer p = printer();
        return listing(s.list(ObjectKind.CONNECTION).stream().map(v -> p.connection(v.value())));
      }
      return connection(
          refs.connection("ipsec-site-connection", next("a connection, e.g. vpn0:conn0")));
    }

    private Output connection(IpsecSiteConnectionId id) {
      Versioned<IpsecSiteConnection> v = s.get(ObjectKind.CONNECTION, id).orElseThrow();
      String verb = verb("ipsec-site-connection " + s.label(id));
      switch (verb) {
        case "show" -> {
          return show(printer().connection(v.value()));
        }
        case "set" -> {
          Args a = args("ipsec-site-connection", ConnectionParser.FIELDS, Set.of());
          StoreTransaction.Builder tx = StoreTransaction.builder();
          IpsecSiteConnection.Builder b =
              new ConnectionParser().apply(Optional.of(v.value()), v.value().toBuilder(), a);
          byte[] secret = authentication(Optional.of(v.value()), b, a, id);
          try {
            IpsecSiteConnection updated = b.build();
            refs.requireUsableName(updated);
            if (secret != null) {
              tx.putSecret(updated.secret(), secret);
            }
            if (!updated.secret().equals(v.value().secret())) {
              tx.deleteSecret(v.value().secret());
            }
            tx.update(updated, v.version());
            commit(tx.build());
          } finally {
            if (secret != null) {
              Arrays.fill(secret, (byte) 0);
            }
          }
          return Output.NONE;
        }
        case "clear" -> {
          IpsecSiteConnection.Builder b = v.value().toBuilder();
          for (String f : clearFields("ipsec-site-connection", CONNECTION_CLEARABLE)) {
            if (f.equals("local-id")) {
              b.localId(Optional.empty());
            } else {
              b.ipsecPolicy(v.value().ipsecPolicy().withPfs(Optional.empty()));
            }
          }
          commit(StoreTransaction.builder().update(b.build(), v.version()).build());
          return Output.NONE;
        }
        case "delete" -> {
          return delete(id);
        }
        default ->
            throw new CliException("ipsec-site-connection: cannot '" + verb + "' a connection");
      }
    }

    private Output addConnection(VpnServiceId service) {
      Args a = args("ipsec-site-connection", ConnectionParser.FIELDS, Set.of());
      IpsecSiteConnectionId id = IpsecSiteConnectionId.random();
      IpsecSiteConnection.Builder b =
          IpsecSiteConnection.builder().id(id).vpnService(service).name(a.required("name"));
      new ConnectionParser().apply(Optional.empty(), b, a);
      byte[] secret = authentication(Optional.empty(), b, a, id);
      try {
        IpsecSiteConnection connection = b.build();
        refs.requireUsableName(connection);
        StoreSnapshot after =
            commit(
                StoreTransaction.builder()
                    .create(connection)
                    .putSecret(connection.secret(), secret)
                    .build());
        return created(after, id);
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }

    /**
     * Sets the connection's authentication as {@code a} asks ({@code auth}, {@code psk}, {@code
     * certificate}, {@code private-key}) on {@code b}, and returns the secret to store: the PSK or
     * the private key when one was given (always for a new connection or a change of method), else
     * null. A certificate comes with its key, and the key must be the certificate's; the values of
     * the other method are refused. The caller zeroes the returned array.
     */
    private byte[] authentication(
        Optional<IpsecSiteConnection> current,
        IpsecSiteConnection.Builder b,
        Args a,
        IpsecSiteConnectionId id) {
      AuthMethod auth =
          a.text("auth")
              .map(t -> AuthMethod.parse("auth", t))
              .orElse(current.map(IpsecSiteConnection::auth).orElse(AuthMethod.PSK));
      boolean switching = current.map(c -> c.auth() != auth).orElse(true);
      if (auth == AuthMethod.PSK) {
        for (String field : List.of("certificate", "private-key")) {
          if (a.has(field)) {
            throw new CliException(field + ": only with auth cert");
          }
        }
        SecretRef ref =
            current.filter(c -> !switching).map(c -> c.secret()).orElse(new SecretRef("psk-" + id));
        b.psk(ref);
        if (!a.has("psk") && !switching) {
          return null;
        }
        if (!a.has("psk") && current.isPresent()) {
          a.required("psk");
        }
        return Psk.read(a.text("psk").orElse("prompt"), secrets);
      }
      if (a.has("psk")) {
        throw new CliException(
            "psk: not used with auth cert; give certificate file:PATH and private-key"
                + " file:PATH or private-key stdin");
      }
      Certificate certificate =
          a.text("certificate")
              .map(t -> Credentials.certificate("certificate", t))
              .orElseGet(
                  () ->
                      switching
                          ? Credentials.certificate("certificate", a.required("certificate"))
                          : current.get().localCertificate().orElseThrow());
      if (!a.has("private-key") && (switching || a.has("certificate"))) {
        throw new CliException(
            "private-key: give the certificate's private key with it: private-key file:PATH (a"
                + " file only its owner can read) or private-key stdin");
      }
      SecretRef ref =
          current.filter(c -> !switching).map(c -> c.secret()).orElse(new SecretRef("key-" + id));
      b.certificate(certificate, ref);
      if (!a.has("private-key")) {
        return null;
      }
      return Credentials.privateKey(a.required("private-key"), secrets, certificate);
    }

    // ---- deletion -----------------------------------------------------------------------------

    /** {@code ... delete [cascade]}: see {@link Deletion}. */
    private Output delete(EntityId id) {
      boolean cascade = peek().equals("cascade");
      if (cascade) {
        at++;
      }
      noMoreWords();
      commit(Deletion.of(s, id, cascade));
      return Output.NONE;
    }
  }

  /** The kinds and verbs, for completion. */
  static List<String> kinds() {
    return TYPES;
  }

  static String describe(Set<String> values) {
    return values.stream().sorted().collect(Collectors.joining(", "));
  }
}
