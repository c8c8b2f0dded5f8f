package org.nsvpn.ovsdb.api;

import java.util.concurrent.CompletableFuture;

/** A monitor registered with the server; re-established automatically after reconnections. */
public interface Monitor {

  /** The monitor's id on the wire ({@code <json-value>} of RFC 7047). */
  String id();

  /**
   * Cancels the monitor ({@code monitor_cancel}); no callback follows once the future completes.
   * Idempotent.
   */
  CompletableFuture<Void> cancel();
}
