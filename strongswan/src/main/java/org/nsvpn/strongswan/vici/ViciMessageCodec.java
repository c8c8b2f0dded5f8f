package org.nsvpn.strongswan.vici;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes and decodes VICI packet bodies (everything after the 32-bit length) and messages.
 *
 * <p>Message elements: 1 SECTION_START(name), 2 SECTION_END, 3 KEY_VALUE(name, value), 4
 * LIST_START(name), 5 LIST_ITEM(value), 6 LIST_END; a name has an 8-bit length, a value a 16-bit
 * big-endian length. Decoding is strict: unbalanced sections, open lists, items outside lists,
 * duplicate names, unknown element types and truncation are {@link ViciProtocolException}s. The
 * parser is iterative, so deep nesting costs heap, not stack; it is bounded by {@link #MAX_DEPTH}.
 */
public final class ViciMessageCodec {
  public static final int SECTION_START = 1;
  public static final int SECTION_END = 2;
  public static final int KEY_VALUE = 3;
  public static final int LIST_START = 4;
  public static final int LIST_ITEM = 5;
  public static final int LIST_END = 6;

  /** Deepest section nesting accepted (charon's messages nest four or five levels). */
  public static final int MAX_DEPTH = 64;

  private ViciMessageCodec() {}

  /** Writes type, name and message of {@code packet}. */
  public static void encodePacket(ViciPacket packet, ByteBuf out) {
    out.writeByte(packet.type().code());
    packet.name().ifPresent(name -> writeName(name, out));
    if (packet.type().hasMessage()) {
      encodeMessage(packet.message(), out);
    }
  }

  /** Writes the elements of {@code section} (without a SECTION_START of its own). */
  public static void encodeMessage(ViciSection section, ByteBuf out) {
    for (Map.Entry<String, ViciElement> entry : section.entries().entrySet()) {
      ViciElement element = entry.getValue();
      if (element instanceof ViciValue value) {
        out.writeByte(KEY_VALUE);
        writeName(entry.getKey(), out);
        writeValue(value, out);
      } else if (element instanceof ViciList list) {
        out.writeByte(LIST_START);
        writeName(entry.getKey(), out);
        for (ViciValue item : list.items()) {
          out.writeByte(LIST_ITEM);
          writeValue(item, out);
        }
        out.writeByte(LIST_END);
      } else {
        out.writeByte(SECTION_START);
        writeName(entry.getKey(), out);
        encodeMessage((ViciSection) element, out);
        out.writeByte(SECTION_END);
      }
    }
  }

  private static void writeName(String name, ByteBuf out) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    out.writeByte(bytes.length);
    out.writeBytes(bytes);
  }

  private static void writeValue(ViciValue value, ByteBuf out) {
    byte[] bytes = value.rawBytes();
    out.writeShort(bytes.length);
    out.writeBytes(bytes);
  }

  /** Reads a whole packet body: all readable bytes of {@code in}. */
  public static ViciPacket decodePacket(ByteBuf in) {
    if (!in.isReadable()) {
      throw new ViciProtocolException("empty VICI packet: no packet type");
    }
    int code = in.readUnsignedByte();
    ViciPacketType type =
        ViciPacketType.ofCode(code)
            .orElseThrow(() -> new ViciProtocolException("unknown VICI packet type " + code));
    Optional<String> name =
        type.isNamed() ? Optional.of(readName(in, type + " name")) : Optional.empty();
    ViciSection message;
    if (type.hasMessage()) {
      message = decodeMessage(in);
    } else {
      if (in.isReadable()) {
        throw new ViciProtocolException(
            type + " carries no message, but " + in.readableBytes() + " bytes follow");
      }
      message = ViciSection.empty();
    }
    return new ViciPacket(type, name, message);
  }

  /** Reads a whole message: all readable bytes of {@code in}. */
  public static ViciSection decodeMessage(ByteBuf in) {
    Deque<ViciSection.Builder> sections = new ArrayDeque<>();
    Deque<String> sectionNames = new ArrayDeque<>();
    ViciSection.Builder current = ViciSection.builder();
    String listName = null;
    List<ViciValue> listItems = null;
    while (in.isReadable()) {
      int element = in.readUnsignedByte();
      switch (element) {
        case SECTION_START -> {
          requireNoList(listName, "SECTION_START");
          String name = readName(in, "section name");
          requireUnique(current, name);
          if (sections.size() >= MAX_DEPTH) {
            throw new ViciProtocolException("VICI sections nested deeper than " + MAX_DEPTH);
          }
          sections.push(current);
          sectionNames.push(name);
          current = ViciSection.builder();
        }
        case SECTION_END -> {
          requireNoList(listName, "SECTION_END");
          if (sections.isEmpty()) {
            throw new ViciProtocolException("VICI SECTION_END without an open section");
          }
          ViciSection done = current.build();
          current = sections.pop();
          current.put(sectionNames.pop(), done);
        }
        case KEY_VALUE -> {
          requireNoList(listName, "KEY_VALUE");
          String name = readName(in, "key");
          requireUnique(current, name);
          current.put(name, readValue(in, "value of key '" + name + "'"));
        }
        case LIST_START -> {
          requireNoList(listName, "LIST_START");
          String name = readName(in, "list name");
          requireUnique(current, name);
          listName = name;
          listItems = new ArrayList<>();
        }
        case LIST_ITEM -> {
          if (listName == null) {
            throw new ViciProtocolException("VICI LIST_ITEM outside a list");
          }
          listItems.add(readValue(in, "item of list '" + listName + "'"));
        }
        case LIST_END -> {
          if (listName == null) {
            throw new ViciProtocolException("VICI LIST_END without an open list");
          }
          current.put(listName, new ViciList(listItems));
          listName = null;
          listItems = null;
        }
        default -> throw new ViciProtocolException("unknown VICI message element type " + element);
      }
    }
    if (listName != null) {
      throw new ViciProtocolException("VICI message ends inside list '" + listName + "'");
    }
    if (!sections.isEmpty()) {
      throw new ViciProtocolException(
          "VICI message ends inside section '" + sectionNames.peek() + "'");
    }
    return current.build();
  }

  private static void requireNoList(String listName, String element) {
    if (listName != null) {
      throw new ViciProtocolException(
          "VICI " + element + " inside list '" + listName + "' (only LIST_ITEM may appear)");
    }
  }

  private static void requireUnique(ViciSection.Builder section, String name) {
    if (section.contains(name)) {
      throw new ViciProtocolException("duplicate VICI name '" + name + "' in one section");
    }
  }

  private static String readName(ByteBuf in, String what) {
    if (!in.isReadable()) {
      throw new ViciProtocolException("VICI " + what + " truncated: no length byte");
    }
    int length = in.readUnsignedByte();
    requireAnnounced(in, length, what);
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    // Strictly: a lenient decoder would turn each bad byte into U+FFFD, three bytes long, and the
    // name would then break the 255-byte limit far from here instead of failing as a protocol
    // error.
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ViciProtocolException("VICI " + what + " is not valid UTF-8");
    }
  }

  private static void requireAnnounced(ByteBuf in, int length, String what) {
    if (in.readableBytes() < length) {
      throw new ViciProtocolException(
          "VICI "
              + what
              + " truncated: "
              + length
              + " bytes announced, "
              + in.readableBytes()
              + " left");
    }
  }

  private static ViciValue readValue(ByteBuf in, String what) {
    if (in.readableBytes() < 2) {
      throw new ViciProtocolException("VICI " + what + " truncated: no 16-bit length");
    }
    int length = in.readUnsignedShort();
    requireAnnounced(in, length, what);
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    return ViciValue.wrap(bytes);
  }
}
