package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.SecretRef;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.testing.KernelResources;
import org.nsvpn.strongswan.vici.ViciClient;
import org.nsvpn.strongswan.vici.ViciClientOptions;
import org.nsvpn.strongswan.vici.ViciCommandException;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.strongswan.vici.ViciStreamedResponse;

/** The VICI client against a real charon: queueing, streaming, events, reconnect on restart. */
class ViciClientIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final VpnService SERVICE =
      new VpnService(
          VpnServiceId.random(), "vpn", RouterId.random(), IpAddress.parse("192.0.2.1"), true);

  @RegisterExtension final KernelResources kernel = new KernelResources();
  private ViciClient client;

  @BeforeAll
  static void charonIsInstalled() {
    CharonFixture.requireCharon();
  }

  @AfterEach
  void cleanUp() {
    if (client != null) {
      client.close();
    }
    CharonFixture.cleanUp();
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  private static ViciSection loadConn(int n, Backend backend) {
    IpsecSiteConnection connection =
        IpsecSiteConnection.builder()
            .id(IpsecSiteConnectionId.random())
            .vpnService(SERVICE.id())
            .name("c" + n)
            .peerAddress(IpAddress.parse("192.0.2." + (100 + n)))
            .localCidrs(IpSubnet.parse("10.1." + n + ".0/24"))
            .peerCidrs(IpSubnet.parse("10.2." + n + ".0/24"))
            .psk(new SecretRef("k"))
            .initiator(Initiator.RESPONSE_ONLY)
            .build();
    return ConnectionMapping.loadConn(ConnectionSpec.of(SERVICE, connection), backend);
  }

  @Test
  void talksToCharonThroughRestarts() {
    String namespace = kernel.namespace(KernelResources.unique("svc-"));
    NetworkNamespaces.system().create(namespace);
    StrongSwan service = CharonFixture.service();
    CharonInstance charon = await(service.startOrAdopt(namespace));
    client =
        ViciClient.open(
            charon.directory().resolve("charon.vici"),
            ViciClientOptions.defaults()
                .withReconnect(Duration.ofMillis(10), Duration.ofMillis(100)));

    List<CompletableFuture<ViciSection>> answers =
        IntStream.range(0, 20)
            .mapToObj(i -> client.request(i % 2 == 0 ? "version" : "stats", ViciSection.empty()))
            .toList();
    for (int i = 0; i < answers.size(); i++) {
      ViciSection answer = await(answers.get(i));
      assertThat(answer.entries()).containsKey(i % 2 == 0 ? "daemon" : "uptime");
    }

    List<String> logs = new CopyOnWriteArrayList<>();
    await(client.subscribe("log", log -> log.text("msg").ifPresent(logs::add)));
    for (int n = 1; n <= 3; n++) {
      await(client.request("load-conn", loadConn(n, charon.backend()))).requireSuccess("load-conn");
    }
    ViciStreamedResponse conns =
        await(client.streamedRequest("list-conns", ViciSection.empty(), "list-conn"));
    assertThat(conns.events()).hasSize(3);
    assertThat(conns.events())
        .allSatisfy(
            e -> assertThat(e.entries().keySet()).singleElement().asString().startsWith("nsvpn-"));
    Awaitility.await("log events")
        .atMost(WAIT)
        .until(() -> logs.stream().filter(l -> l.contains("added vici connection")).count() == 3);

    assertThatThrownBy(() -> await(client.request("no-such-command", ViciSection.empty())))
        .hasCauseInstanceOf(ViciCommandException.class)
        .hasMessageContaining("unknown command");
    assertThatThrownBy(() -> await(client.subscribe("no-such-event", e -> {})))
        .hasCauseInstanceOf(ViciCommandException.class)
        .hasMessageContaining("unknown event");
    assertThat(
            await(
                    client.request(
                        "unload-conn", ViciSection.builder().put("name", "absent").build()))
                .flag("success"))
        .isFalse();

    // A new charon on the same socket: the client reconnects and registers its events again.
    await(charon.stop());
    Awaitility.await().atMost(WAIT).until(() -> client.state() == ViciClient.State.DISCONNECTED);
    CharonInstance second = await(service.startOrAdopt(namespace));
    assertThat(second.pid()).isNotEqualTo(charon.pid());
    Awaitility.await().atMost(WAIT).until(() -> client.state() == ViciClient.State.CONNECTED);
    logs.clear();
    await(client.request("load-conn", loadConn(4, second.backend()))).requireSuccess("load-conn");
    Awaitility.await("log events after the restart")
        .atMost(WAIT)
        .until(() -> logs.stream().anyMatch(l -> l.contains("added vici connection")));
    assertThat(await(client.request("get-conns", ViciSection.empty())).texts("conns")).hasSize(1);
    await(second.stop());
  }
}
