package org.nsvpn.topology;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.nsvpn.chainrules.id.BridgeId;
import org.nsvpn.chainrules.id.ChainId;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.id.RouteId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.routing.Route;
import org.nsvpn.chainrules.rules.Chain;

/**
 * A type of object the store holds, with everything the store needs to know about it: its name in
 * the CLI and in JSON ({@code router}), the directory under the store root ({@code routers}), how
 * to parse its id, and the prefix and scope of its aliases.
 *
 * <p>Aliases ({@code router0}, {@code port1}) are unique within a scope: ports within their device,
 * routes within their router, connections within their VPN service; the other kinds are global
 * (scope empty).
 *
 * @param <I> the id type
 * @param <T> the object type
 */
public final class ObjectKind<I extends EntityId, T extends Identified> {

  public static final ObjectKind<RouterId, Router> ROUTER =
      new ObjectKind<>(
          "router",
          "routers",
          "router",
          RouterId.class,
          Router.class,
          RouterId::parse,
          o -> null,
          Router::name);
  public static final ObjectKind<BridgeId, Bridge> BRIDGE =
      new ObjectKind<>(
          "bridge",
          "bridges",
          "bridge",
          BridgeId.class,
          Bridge.class,
          BridgeId::parse,
          o -> null,
          Bridge::name);
  public static final ObjectKind<PortId, Port> PORT =
      new ObjectKind<>(
          "port",
          "ports",
          "port",
          PortId.class,
          Port.class,
          PortId::parse,
          Port::device,
          o -> null);
  public static final ObjectKind<ChainId, Chain> CHAIN =
      new ObjectKind<>(
          "chain",
          "chains",
          "chain",
          ChainId.class,
          Chain.class,
          ChainId::parse,
          o -> null,
          Chain::name);
  public static final ObjectKind<RouteId, Route> ROUTE =
      new ObjectKind<>(
          "route",
          "routes",
          "route",
          RouteId.class,
          Route.class,
          RouteId::parse,
          Route::router,
          o -> null);
  public static final ObjectKind<HostId, Host> HOST =
      new ObjectKind<>(
          "host", "hosts", "host", HostId.class, Host.class, HostId::parse, o -> null, Host::name);
  public static final ObjectKind<GatewayGroupId, GatewayGroup> GATEWAY_GROUP =
      new ObjectKind<>(
          "gateway-group",
          "gateway-groups",
          "gwgroup",
          GatewayGroupId.class,
          GatewayGroup.class,
          GatewayGroupId::parse,
          o -> null,
          GatewayGroup::name);
  public static final ObjectKind<VpnServiceId, VpnService> VPN_SERVICE =
      new ObjectKind<>(
          "vpn-service",
          "vpn-services",
          "vpn",
          VpnServiceId.class,
          VpnService.class,
          VpnServiceId::parse,
          o -> null,
          VpnService::name);
  public static final ObjectKind<IpsecSiteConnectionId, IpsecSiteConnection> CONNECTION =
      new ObjectKind<>(
          "ipsec-site-connection",
          "ipsec-site-connections",
          "conn",
          IpsecSiteConnectionId.class,
          IpsecSiteConnection.class,
          IpsecSiteConnectionId::parse,
          IpsecSiteConnection::vpnService,
          IpsecSiteConnection::name);

  /** Every kind, in the order a snapshot is loaded (referenced kinds first). */
  public static final List<ObjectKind<?, ?>> ALL =
      List.of(HOST, GATEWAY_GROUP, CHAIN, ROUTER, BRIDGE, PORT, ROUTE, VPN_SERVICE, CONNECTION);

  private final String name;
  private final String directory;
  private final String aliasPrefix;
  private final Class<I> idType;
  private final Class<T> type;
  private final Function<String, I> idParser;
  private final Function<T, EntityId> aliasScope;
  private final Function<T, String> objectName;

  private ObjectKind(
      String name,
      String directory,
      String aliasPrefix,
      Class<I> idType,
      Class<T> type,
      Function<String, I> idParser,
      Function<T, EntityId> aliasScope,
      Function<T, String> objectName) {
    this.name = name;
    this.directory = directory;
    this.aliasPrefix = aliasPrefix;
    this.idType = idType;
    this.type = type;
    this.idParser = idParser;
    this.aliasScope = aliasScope;
    this.objectName = objectName;
  }

  /** The kind's name in the CLI and in stored JSON, e.g. {@code vpn-service}. */
  public String name() {
    return name;
  }

  /** The directory under the store's topology node, e.g. {@code vpn-services}. */
  public String directory() {
    return directory;
  }

  /** Aliases of this kind are this prefix and a number: {@code router0}, {@code vpn3}. */
  public String aliasPrefix() {
    return aliasPrefix;
  }

  public Class<I> idType() {
    return idType;
  }

  public Class<T> type() {
    return type;
  }

  /** Parses an id of this kind from its canonical UUID text. */
  public I parseId(String text) {
    return idParser.apply(text);
  }

  /** The object within which this object's alias is unique, or empty for global aliases. */
  public Optional<EntityId> aliasScope(T object) {
    return Optional.ofNullable(aliasScope.apply(object));
  }

  /**
   * The operator-chosen name of {@code object}, an object of this kind; empty for the kinds that
   * have none (ports, routes).
   */
  public Optional<String> nameOf(Identified object) {
    return cast(object).map(objectName);
  }

  /** Casts {@code object} to this kind's type, if it is of this kind. */
  public Optional<T> cast(Identified object) {
    return type.isInstance(object) ? Optional.of(type.cast(object)) : Optional.empty();
  }

  /** The kind of an id. */
  @SuppressWarnings("unchecked")
  public static <I extends EntityId> ObjectKind<I, ?> of(I id) {
    for (ObjectKind<?, ?> kind : ALL) {
      if (kind.idType.isInstance(id)) {
        return (ObjectKind<I, ?>) kind;
      }
    }
    throw new IllegalArgumentException("the store holds no objects with ids of type " + id);
  }

  /** The kind of an object. */
  public static ObjectKind<?, ?> ofObject(Identified object) {
    return of(object.id());
  }

  /** The kind with this directory name, if any. */
  public static Optional<ObjectKind<?, ?>> byDirectory(String directory) {
    return ALL.stream().filter(k -> k.directory.equals(directory)).findFirst().map(k -> k);
  }

  /** The kind with this name, if any. */
  public static Optional<ObjectKind<?, ?>> byName(String name) {
    return ALL.stream().filter(k -> k.name.equals(name)).findFirst().map(k -> k);
  }

  @Override
  public String toString() {
    return name;
  }
}
