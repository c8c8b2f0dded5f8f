package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;
import java.util.Optional;

/**
 * An IKE connection configured in {@code Ipsec_Ike_Connection}, validated. Pre-shared keys are not
 * in OVSDB (the database is readable by every local OVSDB client); the agent looks them up by
 * policy name in its own secret store. {@code encryption} is empty exactly when the protocol is AH.
 */
public record IkeConnectionConfig(
    String policyName,
    boolean enabled,
    IpFamily ipFamily,
    IpsecProtocol ipsecProtocol,
    IpsecMode ipsecMode,
    IntegrityAlgorithm integrity,
    Optional<EncryptionAlgorithm> encryption,
    IkeVersion ikeVersion,
    IntegrityAlgorithm ikeIntegrity,
    EncryptionAlgorithm ikeEncryption,
    DhGroup ikeGroup,
    String localAddr,
    String remoteAddr,
    PeerAuth peerAuth,
    Optional<String> localCertId,
    Optional<String> localId,
    Optional<String> remoteId)
    implements IpsecConfig {

  public IkeConnectionConfig {
    Checks.policyName("policy_name", policyName);
    Objects.requireNonNull(ipFamily, "ip_family");
    Objects.requireNonNull(ipsecProtocol, "ipsec_protocol");
    Objects.requireNonNull(ipsecMode, "ipsec_mode");
    Objects.requireNonNull(integrity, "integrity");
    Objects.requireNonNull(encryption, "encryption");
    Objects.requireNonNull(ikeVersion, "ike_version");
    Objects.requireNonNull(ikeIntegrity, "ike_integrity");
    Objects.requireNonNull(ikeEncryption, "ike_encryption");
    Objects.requireNonNull(ikeGroup, "ike_group");
    Objects.requireNonNull(peerAuth, "peer_auth_by");
    endpoint("ike_local_addr", localAddr, ipFamily);
    endpoint("ike_remote_addr", remoteAddr, ipFamily);
    if (ipsecProtocol == IpsecProtocol.AH && encryption.isPresent()) {
      throw new InvalidIpsecValueException(
          "encryption", encryption.get().text(), "must be unset with ipsec_protocol AH");
    }
    if (ipsecProtocol == IpsecProtocol.ESP && encryption.isEmpty()) {
      throw new InvalidIpsecValueException("encryption", "", "is required with ipsec_protocol ESP");
    }
    localCertId.ifPresent(v -> Checks.text("local_cert_id", v, 255));
    localId.ifPresent(v -> Checks.text("local_id", v, 255));
    remoteId.ifPresent(v -> Checks.text("remote_id", v, 255));
    if (peerAuth == PeerAuth.CERT && localCertId.isEmpty()) {
      throw new InvalidIpsecValueException(
          "local_cert_id", "", "is required with peer_auth_by cert");
    }
  }

  private static void endpoint(String field, String value, IpFamily family) {
    Checks.addressOrHost(field, value);
    Checks.familyOf(value).ifPresent(f -> Checks.address(field, value, family));
  }

  @Override
  public String table() {
    return IpsecSchema.IKE_CONNECTION;
  }

  @Override
  public Object key() {
    return policyName;
  }
}
