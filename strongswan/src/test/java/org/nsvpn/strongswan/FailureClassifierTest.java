package org.nsvpn.strongswan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Reason;
import org.nsvpn.chainrules.status.ReasonCode;

/** What charon's notifications mean, with the texts charon 5.9.8 really sends. */
class FailureClassifierTest {
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private final ConnectionSpec spec = StatusTrackerTest.spec(Initiator.BI_DIRECTIONAL);
  private final String name = ConnectionMapping.charonName(spec.id());

  private FailureClassifier.Verdict classify(
      ErrorNotifyType type, String message, String connection, List<IkeSaStatus> sas) {
    return FailureClassifier.classify(
        new ErrorNotification(type.code(), message, connection, "", Vici.PEER + "[500]"),
        spec,
        sas,
        Optional.empty(),
        T0);
  }

  private static Reason reason(FailureClassifier.Verdict verdict) {
    return ((FailureClassifier.Verdict.Fail) verdict).reason();
  }

  @Test
  void anIkeProposalMismatchSaysWhoseProposalsItLists() {
    String message =
        "the received IKE_SA proposals did not match: IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519";
    // The initiator (it knows its config) lists its own offer.
    Reason ours = reason(classify(ErrorNotifyType.PROPOSAL_MISMATCH_IKE, message, name, List.of()));
    assertThat(ours.code()).isEqualTo(ReasonCode.NO_PROPOSAL_CHOSEN);
    assertThat(ours.text())
        .isEqualTo(
            "no proposal chosen: the peer accepted none of the IKE proposals this side offered"
                + " (IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519)");
    // The responder (no config known yet) lists what the peer offered, and says what it accepts.
    Reason theirs = reason(classify(ErrorNotifyType.PROPOSAL_MISMATCH_IKE, message, "", List.of()));
    assertThat(theirs.text())
        .startsWith(
            "no proposal chosen: this side accepts none of the IKE proposals the peer offered")
        .endsWith("configured: aes256-sha256-prfsha256-modp2048");
  }

  @Test
  void aChildProposalMismatchFollowsWhoInitiatedTheIkeSa() {
    String message =
        "the received CHILD_SA proposals did not match: ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ";
    IkeSaStatus initiated =
        SaParser.ike(name, Vici.ike(1, "ESTABLISHED", true, 4500).build(), T0).orElseThrow().sa();
    IkeSaStatus answered =
        SaParser.ike(name, Vici.ike(1, "ESTABLISHED", false, 4500).build(), T0).orElseThrow().sa();
    assertThat(
            reason(
                    classify(
                        ErrorNotifyType.PROPOSAL_MISMATCH_CHILD, message, name, List.of(initiated)))
                .text())
        .contains("this side offered");
    assertThat(
            reason(
                    classify(
                        ErrorNotifyType.PROPOSAL_MISMATCH_CHILD, message, name, List.of(answered)))
                .text())
        .contains("the peer offered")
        .contains("configured: aes256-sha256-modp2048");
  }

  @Test
  void trafficSelectorsRefusedOnEitherEnd() {
    Reason responder =
        reason(
            classify(
                ErrorNotifyType.TS_MISMATCH,
                "the received traffic selectors did not match: 10.1.0.0/24 === 10.2.0.0/24",
                name,
                List.of()));
    assertThat(responder.code()).isEqualTo(ReasonCode.TS_UNACCEPTABLE);
    assertThat(responder.text()).contains("10.1.0.0/24 === 10.2.0.0/24").contains("peer proposed");
    // The initiator only hears that its first child SA failed.
    Reason initiator =
        reason(
            classify(
                ErrorNotifyType.KEEP_ON_CHILD_SA_FAILURE,
                "keeping IKE_SA after failing to establish first CHILD_SA",
                name,
                List.of()));
    assertThat(initiator.code()).isEqualTo(ReasonCode.TS_UNACCEPTABLE);
    assertThat(initiator.text()).contains("this side's traffic selectors");
    // After a proposal mismatch of the same attempt the note explains nothing new.
    FailureClassifier.Verdict afterMismatch =
        FailureClassifier.classify(
            new ErrorNotification(
                ErrorNotifyType.KEEP_ON_CHILD_SA_FAILURE.code(), "keeping IKE_SA", name, "", ""),
            spec,
            List.of(),
            Optional.of(new Failure(Reason.of(ReasonCode.NO_PROPOSAL_CHOSEN), T0, false)),
            T0.plusMillis(1));
    assertThat(afterMismatch).isInstanceOf(FailureClassifier.Verdict.Ignore.class);
  }

  @Test
  void authenticationFailuresSayWhichSideRefused() {
    assertThat(
            reason(
                    classify(
                        ErrorNotifyType.LOCAL_AUTH_FAILED,
                        "local authentication failed",
                        name,
                        List.of()))
                .text())
        .contains("the peer refused this side's credentials");
    assertThat(
            reason(
                    classify(
                        ErrorNotifyType.PEER_AUTH_FAILED,
                        "peer authentication failed",
                        name,
                        List.of()))
                .text())
        .contains("this side refused the peer's credentials");
  }

  @Test
  void informationalNotificationsChangeNothing() {
    for (ErrorNotifyType type :
        List.of(
            ErrorNotifyType.RETRANSMIT_SEND,
            ErrorNotifyType.UNIQUE_KEEP,
            ErrorNotifyType.TS_NARROWED,
            ErrorNotifyType.IKE_SA_EXPIRED)) {
      assertThat(classify(type, "x", name, List.of()))
          .isInstanceOf(FailureClassifier.Verdict.Ignore.class);
    }
    assertThat(
            FailureClassifier.classify(
                new ErrorNotification(99, "?", name, "", ""),
                spec,
                List.of(),
                Optional.empty(),
                T0))
        .isInstanceOf(FailureClassifier.Verdict.Ignore.class);
  }
}
