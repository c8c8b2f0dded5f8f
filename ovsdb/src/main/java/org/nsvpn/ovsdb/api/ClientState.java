package org.nsvpn.ovsdb.api;

/**
 * Lifecycle of an {@link OvsdbClient}.
 *
 * <pre>
 * NEW --start--> CONNECTING --> CONNECTED --lost--> DISCONNECTED --backoff--> CONNECTING ...
 *  any state --close--> CLOSED (final)
 * </pre>
 */
public enum ClientState {
  /** Created, {@code start()} not called yet. */
  NEW,
  /** A connection attempt is in progress. */
  CONNECTING,
  /** Connected: requests are sent; monitors and locks are (being) re-established. */
  CONNECTED,
  /** The connection failed or was lost; the next attempt waits for the backoff delay. */
  DISCONNECTED,
  /** Closed for good; every request fails. */
  CLOSED
}
