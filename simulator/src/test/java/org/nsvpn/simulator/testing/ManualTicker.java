package org.nsvpn.simulator.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.nsvpn.simulator.state.Ticker;

/** A ticker that moves only when told to. */
public final class ManualTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Override
  public long nanos() {
    return now.get();
  }

  public void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }
}
