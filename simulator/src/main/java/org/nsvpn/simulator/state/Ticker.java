package org.nsvpn.simulator.state;

/**
 * A monotonic time source in nanoseconds, as {@link System#nanoTime()}: only differences mean
 * anything. Injected so that tests control aging.
 */
@FunctionalInterface
public interface Ticker {

  long nanos();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
