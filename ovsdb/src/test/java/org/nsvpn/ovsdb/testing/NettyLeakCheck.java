package org.nsvpn.ovsdb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * JUnit extension: fails a test when Netty's leak detector reports a leaked buffer during it. Runs
 * the detector at PARANOID level (every buffer tracked) and, after the test, forces garbage
 * collection and allocations so leaked buffers are reported before the verdict.
 */
public final class NettyLeakCheck implements BeforeEachCallback, AfterEachCallback {
  private static final String LOGGER = ResourceLeakDetector.class.getName();
  private ListAppender<ILoggingEvent> appender;

  @Override
  public void beforeEach(ExtensionContext context) {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    appender = new ListAppender<>();
    appender.start();
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    logger.setLevel(Level.ERROR);
    logger.addAppender(appender);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (int round = 0; round < 5; round++) {
      System.gc();
      for (int i = 0; i < 64; i++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(16);
        a.release();
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    logger.detachAppender(appender);
    List<String> leaks =
        appender.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("LEAK"))
            .collect(Collectors.toList());
    assertThat(leaks).as("Netty buffer leaks reported during the test").isEmpty();
  }
}
