package org.nsvpn.strongswan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;

/**
 * What one error notification of charon means for a connection: a failure to record, failures to
 * forget, or nothing. Pure.
 *
 * <p>charon's own texts are not always what they seem, which is why this class exists. Verified
 * against strongSwan 5.9.8: a proposal mismatch is reported on both ends as "the received ...
 * proposals did not match: LIST", but on the initiator LIST is its <em>own</em> offer (the peer
 * answered NO_PROPOSAL_CHOSEN); the initiator learns that its traffic selectors were refused only
 * as "keeping IKE_SA after failing to establish first CHILD_SA" (the responder gets TS_MISMATCH); a
 * wrong PSK is "local authentication failed" on the side whose key the peer refused and "peer
 * authentication failed" on the other; a retransmission timeout is the end of an attempt to reach
 * the peer, or of dead peer detection when it concerns an established IKE SA (matched by the peer's
 * address and port). Each reason says whose proposals or selectors it lists.
 */
final class FailureClassifier {
  /** A child failure and the "keeping IKE_SA" note that follows it arrive within this window. */
  private static final Duration SAME_ATTEMPT = Duration.ofSeconds(2);

  /** What to do with a notification. */
  sealed interface Verdict {
    /** Record this failure. */
    record Fail(Reason reason) implements Verdict {}

    /** Forget a recorded failure of one of these codes. */
    record Clear(Set<ReasonCode> codes) implements Verdict {}

    /** Informational: change nothing. */
    record Ignore() implements Verdict {}
  }

  private FailureClassifier() {}

  /**
   * @param spec the connection's configuration
   * @param sas the connection's IKE SAs as known now, best first
   * @param current the failure recorded for the connection, if any
   */
  static Verdict classify(
      ErrorNotification n,
      ConnectionSpec spec,
      List<IkeSaStatus> sas,
      Optional<Failure> current,
      Instant now) {
    Optional<ErrorNotifyType> type = n.type();
    if (type.isEmpty()) {
      return new Verdict.Ignore();
    }
    IpsecSiteConnection c = spec.connection();
    String listed = afterColon(n.message());
    return switch (type.get()) {
      case LOCAL_AUTH_FAILED ->
          fail(
              ReasonCode.AUTHENTICATION_FAILED,
              c.auth() == AuthMethod.CERT
                  ? "the peer refused this side's credentials (check that the peer trusts the CA"
                      + " of the local certificate "
                      + c.localCertificate().orElseThrow().subject()
                      + " and expects local-id "
                      + spec.localId()
                      + ")"
                  : "the peer refused this side's credentials (check the pre-shared key and"
                      + " local-id "
                      + spec.localId()
                      + ")");
      case PEER_AUTH_FAILED ->
          fail(
              ReasonCode.AUTHENTICATION_FAILED,
              c.auth() == AuthMethod.CERT
                  ? "this side refused the peer's credentials (check that the peer's certificate"
                      + " is issued by one of the service's CA certificates, is valid now and"
                      + " names peer-id "
                      + c.peerId()
                      + ")"
                  : "this side refused the peer's credentials (check the pre-shared key and"
                      + " peer-id "
                      + c.peerId()
                      + ")");
      case AUTHORIZATION_FAILED,
          CERT_EXPIRED,
          CERT_REVOKED,
          NO_ISSUER_CERT,
          CERT_VALIDATION_FAILED,
          UNTRUSTED_ROOT_CERT,
          CERT_EXCEEDED_PATH_LEN,
          CERT_POLICY_VIOLATION ->
          fail(ReasonCode.AUTHENTICATION_FAILED, n.message());
      case PROPOSAL_MISMATCH_IKE ->
          // Only the initiator knows the config at IKE_SA_INIT: a name means this side offered.
          fail(
              ReasonCode.NO_PROPOSAL_CHOSEN,
              n.connectionName().isEmpty()
                  ? "this side accepts none of the IKE proposals the peer offered ("
                      + listed
                      + "); configured: "
                      + ConnectionMapping.ikeProposal(c.ikePolicy())
                  : "the peer accepted none of the IKE proposals this side offered ("
                      + listed
                      + ")");
      case PROPOSAL_MISMATCH_CHILD ->
          fail(
              ReasonCode.NO_PROPOSAL_CHOSEN,
              weOffered(spec, sas)
                  ? "the peer accepted none of the ESP/AH proposals this side offered ("
                      + listed
                      + ")"
                  : "this side accepts none of the ESP/AH proposals the peer offered ("
                      + listed
                      + "); configured: "
                      + ConnectionMapping.childProposal(c.ipsecPolicy()));
      case TS_MISMATCH ->
          fail(
              ReasonCode.TS_UNACCEPTABLE,
              "this side does not accept the traffic selectors the peer proposed ("
                  + listed
                  + "); configured: local-cidrs "
                  + c.localCidrs()
                  + ", peer-cidrs "
                  + c.peerCidrs());
      case KEEP_ON_CHILD_SA_FAILURE -> {
        boolean explained =
            current.isPresent()
                && !current.get().at().isBefore(now.minus(SAME_ATTEMPT))
                && (current.get().code() == ReasonCode.NO_PROPOSAL_CHOSEN
                    || current.get().code() == ReasonCode.TS_UNACCEPTABLE);
        if (explained || !weOffered(spec, sas)) {
          yield new Verdict.Ignore();
        }
        yield fail(
            ReasonCode.TS_UNACCEPTABLE,
            "the peer refused the child SA for this side's traffic selectors (local-cidrs "
                + c.localCidrs()
                + " === peer-cidrs "
                + c.peerCidrs()
                + ") without naming another cause");
      }
      case RETRANSMIT_SEND_TIMEOUT -> {
        if (isEstablishedWith(sas, n.peerAddress())) {
          yield fail(
              ReasonCode.DEAD_PEER,
              "no answer from " + where(n.peerAddress()) + " to dead peer detection");
        }
        yield fail(
            ReasonCode.PEER_UNREACHABLE,
            "no answer from " + where(n.peerAddress()) + " (IKE retransmissions timed out)");
      }
      case PEER_INIT_UNREACHABLE, HALF_OPEN_TIMEOUT, PEER_ADDR_FAILED ->
          fail(ReasonCode.PEER_UNREACHABLE, n.message() + " (" + where(n.peerAddress()) + ")");
      case RETRANSMIT_CLEARED ->
          new Verdict.Clear(Set.of(ReasonCode.PEER_UNREACHABLE, ReasonCode.DEAD_PEER));
      case INSTALL_CHILD_SA_FAILED, INSTALL_CHILD_POLICY_FAILED ->
          fail(ReasonCode.SA_INSTALL_FAILED, n.message());
      case PARSE_ERROR_HEADER, PARSE_ERROR_BODY ->
          fail(ReasonCode.PROTOCOL_ERROR, n.message() + " from " + where(n.peerAddress()));
      case RADIUS_NOT_RESPONDING, VIP_FAILURE -> fail(ReasonCode.OTHER, n.message());
      case UNIQUE_REPLACE,
          UNIQUE_KEEP,
          RETRANSMIT_SEND,
          RETRANSMIT_RECEIVE,
          INVALID_IKE_SPI,
          TS_NARROWED,
          IKE_SA_EXPIRED ->
          new Verdict.Ignore();
    };
  }

  private static Verdict fail(ReasonCode code, String detail) {
    return new Verdict.Fail(Reason.of(code, detail));
  }

  /**
   * Whether this side made the offer a child failure is about: the IKE initiator creates the first
   * child SA. Without a known IKE SA (its event may trail the notification), a connection that
   * initiates is taken to have offered.
   */
  private static boolean weOffered(ConnectionSpec spec, List<IkeSaStatus> sas) {
    if (!sas.isEmpty()) {
      return sas.get(0).initiator();
    }
    return spec.connection().initiator() != Initiator.RESPONSE_ONLY;
  }

  private static boolean isEstablishedWith(List<IkeSaStatus> sas, String peerAddress) {
    for (IkeSaStatus sa : sas) {
      if (sa.isEstablished()
          && peerAddress.equals(sa.remoteAddress() + "[" + sa.remotePort() + "]")) {
        return true;
      }
    }
    return false;
  }

  /** {@code 192.0.2.2[4500]} as {@code 192.0.2.2 port 4500}. */
  private static String where(String peerAddress) {
    int bracket = peerAddress.indexOf('[');
    if (bracket < 0 || !peerAddress.endsWith("]")) {
      return peerAddress.isEmpty() ? "the peer" : peerAddress;
    }
    return peerAddress.substring(0, bracket)
        + " port "
        + peerAddress.substring(bracket + 1, peerAddress.length() - 1);
  }

  /** The list after charon's "...did not match: ", or the whole message. */
  private static String afterColon(String message) {
    int colon = message.indexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
