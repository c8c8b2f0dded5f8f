package org.nsvpn.namespacemanager;

/** What {@link NamespaceManager#ensure} did to bring a namespace to its spec. */
public enum ChangeKind {
  /** The named namespace did not exist and was created. */
  NAMESPACE_CREATED,
  /** The veth pair did not exist and was created (peer inside the namespace, with its MAC). */
  VETH_CREATED,
  /** The host-side veth end was down and was set up. */
  HOST_LINK_UP,
  /** The namespace interface had another MAC. */
  MAC_SET,
  /** The namespace interface was down. */
  LINK_UP,
  /** The namespace's loopback was down. */
  LOOPBACK_UP,
  /** A spec address was missing. */
  ADDRESS_ADDED,
  /** An address not in the spec was on the interface (link-scope IPv6 addresses are kept). */
  ADDRESS_REMOVED,
  /** A spec neighbour was missing, not permanent, or had another MAC. */
  NEIGHBOUR_SET,
  /** A permanent neighbour not in the spec was on the interface. */
  NEIGHBOUR_REMOVED,
  /** The default route via the spec's gateway was missing. */
  ROUTE_ADDED,
  /** A default route elsewhere (other gateway or interface) was in the main table. */
  ROUTE_REMOVED,
  /** A sysctl had another value (ip_forward, rp_filter). */
  SYSCTL_SET
}
