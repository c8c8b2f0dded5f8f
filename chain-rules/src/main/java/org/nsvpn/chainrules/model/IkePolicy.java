package org.nsvpn.chainrules.model;

import java.time.Duration;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * How the IKE SA is negotiated.
 *
 * @param version IKEv1 or IKEv2
 * @param encryption IKE encryption; AEAD modes are valid only with IKEv2
 * @param integrity IKE integrity, also the PRF
 * @param dhGroup Diffie-Hellman group of the IKE exchange
 * @param lifetime IKE SA lifetime before rekeying, 60 s to 24 h
 * @param phase1Mode IKEv1 main or aggressive mode; must be main for IKEv2
 * @param reauthenticate whether rekeying the IKE SA re-authenticates the peer (a fresh IKE SA)
 */
public record IkePolicy(
    IkeVersion version,
    EncryptionAlgorithm encryption,
    IntegrityAlgorithm integrity,
    DhGroup dhGroup,
    Duration lifetime,
    Phase1Mode phase1Mode,
    boolean reauthenticate) {

  /** IKEv2, AES-256, SHA-256, group 14, 3 h, no reauthentication. */
  public static final IkePolicy DEFAULT =
      new IkePolicy(
          IkeVersion.V2,
          EncryptionAlgorithm.AES_256,
          IntegrityAlgorithm.SHA256,
          DhGroup.GROUP14,
          Duration.ofHours(3),
          Phase1Mode.MAIN,
          false);

  public IkePolicy {
    Require.nonNull("ike-version", version);
    Require.nonNull("ike-encryption", encryption);
    Require.nonNull("ike-integrity", integrity);
    Require.nonNull("ike-dh-group", dhGroup);
    Lifetimes.check("ike-lifetime", lifetime);
    Require.nonNull("phase1-mode", phase1Mode);
    if (version == IkeVersion.V1 && encryption.isAead()) {
      throw new InvalidValueException(
          "ike-encryption", encryption.text(), "AEAD ciphers need IKEv2 (ike-version v2)");
    }
    if (version == IkeVersion.V2 && phase1Mode == Phase1Mode.AGGRESSIVE) {
      throw new InvalidValueException(
          "phase1-mode", phase1Mode.text(), "aggressive mode exists only in IKEv1");
    }
  }

  public IkePolicy withVersion(IkeVersion v) {
    return new IkePolicy(v, encryption, integrity, dhGroup, lifetime, phase1Mode, reauthenticate);
  }

  public IkePolicy withEncryption(EncryptionAlgorithm e) {
    return new IkePolicy(version, e, integrity, dhGroup, lifetime, phase1Mode, reauthenticate);
  }

  public IkePolicy withIntegrity(IntegrityAlgorithm i) {
    return new IkePolicy(version, encryption, i, dhGroup, lifetime, phase1Mode, reauthenticate);
  }

  public IkePolicy withDhGroup(DhGroup g) {
    return new IkePolicy(version, encryption, integrity, g, lifetime, phase1Mode, reauthenticate);
  }

  public IkePolicy withLifetime(Duration l) {
    return new IkePolicy(version, encryption, integrity, dhGroup, l, phase1Mode, reauthenticate);
  }

  public IkePolicy withPhase1Mode(Phase1Mode m) {
    return new IkePolicy(version, encryption, integrity, dhGroup, lifetime, m, reauthenticate);
  }

  public IkePolicy withReauthenticate(boolean r) {
    return new IkePolicy(version, encryption, integrity, dhGroup, lifetime, phase1Mode, r);
  }
}
