/**
 * Packets on real bytes: Ethernet II with an optional 802.1Q tag, ARP, IPv4 (options, fragments,
 * header checksum), IPv6 (fixed header and the common extension headers), ICMP, UDP, TCP and ESP.
 *
 * <p>Two faces, one set of rules:
 *
 * <ul>
 *   <li>{@link org.nsvpn.simulator.packet.Frame} is the datapath's view: it parses a frame in
 *       place, once, into offsets and numbers without allocating, verifies lengths and checksums,
 *       and reports a typed {@link org.nsvpn.simulator.packet.ParseError} instead of throwing. It
 *       can rewrite the few fields a router changes (MACs, TTL) on a private copy.
 *   <li>The records ({@link org.nsvpn.simulator.packet.EthernetFrame} and the payloads it holds)
 *       are the value model: {@code decode} then {@code encode} gives back the same bytes, and
 *       {@code encode} computes every checksum. {@link org.nsvpn.simulator.packet.Packets} builds
 *       them fluently; the router uses it to generate ARP and ICMP, tests use it to make frames.
 * </ul>
 *
 * <p>The value decoder is built on {@code Frame}, so both accept and refuse exactly the same bytes.
 */
package org.nsvpn.simulator.packet;
