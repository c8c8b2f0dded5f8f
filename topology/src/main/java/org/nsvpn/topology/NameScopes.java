package org.nsvpn.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.model.Bridge;
import org.nsvpn.chainrules.model.GatewayGroup;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Router;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.rules.Chain;

/**
 * Where an object's name must be unique, so that the name refers to exactly one object (nsvpn-cli
 * resolves names): routers and bridges together, because a port is written {@code DEVICE:portN}
 * with the device looked up among both; chains, hosts, VPN services and gateway groups each among
 * their kind; IPsec site connections within their VPN service ({@code vpn0:site-b}), so that two
 * services may both have a connection called {@code to-hq}. Ports and routes have no names.
 *
 * <p>The store enforces every scope but the hosts' ({@link StoreRules}): an agent registers its
 * host under the machine's name, which it does not choose, and two machines may share one; refusing
 * the second would keep its agent from starting. nsvpn-cli refuses a duplicate host name it is
 * asked to write, and a reference to a shared name asks for the alias.
 */
public final class NameScopes {
  private NameScopes() {}

  /**
   * The objects of {@code topology}, other than {@code object} itself, that are in {@code object}'s
   * name scope and have its name; empty when the name is free or the object has no name.
   */
  public static List<Identified> holders(Topology topology, Identified object) {
    Optional<String> name = ObjectKind.ofObject(object).nameOf(object);
    if (name.isEmpty()) {
      return List.of();
    }
    List<Identified> out = new ArrayList<>();
    for (Identified other : candidates(topology, object)) {
      if (!other.id().equals(object.id())
          && ObjectKind.ofObject(other).nameOf(other).equals(name)) {
        out.add(other);
      }
    }
    return out;
  }

  /**
   * The refusal of {@code object}'s name because {@code holder} (labelled {@code holderLabel}) has
   * it already: {@code name: 'edge' is already the name of router router0 (router and bridge names
   * are unique)}. Names are safe to print: the model admits only letters, digits and {@code _.-}.
   */
  public static String conflict(Identified object, Identified holder, String holderLabel) {
    return "name: '"
        + ObjectKind.ofObject(object).nameOf(object).orElse("")
        + "' is already the name of "
        + ObjectKind.ofObject(holder).name()
        + " "
        + holderLabel
        + " ("
        + rule(object)
        + ")";
  }

  /** The scope as an error explains it: {@code router and bridge names are unique}. */
  public static String rule(Identified object) {
    if (object instanceof Router || object instanceof Bridge) {
      return "router and bridge names are unique";
    }
    if (object instanceof IpsecSiteConnection) {
      return "connection names are unique within their vpn-service";
    }
    return ObjectKind.ofObject(object).name() + " names are unique";
  }

  private static Collection<? extends Identified> candidates(Topology t, Identified object) {
    if (object instanceof Router || object instanceof Bridge) {
      List<Identified> devices = new ArrayList<>(t.routers());
      devices.addAll(t.bridges());
      return devices;
    } else if (object instanceof Chain) {
      return t.chains();
    } else if (object instanceof Host) {
      return t.hosts();
    } else if (object instanceof VpnService) {
      return t.vpnServices();
    } else if (object instanceof GatewayGroup) {
      return t.gatewayGroups();
    } else if (object instanceof IpsecSiteConnection c) {
      return t.connections(c.vpnService());
    }
    return List.of();
  }
}
