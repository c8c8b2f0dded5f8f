package org.nsvpn.ovsdb.api;

/** Told about every {@link ClientState} change, in order, on the client's callback thread. */
@FunctionalInterface
public interface StateListener {
  /** The client went from {@code from} to {@code to}. Must not block. */
  void onStateChange(ClientState from, ClientState to);
}
