package org.nsvpn.namespacemanager.testing;

import java.util.List;
import org.nsvpn.chainrules.net.InterfaceAddress;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.MacAddress;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.chainrules.vpn.StaticNeighbour;

/** Namespace specs for tests: seed 002's values under unique names. */
public final class Specs {
  /** Router port0 (public) MAC: the namespace interface carries it. */
  public static final MacAddress PUBLIC_MAC = MacAddress.parse("ac:ca:ba:4a:61:c5");

  /** Router port1 (namespace port) MAC: the permanent neighbour of the gateway. */
  public static final MacAddress PORT_MAC = MacAddress.parse("ac:ca:ba:43:05:45");

  private Specs() {}

  /** The seed-002 namespace (169.254.1.2/30, 201.201.201.1/32, via 169.254.1.1). */
  public static NamespaceSpec seed002(String namespace, String inner, String host) {
    return new NamespaceSpec(
        namespace,
        inner,
        host,
        PUBLIC_MAC,
        List.of(
            InterfaceAddress.parse("169.254.1.2/30"), InterfaceAddress.parse("201.201.201.1/32")),
        Ipv4Address.parse("169.254.1.1"),
        List.of(new StaticNeighbour(IpAddress.parse("169.254.1.1"), PORT_MAC)));
  }

  /** A seed-002 style namespace with fresh unique names (interface names of 12 characters). */
  public static NamespaceSpec uniqueSeed002(KernelResources kernel, String prefix) {
    String id = KernelResources.unique("");
    return seed002(
        kernel.namespace(prefix + "-" + id),
        prefix.charAt(0) + id + "ns",
        kernel.hostLink(prefix.charAt(0) + id + "dp"));
  }
}
