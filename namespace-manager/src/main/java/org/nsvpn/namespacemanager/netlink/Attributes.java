package org.nsvpn.namespacemanager.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The attributes ({@code struct nlattr}: {@code __u16 nla_len}, {@code __u16 nla_type}, payload,
 * padding to 4 bytes) of one message or one nested attribute, parsed once, looked up by type.
 *
 * <p>The nested and byte-order flag bits are masked off the type. When a type repeats, {@link #get}
 * returns the last occurrence and {@link #all} every one, in order. Values are read-only slices of
 * the message; accessors of absent attributes return empty or the given default, and accessors of
 * attributes too short for their type throw {@link NetlinkProtocolException}.
 */
public final class Attributes {
  private static final int NLA_HDRLEN = 4;

  private final ByteBuffer[] byType;
  private final List<Integer> types;
  private final List<ByteBuffer> values;

  private Attributes(ByteBuffer[] byType, List<Integer> types, List<ByteBuffer> values) {
    this.byType = byType;
    this.types = types;
    this.values = values;
  }

  /** Parses attributes from the buffer's position to its limit. */
  public static Attributes parse(ByteBuffer in) {
    ByteBuffer buffer = in.duplicate().order(ByteOrder.nativeOrder());
    List<Integer> types = new ArrayList<>();
    List<ByteBuffer> values = new ArrayList<>();
    int max = -1;
    int at = buffer.position();
    int end = buffer.limit();
    while (end - at >= NLA_HDRLEN) {
      int length = Short.toUnsignedInt(buffer.getShort(at));
      int type = Short.toUnsignedInt(buffer.getShort(at + 2)) & Netlink.NLA_TYPE_MASK;
      if (length < NLA_HDRLEN || at + length > end) {
        throw new NetlinkProtocolException(
            "attribute type " + type + " of length " + length + " at " + at + " overruns " + end);
      }
      ByteBuffer value = buffer.duplicate().position(at + NLA_HDRLEN).limit(at + length).slice();
      types.add(type);
      values.add(value.asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
      max = Math.max(max, type);
      at += Netlink.align(length);
    }
    ByteBuffer[] byType = new ByteBuffer[max + 1];
    for (int i = 0; i < types.size(); i++) {
      byType[types.get(i)] = values.get(i);
    }
    return new Attributes(byType, List.copyOf(types), List.copyOf(values));
  }

  public boolean has(int type) {
    return type >= 0 && type < byType.length && byType[type] != null;
  }

  /** The payload of the last attribute of {@code type}, positioned at its start. */
  public Optional<ByteBuffer> get(int type) {
    return has(type) ? Optional.of(fresh(byType[type])) : Optional.empty();
  }

  /** Payloads of every attribute of {@code type}, in message order. */
  public List<ByteBuffer> all(int type) {
    List<ByteBuffer> out = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i) == type) {
        out.add(fresh(values.get(i)));
      }
    }
    return out;
  }

  /** Types present, in message order (repeats included). */
  public List<Integer> types() {
    return types;
  }

  public int u8(int type) {
    return Byte.toUnsignedInt(require(type, 1).get(0));
  }

  public int u16(int type) {
    return Short.toUnsignedInt(require(type, 2).getShort(0));
  }

  /** A {@code __u32} (or {@code __s32}) as the Java int with the same bits. */
  public int u32(int type) {
    return require(type, 4).getInt(0);
  }

  public int u32(int type, int absent) {
    return has(type) ? u32(type) : absent;
  }

  public long u64(int type) {
    return require(type, 8).getLong(0);
  }

  /** The payload's bytes. */
  public Optional<byte[]> bytes(int type) {
    return get(type).map(Attributes::toArray);
  }

  /** A NUL-terminated (or unterminated) string; UTF-8 as the kernel stores it. */
  public Optional<String> string(int type) {
    return get(type)
        .map(
            b -> {
              byte[] bytes = toArray(b);
              int length = 0;
              while (length < bytes.length && bytes[length] != 0) {
                length++;
              }
              return new String(bytes, 0, length, StandardCharsets.UTF_8);
            });
  }

  /** The attributes nested inside the attribute of {@code type}. */
  public Optional<Attributes> nested(int type) {
    return get(type).map(Attributes::parse);
  }

  private ByteBuffer require(int type, int width) {
    if (!has(type)) {
      throw new NetlinkProtocolException("attribute type " + type + " is missing");
    }
    ByteBuffer value = byType[type];
    if (value.remaining() < width) {
      throw new NetlinkProtocolException(
          "attribute type " + type + " has " + value.remaining() + " bytes, need " + width);
    }
    return value;
  }

  private static ByteBuffer fresh(ByteBuffer value) {
    return value.duplicate().order(ByteOrder.nativeOrder());
  }

  private static byte[] toArray(ByteBuffer value) {
    byte[] out = new byte[value.remaining()];
    value.duplicate().get(out);
    return out;
  }

  @Override
  public String toString() {
    return "Attributes" + types;
  }
}
