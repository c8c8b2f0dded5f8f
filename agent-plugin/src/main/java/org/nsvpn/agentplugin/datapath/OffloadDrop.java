package org.nsvpn.agentplugin.datapath;

/**
 * Why a frame received from an interface was dropped because of its virtio-net header, before the
 * simulator saw it. A header the kernel wrote never has these faults; they mean a broken driver or
 * a guest that lies (a tap device carries what the VM wrote), so they are counted, not thrown.
 */
public enum OffloadDrop {
  /** The checksum field, or the start of the checksummed range, lies outside the frame. */
  CHECKSUM_OUTSIDE_FRAME,
  /** A GSO type this datapath does not segment (UFO, or a value Linux does not define). */
  UNKNOWN_GSO_TYPE,
  /** A GSO segment size of zero or larger than the frame. */
  BAD_GSO_SIZE,
  /**
   * The headers of a GSO frame do not match its type: not IPv4 or IPv6 as the type says, not TCP or
   * UDP where the checksum starts, lengths past the frame, a fragment, or no partial checksum.
   */
  BAD_GSO_HEADERS
}
