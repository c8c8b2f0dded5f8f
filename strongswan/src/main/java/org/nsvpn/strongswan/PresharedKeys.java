package org.nsvpn.strongswan;

import org.nsvpn.chainrules.model.SecretRef;

/**
 * Where the connections' secrets come from (the agent reads them from its secret store): a PSK, or
 * for a certificate connection its private key. Called on a thread of the strongSwan service, never
 * on an event loop, so it may block. The returned array is handed to charon over VICI load-shared
 * or load-key and then overwritten with zeros; return a fresh array each time.
 */
@FunctionalInterface
public interface PresharedKeys {

  /**
   * The key {@code ref} names.
   *
   * @throws RuntimeException when it cannot be had; the apply that asked fails with it
   */
  byte[] presharedKey(SecretRef ref);
}
