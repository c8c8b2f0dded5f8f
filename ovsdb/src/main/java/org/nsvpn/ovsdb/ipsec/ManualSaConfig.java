package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An SA configured in {@code ipsec_manual_sa}, validated. Keys are referred to by id ({@code
 * auth_key_id}, {@code encr_key_id}); key material never goes through OVSDB. Encryption is present
 * exactly for ESP.
 */
public record ManualSaConfig(
    SaKey key,
    IpFamily family,
    String srcAddr,
    OptionalLong requestId,
    IpsecMode mode,
    IntegrityAlgorithm authType,
    String authKeyId,
    Optional<EncryptionAlgorithm> encrType,
    Optional<String> encrKeyId,
    OptionalLong priority,
    Optional<Selector> selector)
    implements IpsecConfig {

  public ManualSaConfig {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(family, "addr_family");
    Checks.address("dest_addr", key.destAddr(), family);
    Checks.address("src_addr", srcAddr, family);
    requestId.ifPresent(v -> Checks.range("request_id", v, 0, 0xFFFF_FFFFL));
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(authType, "auth_type");
    Checks.text("auth_key_id", authKeyId, 255);
    Objects.requireNonNull(encrType, "encr_type");
    Objects.requireNonNull(encrKeyId, "encr_key_id");
    encrKeyId.ifPresent(v -> Checks.text("encr_key_id", v, 255));
    if (key.protocol() == IpsecProtocol.ESP && (encrType.isEmpty() || encrKeyId.isEmpty())) {
      throw new InvalidIpsecValueException(
          "encr_type",
          encrType.map(EncryptionAlgorithm::text).orElse(""),
          "ESP needs encr_type and encr_key_id");
    }
    if (key.protocol() == IpsecProtocol.AH && (encrType.isPresent() || encrKeyId.isPresent())) {
      throw new InvalidIpsecValueException(
          "encr_type",
          encrType.map(EncryptionAlgorithm::text).orElse(""),
          "must be unset for AH (no encryption)");
    }
    priority.ifPresent(v -> Checks.range("priority", v, 0, 0xFFFF_FFFFL));
    Objects.requireNonNull(selector, "selector");
  }

  @Override
  public String table() {
    return IpsecSchema.MANUAL_SA;
  }
}
