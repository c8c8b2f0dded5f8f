package org.nsvpn.chainrules.model;

import java.time.Duration;
import java.util.Optional;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;

/**
 * How the child (IPsec) SAs are negotiated.
 *
 * @param transform ESP, AH or both
 * @param mode tunnel or transport
 * @param encryption ESP encryption; AEAD modes cannot be used with AH
 * @param integrity integrity for AH, and for ESP unless the cipher is AEAD
 * @param pfs Diffie-Hellman group for perfect forward secrecy on rekeying; empty for none
 * @param lifetime child SA lifetime before rekeying, 60 s to 24 h
 */
public record IpsecPolicy(
    TransformProtocol transform,
    EncapsulationMode mode,
    EncryptionAlgorithm encryption,
    IntegrityAlgorithm integrity,
    Optional<DhGroup> pfs,
    Duration lifetime) {

  /** ESP tunnel, AES-256, SHA-256, PFS with group 14, 1 h. */
  public static final IpsecPolicy DEFAULT =
      new IpsecPolicy(
          TransformProtocol.ESP,
          EncapsulationMode.TUNNEL,
          EncryptionAlgorithm.AES_256,
          IntegrityAlgorithm.SHA256,
          Optional.of(DhGroup.GROUP14),
          Duration.ofHours(1));

  public IpsecPolicy {
    Require.nonNull("transform", transform);
    Require.nonNull("encapsulation-mode", mode);
    Require.nonNull("esp-encryption", encryption);
    Require.nonNull("esp-integrity", integrity);
    Require.nonNull("pfs", pfs);
    Lifetimes.check("ipsec-lifetime", lifetime);
    if (transform == TransformProtocol.AH && encryption.isAead()) {
      throw new InvalidValueException(
          "esp-encryption",
          encryption.text(),
          "AEAD ciphers protect ESP; transform ah has no encryption");
    }
  }

  public IpsecPolicy withTransform(TransformProtocol t) {
    return new IpsecPolicy(t, mode, encryption, integrity, pfs, lifetime);
  }

  public IpsecPolicy withMode(EncapsulationMode m) {
    return new IpsecPolicy(transform, m, encryption, integrity, pfs, lifetime);
  }

  public IpsecPolicy withEncryption(EncryptionAlgorithm e) {
    return new IpsecPolicy(transform, mode, e, integrity, pfs, lifetime);
  }

  public IpsecPolicy withIntegrity(IntegrityAlgorithm i) {
    return new IpsecPolicy(transform, mode, encryption, i, pfs, lifetime);
  }

  public IpsecPolicy withPfs(Optional<DhGroup> g) {
    return new IpsecPolicy(transform, mode, encryption, integrity, g, lifetime);
  }

  public IpsecPolicy withLifetime(Duration l) {
    return new IpsecPolicy(transform, mode, encryption, integrity, pfs, l);
  }
}
