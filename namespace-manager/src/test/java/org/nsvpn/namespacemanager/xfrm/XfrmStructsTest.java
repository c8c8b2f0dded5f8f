package org.nsvpn.namespacemanager.xfrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

/** Sizes and offsets checked against linux/xfrm.h as compiled for x86-64. */
class XfrmStructsTest {
  private static final XfrmSelector SELECTOR =
      new XfrmSelector(
          IpSubnet.parse("198.51.100.0/24"), IpSubnet.parse("192.0.2.0/25"), 17, 4500, 500, 3);

  private static ByteBuffer buffer() {
    return ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
  }

  @Test
  void selectorLayout() {
    ByteBuffer out = buffer();
    SELECTOR.encode(out);
    assertThat(out.position()).isEqualTo(XfrmSelector.SIZE).isEqualTo(56);
    assertThat(out.get(0) & 0xff).isEqualTo(198);
    assertThat(out.get(16) & 0xff).isEqualTo(192);
    assertThat(out.get(32) & 0xff).as("dport, big-endian").isEqualTo(4500 >> 8);
    assertThat(out.get(33) & 0xff).isEqualTo(4500 & 0xff);
    assertThat(out.getShort(34)).as("dport mask").isEqualTo((short) 0xffff);
    assertThat(out.getShort(40)).as("family").isEqualTo((short) XfrmConstants.AF_INET);
    assertThat(out.get(42)).isEqualTo((byte) 24);
    assertThat(out.get(43)).isEqualTo((byte) 25);
    assertThat(out.get(44)).isEqualTo((byte) 17);
    assertThat(out.getInt(48)).isEqualTo(3);
    assertThat(XfrmSelector.decode(out.flip())).isEqualTo(SELECTOR);
  }

  @Test
  void selectorRefusesMixedFamilies() {
    assertThatThrownBy(
            () ->
                XfrmSelector.between(
                    IpSubnet.parse("2001:db8::/64"), IpSubnet.parse("192.0.2.0/24")))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("selector source:");
  }

  @Test
  void saInfoLayoutAndRoundTrip() {
    XfrmUserSaInfo info =
        new XfrmUserSaInfo(
            SELECTOR,
            new XfrmId(IpAddress.parse("2001:db8::2"), 0x01020304, XfrmConstants.IPPROTO_ESP),
            IpAddress.parse("2001:db8::1"),
            XfrmLifetimeConfig.UNLIMITED,
            new XfrmLifetimeCurrent(1000, 10, 1_700_000_000L, 1_700_000_100L),
            new XfrmStats(32, 1, 2),
            5,
            7,
            XfrmConstants.XFRM_MODE_TUNNEL,
            32,
            0);
    ByteBuffer out = buffer();
    info.encode(out);
    assertThat(out.position()).isEqualTo(XfrmUserSaInfo.SIZE).isEqualTo(224);
    assertThat(out.get(72))
        .as("spi, big-endian, after the 16-byte daddr at 56")
        .isEqualTo((byte) 1);
    assertThat(out.get(76)).as("proto").isEqualTo((byte) 50);
    assertThat(out.getLong(160)).as("curlft.bytes").isEqualTo(1000);
    assertThat(out.getLong(184)).as("curlft.use_time").isEqualTo(1_700_000_100L);
    assertThat(out.getInt(208)).as("reqid").isEqualTo(7);
    assertThat(out.getShort(212)).as("family").isEqualTo((short) XfrmConstants.AF_INET6);
    assertThat(out.get(214)).as("mode").isEqualTo((byte) 1);
    assertThat(XfrmUserSaInfo.decode(out.flip())).isEqualTo(info);
  }

  @Test
  void policyInfoLayoutAndRoundTrip() {
    XfrmUserPolicyInfo info = XfrmPolicy.block(SELECTOR, PolicyDirection.FWD, 300).info();
    ByteBuffer out = buffer();
    info.encode(out);
    assertThat(out.position()).isEqualTo(XfrmUserPolicyInfo.SIZE).isEqualTo(168);
    assertThat(out.getInt(152)).as("priority").isEqualTo(300);
    assertThat(out.get(160)).as("dir").isEqualTo((byte) XfrmConstants.XFRM_POLICY_FWD);
    assertThat(out.get(161)).as("action").isEqualTo((byte) XfrmConstants.XFRM_POLICY_BLOCK);
    assertThat(XfrmUserPolicyInfo.decode(out.flip())).isEqualTo(info);
  }

  @Test
  void idsAndTemplatesHaveTheirSizes() {
    XfrmId id = new XfrmId(IpAddress.parse("203.0.113.2"), 0x100, XfrmConstants.IPPROTO_ESP);
    ByteBuffer out = buffer();
    new XfrmUserSaId(id).encode(out);
    assertThat(out.position()).isEqualTo(24);
    assertThat(out.getShort(20)).isEqualTo((short) XfrmConstants.AF_INET);
    assertThat(XfrmUserSaId.decode(out.flip()).id()).isEqualTo(id);

    out = buffer();
    new XfrmUserPolicyId(SELECTOR, 0, PolicyDirection.OUT).encode(out);
    assertThat(out.position()).isEqualTo(64);
    assertThat(XfrmUserPolicyId.decode(out.flip()).direction()).isEqualTo(PolicyDirection.OUT);

    XfrmUserTemplate template =
        XfrmUserTemplate.tunnel(
            IpAddress.parse("203.0.113.1"), IpAddress.parse("203.0.113.2"), 50, 9);
    out = buffer();
    template.encode(out);
    assertThat(out.position()).isEqualTo(XfrmUserTemplate.SIZE).isEqualTo(64);
    assertThat(out.get(28) & 0xff).as("saddr at 28").isEqualTo(203);
    assertThat(out.getInt(44)).as("reqid").isEqualTo(9);
    assertThat(XfrmUserTemplate.decode(out.flip())).isEqualTo(template);
  }

  @Test
  void algorithmsRoundTripAndNeverPrintTheirKey() {
    byte[] key = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    XfrmAlgorithm auth = XfrmAlgorithm.authentication("hmac(sha256)", key, 128);
    byte[] encoded = auth.encode();
    assertThat(encoded).hasSize(64 + 4 + 4 + 16);
    ByteBuffer in = ByteBuffer.wrap(encoded).order(ByteOrder.nativeOrder());
    assertThat(in.getInt(64)).as("key length in bits").isEqualTo(128);
    assertThat(XfrmAlgorithm.decode(XfrmConstants.XFRMA_ALG_AUTH_TRUNC, in)).isEqualTo(auth);
    assertThat(XfrmAlgorithm.encryption("cbc(aes)", key).encode()).hasSize(64 + 4 + 16);

    assertThat(auth.toString()).doesNotContain("1, 2, 3").contains("hidden");
    assertThatThrownBy(() -> XfrmAlgorithm.encryption("x".repeat(64), key))
        .hasMessageStartingWith("algorithm name:");
    assertThat(
            XfrmState.manual(
                    IpAddress.parse("192.0.2.1"),
                    IpAddress.parse("192.0.2.2"),
                    1,
                    50,
                    1,
                    1,
                    List.of(XfrmAlgorithm.encryption("cbc(aes)", key)))
                .toString())
        .doesNotContain("[1, 2, 3");
  }
}
