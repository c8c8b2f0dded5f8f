package org.nsvpn.simulator.packet;

/**
 * Thrown by the value decoders ({@link EthernetFrame#decode(byte[])}) for bytes that are not a
 * valid frame. The simulator never sees it: it parses with {@link Frame}, which returns the error.
 */
public final class MalformedPacketException extends RuntimeException {
  private final ParseError error;

  public MalformedPacketException(ParseError error, String detail) {
    super(error.what() + ": " + detail);
    this.error = error;
  }

  public ParseError error() {
    return error;
  }
}
