package org.nsvpn.agentplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.Ipv4Address;

class AgentConfigTest {

  private static AgentConfig with(String hocon) {
    return AgentConfig.from(ConfigFactory.load(ConfigFactory.parseString(hocon)));
  }

  @Test
  void theDefaultsDetectFailuresInSecondsAndRunNoOverlay() {
    AgentConfig c = with("");
    assertThat(c.zookeeperSessionTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.tunnelAddress()).isEmpty();
    assertThat(c.overlayPort()).isEqualTo(4789);
    assertThat(c.statsInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theOverlayIsConfigured() {
    AgentConfig c = with("nsvpn.agent.overlay { tunnel-address = \"169.254.9.1\", port = 8472 }");
    assertThat(c.tunnelAddress()).isEqualTo(Optional.of(Ipv4Address.parse("169.254.9.1")));
    assertThat(c.overlayPort()).isEqualTo(8472);
  }

  @Test
  void anUnknownSettingIsRefusedWithTheNearestValidOne(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("agent.conf");
    java.nio.file.Files.writeString(
        file, "nsvpn.agent {\n  overlay.port = 4789\n  zookeeper.conect = \"zk1:2181\"\n}\n");
    assertThatThrownBy(() -> AgentConfig.load(Optional.of(file)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("nsvpn.agent.zookeeper.conect")
        .hasMessageContaining("line 3")
        .hasMessageContaining("did you mean nsvpn.agent.zookeeper.connect?");
    java.nio.file.Files.writeString(
        file, "nsvpn.plugins.ipsec.retry-minimum = 1s\nakka.loglevel = DEBUG\n");
    assertThatThrownBy(() -> AgentConfig.load(Optional.of(file)))
        .hasMessageContaining("nsvpn.plugins.ipsec.retry-minimum")
        .hasMessageContaining("did you mean nsvpn.plugins.ipsec.retry-min?");
    java.nio.file.Files.writeString(file, "nsvpn.agent.zookeeper.session-timeout = fast\n");
    assertThatThrownBy(() -> AgentConfig.load(Optional.of(file)))
        .as("a wrong type names its path")
        .hasMessageContaining("session-timeout");
    java.nio.file.Files.writeString(
        file, "nsvpn.agent.overlay.port = 8472\nakka.loglevel = DEBUG\n");
    assertThat(AgentConfig.load(Optional.of(file)).overlayPort()).isEqualTo(8472);
  }

  @Test
  void badValuesNameTheirSetting() {
    assertThatThrownBy(() -> with("nsvpn.agent.overlay.tunnel-address = \"host-1\""))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("nsvpn.agent.overlay.tunnel-address");
    assertThatThrownBy(() -> with("nsvpn.agent.overlay.tunnel-address = \"224.0.0.1\""))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("unicast");
    assertThatThrownBy(() -> with("nsvpn.agent.overlay.port = 0"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("nsvpn.agent.overlay.port");
    assertThatThrownBy(() -> with("nsvpn.agent.zookeeper.session-timeout = 500ms"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("nsvpn.agent.zookeeper.session-timeout");
  }
}
