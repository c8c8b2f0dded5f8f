package org.nsvpn.agentplugin.ipsec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.topology.status.ServiceState;

class StatusBoardTest {
  private final StatusBoard board = new StatusBoard(() -> {});
  private final VpnServiceId service = VpnServiceId.random();

  private StatusBoard.ServiceRow row() {
    return board.services().stream().filter(r -> r.service().equals(service)).findFirst().get();
  }

  @Test
  void aNewCharonPidCountsARestartButTheFirstOneAndARepeatDoNot() {
    board.putService(service, ServiceState.PENDING, false, Optional.empty());
    assertThat(row().charonUp()).isFalse();
    board.putService(service, ServiceState.ACTIVE, true, Optional.of(100L));
    board.putService(service, ServiceState.ACTIVE, true, Optional.of(100L));
    assertThat(row().charonRestarts()).as("first charon, reported twice").isZero();
    assertThat(row().charonUp()).isTrue();
    assertThat(row().namespaceUp()).isTrue();

    board.putService(service, ServiceState.ERROR, true, Optional.empty());
    assertThat(row().charonUp()).as("charon exited").isFalse();
    board.putService(service, ServiceState.ACTIVE, true, Optional.of(200L));
    assertThat(row().charonRestarts()).isEqualTo(1);
    assertThat(row().state()).isEqualTo(ServiceState.ACTIVE);
  }

  @Test
  void aServiceThatLeftIsForgotten() {
    board.putService(service, ServiceState.ACTIVE, true, Optional.of(100L));
    board.removeService(service);
    assertThat(board.services()).isEmpty();
  }
}
