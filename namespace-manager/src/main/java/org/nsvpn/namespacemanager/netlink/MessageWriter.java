package org.nsvpn.namespacemanager.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: a header, a family's fixed struct, then attributes, each padded to 4
 * bytes. Nested attributes are opened with {@link #beginNested} and closed with {@link #endNested},
 * which writes their length once the content is known. Not thread-safe; one writer per message.
 *
 * <p>The header's length, sequence number and port id are filled in by {@link NetlinkSocket} when
 * it sends the message.
 */
public final class MessageWriter {
  private static final int NLA_HDRLEN = 4;

  private final int type;
  private final int flags;
  private final String operation;
  private ByteBuffer buffer;

  private MessageWriter(int type, int flags, String operation) {
    this.type = Checks.u16("nlmsg_type", type);
    this.flags = Checks.u16("nlmsg_flags", flags);
    this.operation = operation;
    this.buffer = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    buffer.position(NlMsgHdr.SIZE);
  }

  /**
   * A message of {@code type} with {@code flags} (beyond {@code NLM_F_REQUEST}, which the socket
   * adds). {@code operation} names the request in errors, e.g. {@code RTM_NEWADDR 10.0.0.1/24 dev
   * 3}.
   */
  public static MessageWriter request(int type, int flags, String operation) {
    return new MessageWriter(type, flags, operation);
  }

  /**
   * Reserves {@code size} zeroed bytes for a fixed struct and returns a buffer positioned at their
   * start for the struct's encoder; the message continues after them, aligned.
   */
  public ByteBuffer reserve(int size) {
    ensure(Netlink.align(size));
    int start = buffer.position();
    ByteBuffer view =
        buffer.duplicate().order(ByteOrder.nativeOrder()).position(start).limit(start + size);
    buffer.position(start + Netlink.align(size));
    return view.slice().order(ByteOrder.nativeOrder());
  }

  public MessageWriter u8(int attributeType, int value) {
    header(attributeType, 1).put((byte) value);
    return pad();
  }

  public MessageWriter u16(int attributeType, int value) {
    header(attributeType, 2).putShort((short) value);
    return pad();
  }

  /** A {@code __u32} or {@code __s32}: the int's bits. */
  public MessageWriter u32(int attributeType, int value) {
    header(attributeType, 4).putInt(value);
    return pad();
  }

  public MessageWriter u64(int attributeType, long value) {
    header(attributeType, 8).putLong(value);
    return pad();
  }

  public MessageWriter bytes(int attributeType, byte[] value) {
    header(attributeType, value.length).put(value);
    return pad();
  }

  /** A NUL-terminated string ({@code NLA_NUL_STRING}/{@code NLA_STRING} both accept it). */
  public MessageWriter string(int attributeType, String value) {
    byte[] text = value.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = header(attributeType, text.length + 1);
    out.put(text).put((byte) 0);
    return pad();
  }

  /** Opens a nested attribute; returns the token to pass to {@link #endNested}. */
  public int beginNested(int attributeType) {
    int start = buffer.position();
    header(attributeType, 0);
    return start;
  }

  /** Closes the nested attribute opened at {@code token}, writing its final length. */
  public MessageWriter endNested(int token) {
    buffer.putShort(token, (short) (buffer.position() - token));
    return this;
  }

  /** The message with a header whose length is filled in; sequence and port id are zero. */
  public NetlinkRequest build() {
    int length = buffer.position();
    byte[] bytes = Arrays.copyOf(buffer.array(), length);
    ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    new NlMsgHdr(length, type, flags, 0, 0).encode(view);
    return new NetlinkRequest(type, flags, bytes, operation);
  }

  private ByteBuffer header(int attributeType, int payloadLength) {
    int length = NLA_HDRLEN + payloadLength;
    if (length > 0xffff) {
      throw new IllegalArgumentException("attribute of " + payloadLength + " bytes is too long");
    }
    ensure(Netlink.align(length));
    buffer.putShort((short) length);
    buffer.putShort((short) Checks.u16("nla_type", attributeType));
    return buffer;
  }

  private MessageWriter pad() {
    int padded = Netlink.align(buffer.position());
    ensure(padded - buffer.position());
    while (buffer.position() < padded) {
      buffer.put((byte) 0);
    }
    return this;
  }

  private void ensure(int more) {
    if (buffer.remaining() >= more) {
      return;
    }
    int capacity = Math.max(buffer.capacity() * 2, buffer.position() + more);
    ByteBuffer bigger = ByteBuffer.allocate(capacity).order(ByteOrder.nativeOrder());
    bigger.put(buffer.array(), 0, buffer.position());
    buffer = bigger;
  }
}
