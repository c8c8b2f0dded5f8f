/**
 * Raw Ethernet frames on a network interface: AF_PACKET sockets for a userspace datapath, each
 * frame with its virtio-net header, and a poller that waits on many sockets at once.
 *
 * <p>A userspace datapath reads whole frames from one interface and writes them to another. The
 * kernel's transmit offloads hand over frames with work left undone: with checksum offload a veth
 * passes on UDP and TCP frames whose L4 checksum holds only the pseudo-header sum, and with
 * segmentation offload it passes on TCP "frames" of up to 64 KiB. The sockets ask for a {@link
 * org.nsvpn.namespacemanager.packet.VirtioNetHeader} with every frame, which says what is left to
 * do, and take one with every frame sent, so the interfaces keep their offloads and the datapath
 * finishes (or hands on) the work.
 */
package org.nsvpn.namespacemanager.packet;
