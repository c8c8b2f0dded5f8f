package org.nsvpn.strongswan;

import java.util.Optional;

/**
 * The message types of charon's error-notify plugin (its wire codes) and what each means for a
 * connection. Informational types (retransmissions, narrowing, uniqueness) are not failures.
 */
public enum ErrorNotifyType {
  RADIUS_NOT_RESPONDING(1, FailureKind.OTHER),
  LOCAL_AUTH_FAILED(2, FailureKind.AUTHENTICATION_FAILED),
  PEER_AUTH_FAILED(3, FailureKind.AUTHENTICATION_FAILED),
  PARSE_ERROR_HEADER(4, FailureKind.PROTOCOL_ERROR),
  PARSE_ERROR_BODY(5, FailureKind.PROTOCOL_ERROR),
  RETRANSMIT_SEND_TIMEOUT(6, FailureKind.PEER_UNREACHABLE),
  HALF_OPEN_TIMEOUT(7, FailureKind.PEER_UNREACHABLE),
  PROPOSAL_MISMATCH_IKE(8, FailureKind.PROPOSAL_MISMATCH),
  PROPOSAL_MISMATCH_CHILD(9, FailureKind.PROPOSAL_MISMATCH),
  TS_MISMATCH(10, FailureKind.TRAFFIC_SELECTOR_MISMATCH),
  INSTALL_CHILD_SA_FAILED(11, FailureKind.SA_INSTALL_FAILED),
  INSTALL_CHILD_POLICY_FAILED(12, FailureKind.SA_INSTALL_FAILED),
  UNIQUE_REPLACE(13, null),
  UNIQUE_KEEP(14, null),
  VIP_FAILURE(15, FailureKind.OTHER),
  AUTHORIZATION_FAILED(16, FailureKind.AUTHENTICATION_FAILED),
  CERT_EXPIRED(17, FailureKind.AUTHENTICATION_FAILED),
  CERT_REVOKED(18, FailureKind.AUTHENTICATION_FAILED),
  NO_ISSUER_CERT(19, FailureKind.AUTHENTICATION_FAILED),
  RETRANSMIT_SEND(20, null),
  RETRANSMIT_CLEARED(21, null),
  RETRANSMIT_RECEIVE(22, null),
  PEER_ADDR_FAILED(23, FailureKind.PEER_UNREACHABLE),
  PEER_INIT_UNREACHABLE(24, FailureKind.PEER_UNREACHABLE),
  INVALID_IKE_SPI(25, null),
  TS_NARROWED(26, null),
  KEEP_ON_CHILD_SA_FAILURE(27, null),
  IKE_SA_EXPIRED(28, FailureKind.SA_EXPIRED),
  CERT_VALIDATION_FAILED(29, FailureKind.AUTHENTICATION_FAILED),
  UNTRUSTED_ROOT_CERT(30, FailureKind.AUTHENTICATION_FAILED),
  CERT_EXCEEDED_PATH_LEN(31, FailureKind.AUTHENTICATION_FAILED),
  CERT_POLICY_VIOLATION(32, FailureKind.AUTHENTICATION_FAILED);

  private final int code;
  private final FailureKind failure;

  ErrorNotifyType(int code, FailureKind failure) {
    this.code = code;
    this.failure = failure;
  }

  public int code() {
    return code;
  }

  /** The failure this notification means, or empty for informational types. */
  public Optional<FailureKind> failure() {
    return Optional.ofNullable(failure);
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
