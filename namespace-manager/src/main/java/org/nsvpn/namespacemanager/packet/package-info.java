/**
 * Raw Ethernet frames on a network interface: AF_PACKET sockets for a userspace datapath, and the
 * interface offload settings such a datapath needs.
 *
 * <p>A userspace datapath reads whole frames from one interface and writes them to another. The
 * kernel's transmit offloads get in the way: with checksum offload a veth hands over UDP and TCP
 * frames whose L4 checksum is only partially computed, and with segmentation offload it hands over
 * TCP "frames" of up to 64 KiB. {@link org.nsvpn.namespacemanager.packet.InterfaceOffloads} turns
 * them off on the interfaces that feed the datapath, so that every frame it reads is a real one.
 */
package org.nsvpn.namespacemanager.packet;
