package org.nsvpn.chainrules.rules;

/**
 * A set of chains cannot be evaluated: a jump to a chain that does not exist, a jump cycle, or
 * jumps nested deeper than {@link ChainEvaluator#MAX_JUMP_DEPTH}. The message names the chains.
 */
public final class ChainGraphException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ChainGraphException(String message) {
    super(message);
  }
}
