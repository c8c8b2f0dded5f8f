package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nsvpn.strongswan.vici.ViciProtocolException;

/** The generated strongswan.conf, the service's configuration checks, error-notify records. */
class CharonConfTest {

  @Test
  void theGeneratedConfigurationLoadsWhatIsNeededAndHoldsNoSecret() {
    String conf = CharonConf.render("vpn-1", Backend.KERNEL_LIBIPSEC, 12, 1);
    assertThat(conf)
        .contains("load_modular = no")
        .contains("threads = 12")
        .contains("socket = unix:///run/charon.vici")
        .contains("socket = unix:///run/charon.enfy")
        .contains("path = /run/charon.log")
        .contains("default = 1")
        .contains("time_format = %Y-%m-%dT%H:%M:%S")
        .doesNotContainIgnoringCase("secret")
        .doesNotContain("psk");
    assertThat(CharonConf.plugins(Backend.KERNEL_LIBIPSEC))
        .contains("kdf", "vici", "error-notify", "socket-default", "nonce", "random", "openssl")
        .containsSubsequence("kernel-libipsec", "kernel-netlink");
    assertThat(CharonConf.plugins(Backend.KERNEL_NETLINK)).doesNotContain("kernel-libipsec");
  }

  @Test
  void configurationRefusesWhatWouldHangOrLeakCharon() {
    StrongSwanConfig defaults = StrongSwanConfig.defaults();
    assertThatThrownBy(() -> defaults.withWorkerThreads(9))
        .hasMessageStartingWith("charon-threads:");
    assertThatThrownBy(
            () ->
                new StrongSwanConfig(
                    defaults.stateRoot(),
                    defaults.charonBinary(),
                    12,
                    defaults.startTimeout(),
                    defaults.stopTimeout(),
                    defaults.refreshInterval(),
                    defaults.requestTimeout(),
                    java.util.Optional.empty(),
                    4,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5)))
        .hasMessageStartingWith("charon-log-level:");
    assertThatThrownBy(() -> defaults.withStateRoot(java.nio.file.Path.of("relative")))
        .hasMessageStartingWith("state-root:");
    assertThatThrownBy(() -> defaults.withRetry(Duration.ofSeconds(10), Duration.ofSeconds(1)))
        .hasMessageStartingWith("retry-max:");
    assertThat(defaults.retryBackoff().after(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.retryBackoff().after(4)).isEqualTo(Duration.ofSeconds(40));
    assertThat(defaults.retryBackoff().after(50)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void errorNotifyRecordsHaveTheirFixedLayout() {
    ErrorNotification sent =
        new ErrorNotification(
            3, "peer authentication failed", "nsvpn-1", "b1.example.org", "192.0.2.2[4500]");
    ByteBuf buffer = Unpooled.buffer();
    try {
      sent.encode(buffer);
      assertThat(buffer.readableBytes()).isEqualTo(ErrorNotification.SIZE);
      assertThat(buffer.getInt(0)).as("type in network order").isEqualTo(3);
      assertThat(buffer.getByte(4)).isEqualTo((byte) 'p');
      assertThat(buffer.getByte(4 + 384)).as("name at offset 388").isEqualTo((byte) 'n');
      assertThat(buffer.getByte(4 + 384 + 64)).as("id at offset 452").isEqualTo((byte) 'b');
      assertThat(buffer.getByte(4 + 384 + 64 + 256)).as("ip at offset 708").isEqualTo((byte) '1');
      ErrorNotification received = ErrorNotification.decode(buffer);
      assertThat(received).isEqualTo(sent);
      assertThat(received.type()).contains(ErrorNotifyType.PEER_AUTH_FAILED);
      assertThat(received.peerIp()).isEqualTo("192.0.2.2");
    } finally {
      buffer.release();
    }
    ByteBuf shortRecord = Unpooled.buffer(10).writeZero(10);
    try {
      assertThatThrownBy(() -> ErrorNotification.decode(shortRecord))
          .isInstanceOf(ViciProtocolException.class)
          .hasMessageContaining("expected 768");
    } finally {
      shortRecord.release();
    }
    assertThat(ErrorNotifyType.ofCode(99)).isEmpty();
  }
}
