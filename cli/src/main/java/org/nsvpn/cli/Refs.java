package org.nsvpn.cli;

import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.DeviceId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.RuleId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.topology.NameScopes;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.Versioned;

/**
 * Resolves what users type to refer to objects: an alias ({@code router0}, {@code port1} within its
 * device, {@code router0:port1} anywhere), an object's name when it is unique, or its UUID. Errors
 * name the field being filled and quote the reference.
 */
final class Refs {
  private final StoreSnapshot snapshot;

  Refs(StoreSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  private static final java.util.regex.Pattern UUID_TEXT =
      java.util.regex.Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * A top-level object of a global kind: router, bridge, chain, host, vpn-service, gateway-group.
   */
  <I extends EntityId, T extends Identified> I global(
      String field, ObjectKind<I, T> kind, String text) {
    List<I> found = find(kind, text);
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.size() > 1) {
      throw Values.invalid(
          field, text, "names " + found.size() + " " + kind.name() + "s; use the alias or id");
    }
    throw Values.invalid(field, text, "no " + kind.name() + " with this alias, name or id");
  }

  /** The objects {@code text} can mean: by alias, else by id, else every object so named. */
  private <I extends EntityId, T extends Identified> List<I> find(
      ObjectKind<I, T> kind, String text) {
    Optional<EntityId> byAlias = snapshot.byAlias(kind, Optional.empty(), text);
    if (byAlias.isPresent()) {
      return List.of(kind.idType().cast(byAlias.get()));
    }
    Optional<I> byId = uuid(kind, text);
    if (byId.isPresent()) {
      return List.of(byId.get());
    }
    return snapshot.named(kind, text);
  }

  private <I extends EntityId> Optional<I> uuid(ObjectKind<I, ?> kind, String text) {
    if (!UUID_TEXT.matcher(text).matches()) {
      return Optional.empty();
    }
    I id = kind.parseId(text.toLowerCase(java.util.Locale.ROOT));
    return snapshot.get(id).isPresent() ? Optional.of(id) : Optional.empty();
  }

  private static String name(Identified o) {
    return ObjectKind.ofObject(o).nameOf(o).orElse("");
  }

  /**
   * Refuses the name {@code object} is about to get when a reference by that name could not mean
   * it: the name is the alias of another object that references find first ({@code router1} for a
   * router while another router, named otherwise, is {@code router1}; for routers and bridges, the
   * alias of either), it looks like an id, or, for hosts, another host has it (the store leaves
   * host names to the CLI, see {@link NameScopes}; it refuses duplicates in the other scopes
   * itself).
   */
  void requireUsableName(Identified object) {
    ObjectKind<?, ?> kind = ObjectKind.ofObject(object);
    String name = kind.nameOf(object).orElseThrow();
    if (UUID_TEXT.matcher(name).matches()) {
      throw Values.invalid("name", name, "looks like an id; references would take it for one");
    }
    List<ObjectKind<?, ?>> kinds =
        object instanceof Router || object instanceof Bridge
            ? List.of(ObjectKind.ROUTER, ObjectKind.BRIDGE)
            : List.of(kind);
    for (ObjectKind<?, ?> k : kinds) {
      Optional<EntityId> aliased =
          snapshot
              .byAlias(k, scopeOf(object), name)
              .filter(id -> !id.equals(object.id()))
              .filter(id -> !snapshot.get(id).map(v -> name(v.value())).orElse("").equals(name));
      if (aliased.isPresent()) {
        throw Values.invalid(
            "name",
            name,
            "is the alias of "
                + k.name()
                + " "
                + snapshot.label(aliased.get())
                + ", which a reference by this name would mean");
      }
    }
    if (object instanceof Host) {
      List<Identified> holders = NameScopes.holders(snapshot.topology(), object);
      if (!holders.isEmpty()) {
        throw new CliException(
            NameScopes.conflict(object, holders.get(0), snapshot.label(holders.get(0).id())));
      }
    }
  }

  private static Optional<EntityId> scopeOf(Identified object) {
    return object instanceof IpsecSiteConnection c ? Optional.of(c.vpnService()) : Optional.empty();
  }

  RouterId router(String field, String text) {
    return global(field, ObjectKind.ROUTER, text);
  }

  ChainId chain(String field, String text) {
    return global(field, ObjectKind.CHAIN, text);
  }

  HostId host(String field, String text) {
    return global(field, ObjectKind.HOST, text);
  }

  VpnServiceId vpnService(String field, String text) {
    return global(field, ObjectKind.VPN_SERVICE, text);
  }

  GatewayGroupId gatewayGroup(String field, String text) {
    return global(field, ObjectKind.GATEWAY_GROUP, text);
  }

  /** A router or bridge: {@code router0}, {@code bridge1}, a name or a UUID. */
  DeviceId device(String field, String text) {
    List<RouterId> routers = find(ObjectKind.ROUTER, text);
    List<BridgeId> bridges = find(ObjectKind.BRIDGE, text);
    if (routers.size() + bridges.size() == 1) {
      return routers.isEmpty() ? bridges.get(0) : routers.get(0);
    }
    if (routers.isEmpty() && bridges.isEmpty()) {
      throw Values.invalid(field, text, "no router or bridge with this alias, name or id");
    }
    throw Values.invalid(field, text, "names more than one router or bridge; use the alias or id");
  }

  /** A port within a device: {@code port1} or a UUID. */
  PortId port(String field, DeviceId device, String text) {
    return scoped(field, ObjectKind.PORT, device, text, "port of " + snapshot.label(device));
  }

  /**
   * A port anywhere: {@code router0:port1}, {@code bridge0:port0}, a name-qualified form or a UUID.
   */
  PortId port(String field, String text) {
    int colon = text.lastIndexOf(':');
    if (colon > 0) {
      DeviceId device = device(field, text.substring(0, colon));
      return port(field, device, text.substring(colon + 1));
    }
    Optional<PortId> id = uuid(ObjectKind.PORT, text);
    return id.orElseThrow(
        () ->
            Values.invalid(
                field, text, "expected a port as DEVICE:portN (e.g. router0:port1) or an id"));
  }

  RouteId route(String field, RouterId router, String text) {
    return scoped(field, ObjectKind.ROUTE, router, text, "route of " + snapshot.label(router));
  }

  /** A connection within a service: {@code conn0}, its name, or a UUID. */
  IpsecSiteConnectionId connection(String field, VpnServiceId service, String text) {
    Optional<Versioned<IpsecSiteConnection>> named =
        snapshot.list(ObjectKind.CONNECTION, service).stream()
            .filter(v -> v.value().name().equals(text))
            .findFirst();
    if (named.isPresent()
        && snapshot.byAlias(ObjectKind.CONNECTION, Optional.of(service), text).isEmpty()) {
      return named.get().value().id();
    }
    return scoped(
        field,
        ObjectKind.CONNECTION,
        service,
        text,
        "ipsec-site-connection of " + snapshot.label(service));
  }

  /** A connection anywhere: {@code vpn0:conn0}, a unique name, or a UUID. */
  IpsecSiteConnectionId connection(String field, String text) {
    int colon = text.lastIndexOf(':');
    if (colon > 0) {
      return connection(
          field, vpnService(field, text.substring(0, colon)), text.substring(colon + 1));
    }
    return global(field, ObjectKind.CONNECTION, text);
  }

  RuleId rule(String field, ChainId chain, String text) {
    Optional<RuleId> byAlias = snapshot.ruleByAlias(chain, text);
    if (byAlias.isPresent()) {
      return byAlias.get();
    }
    if (UUID_TEXT.matcher(text).matches()) {
      RuleId id = RuleId.parse(text.toLowerCase(java.util.Locale.ROOT));
      if (snapshot.topology().chain(chain).flatMap(c -> c.rule(id)).isPresent()) {
        return id;
      }
    }
    throw Values.invalid(
        field, text, "no rule of " + snapshot.label(chain) + " with this alias or id");
  }

  private <I extends EntityId> I scoped(
      String field, ObjectKind<I, ?> kind, EntityId scope, String text, String what) {
    Optional<EntityId> byAlias = snapshot.byAlias(kind, Optional.of(scope), text);
    if (byAlias.isPresent()) {
      return kind.idType().cast(byAlias.get());
    }
    Optional<I> id = uuid(kind, text);
    if (id.isPresent()) {
      return id.get();
    }
    throw Values.invalid(field, text, "no " + what + " with this alias or id");
  }

  /** A bridge, for completeness of device resolution. */
  BridgeId bridge(String field, String text) {
    return global(field, ObjectKind.BRIDGE, text);
  }
}
