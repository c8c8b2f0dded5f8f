package org.nsvpn.strongswan.vici;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns Netty's leak detection into a test failure: PARANOID tracking of every buffer, a listener
 * on the ByteBuf leak detector that records reports, and after the test class a few collections and
 * allocations (which is when the detector looks for collected, unreleased buffers).
 */
public final class NettyLeaks implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private ResourceLeakDetector.Level previous;

  static {
    try {
      Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
      field.setAccessible(true);
      ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
      detector.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    previous = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    try {
      assertNoLeaks();
    } finally {
      ResourceLeakDetector.setLevel(previous);
    }
  }

  /** Collects garbage, lets the detector look, and fails if it reported anything. */
  public static void assertNoLeaks() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
      probe.release();
      Unpooled.buffer(16).release();
    }
    assertThat(LEAKS).as("Netty buffer leaks").isEmpty();
  }
}
