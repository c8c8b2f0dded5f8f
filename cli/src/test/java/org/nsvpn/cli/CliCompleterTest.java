package org.nsvpn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nsvpn.topology.StoreSnapshot;

class CliCompleterTest {
  private final CliCompleter completer = new CliCompleter(StoreSnapshot::empty);

  @Test
  void completesTypesVerbsFieldsAndValues() {
    assertThat(completer.suggestions(List.of())).contains("router", "vpn-service", "help");
    assertThat(completer.suggestions(List.of("router"))).contains("list", "add");
    assertThat(completer.suggestions(List.of("router", "router0")))
        .contains("show", "set", "port", "route");
    assertThat(completer.suggestions(List.of("router", "add")))
        .contains("name", "local-redirect-chain");
    assertThat(completer.suggestions(List.of("chain", "chain0", "rule", "add")))
        .contains("type", "dst", "dst-port", "target-port");
    assertThat(completer.suggestions(List.of("chain", "chain0", "rule", "add", "type")))
        .contains("l2-transform", "accept");
    assertThat(completer.suggestions(List.of("router", "router0", "add", "route", "type")))
        .contains("normal", "blackhole");
    assertThat(completer.suggestions(List.of("vpn-service", "vpn0", "show")))
        .containsExactly("status");
    assertThat(
            completer.suggestions(
                List.of("vpn-service", "vpn0", "add", "ipsec-site-connection", "psk")))
        .containsExactly("prompt", "stdin", "file:");
  }

  @Test
  void completesGatewayGroupsMaintenanceAndClearableFields() {
    assertThat(completer.suggestions(List.of())).contains("gateway-group");
    assertThat(completer.suggestions(List.of("gateway-group"))).contains("list", "add");
    assertThat(completer.suggestions(List.of("gateway-group", "add"))).containsExactly("name");
    assertThat(completer.suggestions(List.of("gateway-group", "gwgroup0", "add")))
        .containsExactly("member");
    assertThat(completer.suggestions(List.of("gateway-group", "gwgroup0", "delete")))
        .containsExactly("member");
    assertThat(completer.suggestions(List.of("host", "host0", "set")))
        .containsExactly("name", "maintenance");
    assertThat(completer.suggestions(List.of("host", "add"))).containsExactly("name", "id");
    assertThat(completer.suggestions(List.of("host", "host0", "set", "maintenance")))
        .containsExactly("true", "false");
    assertThat(completer.suggestions(List.of("vpn-service", "add")))
        .contains("router", "gateway-group");
    assertThat(completer.suggestions(List.of("vpn-service", "vpn0", "set")))
        .contains("gateway-group")
        .doesNotContain("router");
    assertThat(completer.suggestions(List.of("vpn-service", "vpn0", "clear")))
        .containsExactly("gateway-group", "ca-certificates", "crl-uris");
    assertThat(completer.suggestions(List.of("router", "router0", "clear", "infilter")))
        .containsExactly("outfilter", "local-redirect-chain");
  }
}
