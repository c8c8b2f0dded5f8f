package org.nsvpn.simulator.testing;

import org.nsvpn.simulator.result.DropReason;
import org.nsvpn.simulator.result.SimulationResult;

/** Small accessors for assertions on results. */
public final class Results {
  private Results() {}

  /** The drop reason, failing the test with the result when it is not a drop. */
  public static DropReason dropReason(SimulationResult result) {
    if (result instanceof SimulationResult.Drop drop) {
      return drop.reason();
    }
    throw new AssertionError("expected a drop, got " + result);
  }

  /** The drop detail, failing the test with the result when it is not a drop. */
  public static String dropDetail(SimulationResult result) {
    if (result instanceof SimulationResult.Drop drop) {
      return drop.detail();
    }
    throw new AssertionError("expected a drop, got " + result);
  }
}
