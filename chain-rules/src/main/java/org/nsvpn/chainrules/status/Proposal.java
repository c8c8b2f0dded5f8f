package org.nsvpn.chainrules.status;

import java.util.Optional;
import org.nsvpn.chainrules.Require;

/**
 * The algorithms an SA was negotiated with, as the IKE daemon names them (e.g. {@code AES_CBC-256},
 * {@code HMAC_SHA2_256_128}, {@code PRF_HMAC_SHA2_256}, {@code MODP_2048}). Kept as reported rather
 * than mapped to the configuration enums, because a peer may negotiate something the configuration
 * language has no word for, and the troubleshooting view must show it.
 *
 * @param encryption encryption algorithm and key size
 * @param integrity integrity algorithm; empty for AEAD ciphers
 * @param prf pseudo-random function (IKE SAs only)
 * @param dhGroup Diffie-Hellman group (IKE SA; child SA with PFS)
 */
public record Proposal(
    String encryption, Optional<String> integrity, Optional<String> prf, Optional<String> dhGroup) {
  public Proposal {
    Require.nonNull("encryption", encryption);
    Require.nonNull("integrity", integrity);
    Require.nonNull("prf", prf);
    Require.nonNull("dh-group", dhGroup);
  }

  /** {@code AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048}, absent parts left out. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(encryption);
    integrity.ifPresent(v -> out.append('/').append(v));
    prf.ifPresent(v -> out.append('/').append(v));
    dhGroup.ifPresent(v -> out.append('/').append(v));
    return out.toString();
  }
}
