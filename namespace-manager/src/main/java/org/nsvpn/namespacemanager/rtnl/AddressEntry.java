package org.nsvpn.namespacemanager.rtnl;

import org.nsvpn.chainrules.net.InterfaceAddress;

/**
 * An address configured on an interface ({@code RTM_NEWADDR} reply).
 *
 * @param index the interface ({@code ifa_index})
 * @param address the local address and prefix length ({@code IFA_LOCAL}, or {@code IFA_ADDRESS}
 *     when there is no local one, as for IPv6)
 * @param scope {@code ifa_scope} ({@code RT_SCOPE_*})
 * @param flags {@code IFA_FLAGS} (or {@code ifa_flags})
 */
public record AddressEntry(int index, InterfaceAddress address, int scope, int flags) {

  /** Link-scoped, e.g. the fe80::/64 address the kernel gives every IPv6 interface. */
  public boolean isLinkScope() {
    return scope == Rtnl.RT_SCOPE_LINK;
  }
}
