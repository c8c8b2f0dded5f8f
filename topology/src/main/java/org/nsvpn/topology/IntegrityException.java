package org.nsvpn.topology;

import java.util.List;

/**
 * A transaction was refused because its result would not be a consistent topology: a reference to a
 * missing object, an object still referenced by another, a one-way link, a jump cycle. Nothing was
 * written. Each problem names the objects involved (by alias where they have one).
 */
public final class IntegrityException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public IntegrityException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
