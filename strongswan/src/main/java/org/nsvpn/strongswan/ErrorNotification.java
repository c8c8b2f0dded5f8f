package org.nsvpn.strongswan;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.nsvpn.strongswan.vici.ViciProtocolException;

/**
 * One message of charon's error-notify socket: a fixed 768-byte record of a 32-bit big-endian type
 * and four NUL-terminated text fields (description 384 bytes, connection name 64, peer identity
 * 256, peer address and port 60), as the plugin's {@code error_notify_msg_t} lays it out.
 *
 * @param code the raw type
 * @param message charon's description, e.g. "local authentication failed"
 * @param connectionName the IKE config name, empty when charon did not know it yet
 * @param peerId the peer's identity, if known
 * @param peerAddress the peer's address and port as charon prints them ({@code 192.0.2.2[500]})
 */
public record ErrorNotification(
    int code, String message, String connectionName, String peerId, String peerAddress) {

  public static final int SIZE = 768;
  private static final int MESSAGE = 384;
  private static final int NAME = 64;
  private static final int ID = 256;
  private static final int ADDRESS = 60;

  /** The known type, if the code is one. */
  public Optional<ErrorNotifyType> type() {
    return ErrorNotifyType.ofCode(code);
  }

  /** The peer address without the port, or empty. */
  public String peerIp() {
    int bracket = peerAddress.indexOf('[');
    return bracket < 0 ? peerAddress : peerAddress.substring(0, bracket);
  }

  /** Reads one record (exactly {@link #SIZE} bytes). */
  public static ErrorNotification decode(ByteBuf in) {
    if (in.readableBytes() != SIZE) {
      throw new ViciProtocolException(
          "error-notify record of " + in.readableBytes() + " bytes, expected " + SIZE);
    }
    int code = in.readInt();
    return new ErrorNotification(
        code, text(in, MESSAGE), text(in, NAME), text(in, ID), text(in, ADDRESS));
  }

  /** Writes one record (for tests; fields are cut to their size less the terminator). */
  public void encode(ByteBuf out) {
    out.writeInt(code);
    write(out, message, MESSAGE);
    write(out, connectionName, NAME);
    write(out, peerId, ID);
    write(out, peerAddress, ADDRESS);
  }

  private static String text(ByteBuf in, int size) {
    int start = in.readerIndex();
    int end = start;
    while (end < start + size && in.getByte(end) != 0) {
      end++;
    }
    String text = in.toString(start, end - start, StandardCharsets.UTF_8);
    in.skipBytes(size);
    return text;
  }

  private static void write(ByteBuf out, String text, int size) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(bytes.length, size - 1);
    out.writeBytes(bytes, 0, length);
    out.writeZero(size - length);
  }
}
