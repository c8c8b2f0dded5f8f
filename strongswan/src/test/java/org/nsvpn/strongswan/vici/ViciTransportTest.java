package org.nsvpn.strongswan.vici;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The callback pool is bounded: work beyond its threads queues instead of starting threads. */
class ViciTransportTest {

  @Test
  void theCallbackPoolNeverRunsMoreThanItsBound() throws Exception {
    ThreadPoolExecutor pool = (ThreadPoolExecutor) ViciTransport.callbackPool();
    assertThat(pool.getMaximumPoolSize()).isEqualTo(ViciTransport.CALLBACK_THREADS);
    Set<Thread> used = ConcurrentHashMap.newKeySet();
    int tasks = 20 * ViciTransport.CALLBACK_THREADS;
    CountDownLatch done = new CountDownLatch(tasks);
    for (int i = 0; i < tasks; i++) {
      // Many serial executors, as many charons have: each drains on one pool thread at a time.
      new SerialExecutor(pool)
          .execute(
              () -> {
                used.add(Thread.currentThread());
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                done.countDown();
              });
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(used).hasSizeLessThanOrEqualTo(ViciTransport.CALLBACK_THREADS);
    assertThat(pool.getLargestPoolSize()).isLessThanOrEqualTo(ViciTransport.CALLBACK_THREADS);
  }
}
