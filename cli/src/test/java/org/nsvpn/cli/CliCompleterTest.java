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
}
