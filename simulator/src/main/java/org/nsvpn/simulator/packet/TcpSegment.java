package org.nsvpn.simulator.packet;

import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * A TCP segment (RFC 9293). The checksum is computed on encoding.
 *
 * @param flags the 12 bits after the data offset: 3 reserved bits, then NS, CWR, ECE, URG, ACK,
 *     PSH, RST, SYN, FIN (the constants below)
 * @param options option bytes, a multiple of 4 and at most 40
 */
public record TcpSegment(
    int sourcePort,
    int destinationPort,
    long sequence,
    long acknowledgement,
    int flags,
    int window,
    int urgentPointer,
    Bytes options,
    Bytes payload)
    implements IpPayload {

  public static final int FIN = 0x001;
  public static final int SYN = 0x002;
  public static final int RST = 0x004;
  public static final int PSH = 0x008;
  public static final int ACK = 0x010;
  public static final int URG = 0x020;
  public static final int ECE = 0x040;
  public static final int CWR = 0x080;
  public static final int NS = 0x100;

  public TcpSegment {
    Require.inRange("tcp source port", sourcePort, 0, 0xffff);
    Require.inRange("tcp destination port", destinationPort, 0, 0xffff);
    Require.inRange("tcp sequence", sequence, 0, 0xffff_ffffL);
    Require.inRange("tcp acknowledgement", acknowledgement, 0, 0xffff_ffffL);
    Require.inRange("tcp flags", flags, 0, 0xfff);
    Require.inRange("tcp window", window, 0, 0xffff);
    Require.inRange("tcp urgent pointer", urgentPointer, 0, 0xffff);
    Require.nonNull("tcp options", options);
    Require.nonNull("tcp payload", payload);
    if (options.length() % 4 != 0 || options.length() > 40) {
      throw new InvalidValueException(
          "tcp options", options.length() + " bytes", "must be a multiple of 4, at most 40");
    }
  }

  /** A segment without options or payload, sequence and acknowledgement zero, window 65535. */
  public static TcpSegment of(int sourcePort, int destinationPort, int flags) {
    return new TcpSegment(
        sourcePort, destinationPort, 0, 0, flags, 0xffff, 0, Bytes.EMPTY, Bytes.EMPTY);
  }

  /** Header length in bytes (the data offset). */
  public int headerLength() {
    return 20 + options.length();
  }

  @Override
  public int encodedLength() {
    return headerLength() + payload.length();
  }

  @Override
  public int protocol() {
    return IpProtocol.TCP;
  }
}
