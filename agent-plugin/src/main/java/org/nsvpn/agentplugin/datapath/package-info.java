/**
 * The userspace datapath: frames arriving on the host interfaces bound to exterior ports are read
 * through AF_PACKET sockets, run through the simulator over the current topology snapshot, and the
 * frames it emits are written to the interfaces bound to their egress ports.
 *
 * <p>One polling thread serves every bound interface, taking and sending frames in batches; a
 * topology change swaps the simulator atomically (learned ARP and MAC state is kept), opens sockets
 * for new bindings and closes those of bindings that went away. Frames the host itself transmits
 * are never read back. Interfaces keep their offloads: each frame's virtio-net header says what the
 * kernel left undone, and {@link org.nsvpn.agentplugin.datapath.Offloads} and {@link
 * org.nsvpn.agentplugin.datapath.Segmentation} finish it or hand it on.
 */
package org.nsvpn.agentplugin.datapath;
