package org.nsvpn.agentplugin.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.model.Topology;
import org.nsvpn.topology.StatusStore;
import org.nsvpn.topology.status.ServiceState;
import org.nsvpn.topology.status.VpnServiceStatus;

/**
 * Router actors around a runner whose calls hang or fail on purpose: one router's hung charon must
 * not delay another router, and failures must surface as status "error" with their reason.
 */
class RouterVpnActorTest {
  private final ActorTestKit testKit = ActorTestKit.create();
  private final ExecutorService blocking = Executors.newFixedThreadPool(4);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    testKit.shutdownTestKit();
    blocking.shutdownNow();
    blocking.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void aHungRouterDelaysNoOtherAndFailuresBecomeErrorStatus() throws Exception {
    VpnServiceId hung = VpnServiceId.random();
    VpnServiceId misconfigured = VpnServiceId.random();
    RouterVpnRunner runner = mock(RouterVpnRunner.class);
    when(runner.provision(eq(hung), any()))
        .thenAnswer(
            call -> {
              release.await();
              throw new IOException("charon did not answer");
            });
    when(runner.provision(eq(misconfigured), any()))
        .thenThrow(
            new InvalidValueException(
                "external-ip", "192.0.2.9", "is not an address of any port of router r"));
    StatusStore status = mock(StatusStore.class);
    RouterVpnActor.Context context = context(runner, status);

    testKit.spawn(RouterVpnActor.create(context, hung, Topology.EMPTY));
    testKit.spawn(RouterVpnActor.create(context, misconfigured, Topology.EMPTY));

    // The second router gets its answer while the first one's runner is still blocked.
    verify(status, timeout(10_000))
        .publish(
            argThat(
                (VpnServiceStatus s) ->
                    s.service().equals(misconfigured)
                        && s.state() == ServiceState.ERROR
                        && s.reason().orElse("").contains("is not an address of any port")));
    verify(status, never())
        .publish(argThat((VpnServiceStatus s) -> s.service().equals(hung) && isError(s)));

    release.countDown();
    verify(status, timeout(10_000))
        .publish(
            argThat(
                (VpnServiceStatus s) ->
                    s.service().equals(hung)
                        && isError(s)
                        && s.reason().orElse("").contains("charon did not answer")));
  }

  @Test
  void aNamespaceRemovedWhileAPassRunsIsReportedAtOnce() throws Exception {
    VpnServiceId service = VpnServiceId.random();
    CountDownLatch entered = new CountDownLatch(1);
    RouterVpnRunner runner = mock(RouterVpnRunner.class);
    when(runner.provision(eq(service), any()))
        .thenAnswer(
            call -> {
              entered.countDown();
              release.await();
              throw new IOException("the pass in flight ends later");
            });
    StatusStore status = mock(StatusStore.class);
    RouterVpnActor.Context context = context(runner, status);
    ActorRef<RouterVpnActor.Command> router =
        testKit.spawn(RouterVpnActor.create(context, service, Topology.EMPTY));
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("a pass is running").isTrue();

    router.tell(new RouterVpnActor.NamespaceRemoved());

    verify(status, timeout(10_000))
        .publish(
            argThat(
                (VpnServiceStatus s) ->
                    s.service().equals(service)
                        && s.state() == ServiceState.PENDING
                        && s.reason().orElse("").contains("namespace removed")));
  }

  private RouterVpnActor.Context context(RouterVpnRunner runner, StatusStore status) {
    return new RouterVpnActor.Context(
        HostId.random(),
        runner,
        blocking,
        status,
        new StatusBoard(() -> {}),
        RouterVpnActor.Settings.DEFAULT,
        d -> {});
  }

  private static boolean isError(VpnServiceStatus s) {
    return s.state() == ServiceState.ERROR;
  }
}
