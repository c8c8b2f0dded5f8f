package org.nsvpn.strongswan;

import java.util.Optional;

/**
 * The message types of charon's error-notify plugin, with their wire codes. What each means for a
 * connection is {@link FailureClassifier}'s business.
 */
public enum ErrorNotifyType {
  RADIUS_NOT_RESPONDING(1),
  LOCAL_AUTH_FAILED(2),
  PEER_AUTH_FAILED(3),
  PARSE_ERROR_HEADER(4),
  PARSE_ERROR_BODY(5),
  RETRANSMIT_SEND_TIMEOUT(6),
  HALF_OPEN_TIMEOUT(7),
  PROPOSAL_MISMATCH_IKE(8),
  PROPOSAL_MISMATCH_CHILD(9),
  TS_MISMATCH(10),
  INSTALL_CHILD_SA_FAILED(11),
  INSTALL_CHILD_POLICY_FAILED(12),
  UNIQUE_REPLACE(13),
  UNIQUE_KEEP(14),
  VIP_FAILURE(15),
  AUTHORIZATION_FAILED(16),
  CERT_EXPIRED(17),
  CERT_REVOKED(18),
  NO_ISSUER_CERT(19),
  RETRANSMIT_SEND(20),
  RETRANSMIT_CLEARED(21),
  RETRANSMIT_RECEIVE(22),
  PEER_ADDR_FAILED(23),
  PEER_INIT_UNREACHABLE(24),
  INVALID_IKE_SPI(25),
  TS_NARROWED(26),
  KEEP_ON_CHILD_SA_FAILURE(27),
  IKE_SA_EXPIRED(28),
  CERT_VALIDATION_FAILED(29),
  UNTRUSTED_ROOT_CERT(30),
  CERT_EXCEEDED_PATH_LEN(31),
  CERT_POLICY_VIOLATION(32);

  private final int code;

  ErrorNotifyType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<ErrorNotifyType> ofCode(int code) {
    for (ErrorNotifyType type : values()) {
      if (type.code == code) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
