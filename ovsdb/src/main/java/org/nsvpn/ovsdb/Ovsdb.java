package org.nsvpn.ovsdb;

import org.nsvpn.ovsdb.api.OvsdbClient;
import org.nsvpn.ovsdb.api.OvsdbClientOptions;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;

/** Creates OVSDB clients. */
public final class Ovsdb {
  private Ovsdb() {}

  /**
   * A new client for {@code endpoint}, in state {@code NEW}: nothing is connected until {@link
   * OvsdbClient#start()}.
   */
  public static OvsdbClient client(OvsdbEndpoint endpoint, OvsdbClientOptions options) {
    return new NettyOvsdbClient(endpoint, options);
  }

  /** A new client with {@link OvsdbClientOptions#defaults()}. */
  public static OvsdbClient client(OvsdbEndpoint endpoint) {
    return client(endpoint, OvsdbClientOptions.defaults());
  }
}
