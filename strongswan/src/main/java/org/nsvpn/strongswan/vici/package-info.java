/**
 * VICI, strongSwan's control protocol, spoken natively from Java.
 *
 * <p>Wire layer: a message is a tree ({@link org.nsvpn.strongswan.vici.ViciSection}) of key/values,
 * lists and sub-sections whose values are byte blobs ({@link org.nsvpn.strongswan.vici.ViciValue});
 * a packet ({@link org.nsvpn.strongswan.vici.ViciPacket}) has a type, a name for the named types
 * and a message; on the stream each packet is prefixed by its 32-bit big-endian length. {@link
 * org.nsvpn.strongswan.vici.ViciFrameDecoder} and {@link
 * org.nsvpn.strongswan.vici.ViciPacketEncoder} are the Netty codec; everything malformed is a
 * {@link org.nsvpn.strongswan.vici.ViciProtocolException}.
 *
 * <p>Client layer: {@link org.nsvpn.strongswan.vici.ViciClient} over an epoll unix domain socket.
 * VICI has no request ids, so one command is in flight per connection and the rest queue; streamed
 * commands (list-sas, list-conns) register their event around the command; event subscriptions
 * survive reconnects. Futures complete and listeners run on a serial executor of the client, never
 * on the Netty event loop, so callers may block in callbacks without stalling I/O.
 */
package org.nsvpn.strongswan.vici;
