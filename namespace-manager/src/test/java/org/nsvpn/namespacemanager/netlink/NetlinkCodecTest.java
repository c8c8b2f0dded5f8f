package org.nsvpn.namespacemanager.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;

class NetlinkCodecTest {

  private static ByteBuffer body(NetlinkRequest request) {
    return ByteBuffer.wrap(request.message()).order(ByteOrder.nativeOrder());
  }

  @Test
  void headerRoundTripsAndFillsTheLength() {
    NetlinkRequest request =
        MessageWriter.request(18, Netlink.NLM_F_DUMP, "test").u32(3, 7).build();
    NlMsgHdr header = NlMsgHdr.decode(body(request));

    assertThat(header).isEqualTo(new NlMsgHdr(24, 18, Netlink.NLM_F_DUMP, 0, 0));
    assertThat(request.message()).hasSize(24);
    ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    header.encode(out);
    assertThat(NlMsgHdr.decode(out.flip())).isEqualTo(header);
  }

  @Test
  void headerFieldsHaveTheirCWidths() {
    assertThatThrownBy(() -> new NlMsgHdr(16, 0x10000, 0, 0, 0))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("nlmsg_type:");
    assertThatThrownBy(() -> new NlMsgHdr(8, 1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void attributesArePaddedToFourBytes() {
    NetlinkRequest request =
        MessageWriter.request(16, 0, "test").u8(1, 0xab).string(2, "veth0").u16(3, 0x1234).build();
    ByteBuffer in = body(request);

    // u8: 4 header + 1 value + 3 padding; "veth0\0": 4 + 6 + 2; u16: 4 + 2 + 2.
    assertThat(request.message()).hasSize(16 + 8 + 12 + 8);
    assertThat(in.getShort(16)).isEqualTo((short) 5);
    assertThat(in.getShort(24)).isEqualTo((short) 10);
    assertThat(in.getShort(36)).isEqualTo((short) 6);
    Attributes attributes = Attributes.parse(in.position(16));
    assertThat(attributes.u8(1)).isEqualTo(0xab);
    assertThat(attributes.string(2)).contains("veth0");
    assertThat(attributes.u16(3)).isEqualTo(0x1234);
    assertThat(attributes.types()).containsExactly(1, 2, 3);
  }

  @Test
  void nestedAttributesGetTheirLengthWhenClosed() {
    MessageWriter writer = MessageWriter.request(16, 0, "test");
    int outer = writer.beginNested(18);
    writer.string(1, "veth");
    int inner = writer.beginNested(2);
    writer.u32(28, 42);
    writer.endNested(inner);
    writer.endNested(outer);
    ByteBuffer in = body(writer.build());

    Attributes top = Attributes.parse(in.position(16));
    Attributes info = top.nested(18).orElseThrow();
    assertThat(info.string(1)).contains("veth");
    assertThat(info.nested(2).orElseThrow().u32(28)).isEqualTo(42);
    assertThat(in.getShort(16)).isEqualTo((short) (4 + 12 + 4 + 8));
  }

  @Test
  void nestedAndByteOrderFlagsAreMaskedOffTheType() {
    ByteBuffer in = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
    in.putShort((short) 8).putShort((short) (5 | Netlink.NLA_F_NESTED)).putInt(9).flip();
    assertThat(Attributes.parse(in).u32(5)).isEqualTo(9);
  }

  @Test
  void repeatedTypesKeepEveryOccurrence() {
    NetlinkRequest request = MessageWriter.request(16, 0, "t").u32(5, 1).u32(5, 2).build();
    Attributes attributes = Attributes.parse(body(request).position(16));
    assertThat(attributes.u32(5)).isEqualTo(2);
    assertThat(attributes.all(5)).extracting(b -> b.getInt(0)).containsExactly(1, 2);
  }

  @Test
  void malformedAttributesAreProtocolErrors() {
    ByteBuffer overrun = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
    overrun.putShort((short) 40).putShort((short) 1).putInt(0).flip();
    assertThatThrownBy(() -> Attributes.parse(overrun))
        .isInstanceOf(NetlinkProtocolException.class);

    ByteBuffer tooShort = ByteBuffer.allocate(6).order(ByteOrder.nativeOrder());
    tooShort.putShort((short) 6).putShort((short) 1).putShort((short) 0).flip();
    Attributes attributes = Attributes.parse(tooShort);
    assertThatThrownBy(() -> attributes.u32(1)).isInstanceOf(NetlinkProtocolException.class);
    assertThat(attributes.u32(7, -1)).as("absent, default").isEqualTo(-1);
    assertThat(attributes.string(7)).isEmpty();
  }

  @Test
  void cappedErrorAckCarriesTheKernelMessage() {
    MessageWriter writer = MessageWriter.request(Netlink.NLMSG_ERROR, 0, "ack");
    new NlMsgErr(
            -17, new NlMsgHdr(40, 16, 5, 99, 1234), Optional.of("File exists"), OptionalInt.of(20))
        .encode(writer);
    ByteBuffer payload = body(writer.build()).position(16).slice().order(ByteOrder.nativeOrder());

    NlMsgErr error = NlMsgErr.decode(payload, Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS);

    assertThat(error.error()).isEqualTo(-17);
    assertThat(error.isAck()).isFalse();
    assertThat(error.request().sequence()).isEqualTo(99);
    assertThat(error.kernelMessage()).contains("File exists");
    assertThat(error.offset()).hasValue(20);
  }

  @Test
  void ackWithoutTlvsHasNoMessage() {
    MessageWriter writer = MessageWriter.request(Netlink.NLMSG_ERROR, 0, "ack");
    new NlMsgErr(0, new NlMsgHdr(16, 16, 5, 7, 0), Optional.empty(), OptionalInt.empty())
        .encode(writer);
    NlMsgErr ack =
        NlMsgErr.decode(
            body(writer.build()).position(16).slice().order(ByteOrder.nativeOrder()), 0);
    assertThat(ack.isAck()).isTrue();
    assertThat(ack.kernelMessage()).isEmpty();
  }

  @Test
  void aDatagramSplitsIntoItsAlignedMessages() {
    byte[] first = MessageWriter.request(16, Netlink.NLM_F_MULTI, "a").u8(1, 1).build().message();
    byte[] second =
        MessageWriter.request(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, "b").build().message();
    ByteBuffer datagram = ByteBuffer.allocate(first.length + second.length);
    datagram.put(first).put(second).flip();

    List<NetlinkMessage> messages = NetlinkMessage.split(datagram);

    assertThat(messages).extracting(NetlinkMessage::type).containsExactly(16, Netlink.NLMSG_DONE);
    assertThat(messages.get(0).payload().remaining()).isEqualTo(8);
    assertThat(messages.get(1).payload().remaining()).isZero();
  }

  @Test
  void aMessageLongerThanItsDatagramIsAProtocolError() {
    byte[] message = MessageWriter.request(16, 0, "a").u32(1, 1).build().message();
    ByteBuffer cut = ByteBuffer.wrap(message, 0, message.length - 4);
    assertThatThrownBy(() -> NetlinkMessage.split(cut))
        .isInstanceOf(NetlinkProtocolException.class);
  }

  @Property(tries = 200)
  void anyAttributesRoundTrip(
      @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 0x3fff) Integer> types,
      @ForAll @Size(max = 12) List<@Size(max = 40) byte[]> values) {
    MessageWriter writer = MessageWriter.request(16, 0, "p");
    int n = Math.min(types.size(), values.size());
    for (int i = 0; i < n; i++) {
      writer.bytes(types.get(i), values.get(i));
    }
    NetlinkRequest request = writer.build();
    assertThat(request.message().length % 4).isZero();
    Attributes attributes = Attributes.parse(body(request).position(16));
    assertThat(attributes.types()).containsExactlyElementsOf(types.subList(0, n));
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int occurrence = seen.merge(types.get(i), 1, Integer::sum) - 1;
      ByteBuffer value = attributes.all(types.get(i)).get(occurrence);
      byte[] got = new byte[value.remaining()];
      value.get(got);
      assertThat(got).isEqualTo(values.get(i));
    }
  }
}
