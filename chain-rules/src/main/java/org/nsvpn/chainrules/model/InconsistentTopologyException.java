package org.nsvpn.chainrules.model;

import java.util.List;

/**
 * A set of objects does not form a consistent topology: a reference to a missing object, a port
 * linked one way only, an invalid chain graph. Lists every problem found, one per line.
 */
public final class InconsistentTopologyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InconsistentTopologyException(List<String> problems) {
    super("inconsistent topology: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
