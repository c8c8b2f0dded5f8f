/**
 * strongSwan per network namespace: one charon for each VPN namespace, configured and watched over
 * VICI.
 *
 * <p>{@link org.nsvpn.strongswan.StrongSwan#startOrAdopt} starts charon inside a named network
 * namespace with a private {@code /run} (its instance directory bind-mounted there, so pid file,
 * VICI and error-notify sockets and log of each charon stay apart) and a generated strongswan.conf,
 * or adopts the charon already running there after an agent restart. The returned {@link
 * org.nsvpn.strongswan.CharonInstance} applies site connections incrementally ({@link
 * org.nsvpn.strongswan.ConnectionMapping} turns a chain-rules connection into a VICI load-conn;
 * PSKs go only through load-shared), and keeps a status per connection from VICI events, periodic
 * list-sas and charon's error-notify socket.
 *
 * <p>Nothing here blocks a Netty event loop: blocking steps (starting a process, reading PSKs) run
 * on the service's own threads, and results come back as futures.
 */
package org.nsvpn.strongswan;
