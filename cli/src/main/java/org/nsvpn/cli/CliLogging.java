package org.nsvpn.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Optional;

/**
 * Logging of the command line tools ({@code nsvpn-cli}, {@code nsvpn-swanctl}, {@code nsvpn-zk}),
 * set up in code rather than from a {@code logback.xml}: parsing XML costs a one-shot call tens of
 * milliseconds. The tools print their results on stdout and a refusal as one line on stderr,
 * nothing else, so library logging is off unless {@code NSVPN_CLI_LOG} names a level ({@code
 * debug}, {@code info}, {@code warn}, {@code error}), which turns it on, on stderr, for diagnosis.
 *
 * <p>Logback finds this class through {@code ServiceLoader}. It configures only a process whose
 * main method called {@link #select} first; anywhere else (the agent's tests, which have the CLI on
 * their class path) it leaves the configuration to the next configurator, so {@code
 * logback-test.xml} and the agent's own {@code logback.xml} apply as before.
 */
public final class CliLogging extends ContextAwareBase implements Configurator {
  static final String PROPERTY = "nsvpn.cli.log-level";

  /** Called first thing by each tool's main: logging as {@code NSVPN_CLI_LOG} says, else off. */
  static void select() {
    System.setProperty(PROPERTY, Optional.ofNullable(System.getenv("NSVPN_CLI_LOG")).orElse("off"));
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String level = System.getProperty(PROPERTY);
    if (level == null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.OFF));
    if (root.getLevel() != Level.OFF) {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n");
      encoder.start();
      ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
      stderr.setContext(context);
      stderr.setName("STDERR");
      stderr.setTarget("System.err");
      stderr.setEncoder(encoder);
      stderr.start();
      root.addAppender(stderr);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
