package org.nsvpn.chainrules.rules;

/** Where a packet stands in IP fragmentation; reported by {@link PacketFields}. */
public enum FragmentType {
  /** A whole packet (for IPv4: offset 0 and more-fragments clear). Also every non-IP frame. */
  UNFRAGMENTED,
  /** The first fragment (offset 0, more-fragments set): it carries the L4 header. */
  FIRST,
  /** A later fragment (offset greater than 0): no L4 header. */
  LATER
}
