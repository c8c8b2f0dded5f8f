package org.nsvpn.namespacemanager.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExitWatcherIT {
  private ExitWatcher watcher;
  private Process sleeper;
  private ProcessHandle orphan;

  @BeforeEach
  void start() {
    watcher = ExitWatcher.start("exit-watcher-test");
  }

  @AfterEach
  void stop() {
    if (sleeper != null) {
      sleeper.destroyForcibly();
    }
    if (orphan != null) {
      orphan.destroyForcibly();
    }
    watcher.close();
  }

  @Test
  void aChildsExitIsReported() throws Exception {
    sleeper = new ProcessBuilder("sleep", "60").start();
    CountDownLatch exited = new CountDownLatch(1);
    watcher.watch(sleeper.toHandle(), exited::countDown);
    assertThat(exited.await(200, TimeUnit.MILLISECONDS)).isFalse();
    sleeper.destroyForcibly();
    assertThat(exited.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.size() == 0);
  }

  @Test
  void theExitOfAProcessThatIsNotOurChildIsReportedToo() throws Exception {
    // The shell starts sleep in the background and exits: sleep is re-parented away from us.
    Process shell =
        new ProcessBuilder("sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!")
            .redirectErrorStream(true)
            .start();
    long pid =
        Long.parseLong(
            new String(shell.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
    shell.waitFor();
    orphan = ProcessHandle.of(pid).orElseThrow();
    assertThat(orphan.parent().map(ProcessHandle::pid).orElse(0L))
        .isNotEqualTo(ProcessHandle.current().pid());
    CountDownLatch exited = new CountDownLatch(1);
    watcher.watch(orphan, exited::countDown);
    orphan.destroyForcibly();
    assertThat(exited.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aProcessThatIsAlreadyGoneIsReportedAtOnceAndACancelledWatchNever() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor();
    AtomicInteger calls = new AtomicInteger();
    watcher.watch(done.toHandle(), calls::incrementAndGet);
    assertThat(calls).hasValue(1);

    sleeper = new ProcessBuilder("sleep", "60").start();
    AtomicInteger cancelledCalls = new AtomicInteger();
    AutoCloseable watch = watcher.watch(sleeper.toHandle(), cancelledCalls::incrementAndGet);
    watch.close();
    watch.close();
    CountDownLatch second = new CountDownLatch(1);
    watcher.watch(sleeper.toHandle(), second::countDown);
    sleeper.destroyForcibly();
    assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(cancelledCalls).hasValue(0);
  }
}
