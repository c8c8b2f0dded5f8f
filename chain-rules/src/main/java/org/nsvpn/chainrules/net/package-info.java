/**
 * Network addresses as immutable values: IPv4 and IPv6 addresses, subnets (network prefixes),
 * interface addresses (an address with its prefix length, as on a port) and MAC addresses.
 *
 * <p>Parsing is strict and never touches the network (unlike {@link java.net.InetAddress}, which
 * may resolve names): a value either parses exactly or the parser throws {@link
 * org.nsvpn.chainrules.InvalidValueException} saying why. Formatting is canonical (RFC 5952 for
 * IPv6, lower-case colon-separated MACs), so {@code parse(format(x)).equals(x)} always holds.
 */
package org.nsvpn.chainrules.net;
