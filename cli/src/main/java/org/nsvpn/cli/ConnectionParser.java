package org.nsvpn.cli;

import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.model.DeadPeerDetection;
import org.nsvpn.chainrules.model.DhGroup;
import org.nsvpn.chainrules.model.DpdAction;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.EncryptionAlgorithm;
import org.nsvpn.chainrules.model.IkePolicy;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IntegrityAlgorithm;
import org.nsvpn.chainrules.model.IpsecPolicy;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Phase1Mode;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpSubnet;

/**
 * The fields of an IPsec site connection (Neutron VPNaaS's, plus forced UDP encapsulation and IKE
 * reauthentication): applies the given ones to a builder preset with defaults or the current
 * values. Policies are rebuilt as a whole so that their cross-field rules (AEAD needs IKEv2, DPD
 * timeout above interval) are checked against the combination.
 */
final class ConnectionParser {
  static final List<String> FIELDS =
      List.of(
          "name",
          "peer-address",
          "peer-id",
          "local-id",
          "local-cidrs",
          "peer-cidrs",
          "psk",
          "auth",
          "certificate",
          "private-key",
          "ike-version",
          "ike-encryption",
          "ike-integrity",
          "ike-dh-group",
          "ike-lifetime",
          "phase1-mode",
          "ike-reauth",
          "transform",
          "encapsulation-mode",
          "esp-encryption",
          "esp-integrity",
          "pfs",
          "ipsec-lifetime",
          "dpd-action",
          "dpd-interval",
          "dpd-timeout",
          "initiator",
          "mtu",
          "force-udp-encapsulation",
          "state");

  /**
   * Applies {@code a} to {@code b}. Policies start from {@code current}'s, or the model's defaults
   * for a new connection.
   */
  IpsecSiteConnection.Builder apply(
      Optional<IpsecSiteConnection> current, IpsecSiteConnection.Builder b, Args a) {
    if (current.isEmpty()) {
      for (String field : List.of("peer-address", "local-cidrs", "peer-cidrs")) {
        a.required(field);
      }
    }
    a.text("name").ifPresent(b::name);
    a.text("peer-address")
        .map(t -> Args.parse("peer-address", t, IpAddress::parse))
        .ifPresent(b::peerAddress);
    a.text("peer-id").ifPresent(b::peerId);
    a.text("local-id").ifPresent(t -> b.localId(Optional.of(t)));
    a.text("local-cidrs")
        .map(t -> Values.list("local-cidrs", t, IpSubnet::parse))
        .ifPresent(b::localCidrs);
    a.text("peer-cidrs")
        .map(t -> Values.list("peer-cidrs", t, IpSubnet::parse))
        .ifPresent(b::peerCidrs);

    IkePolicy ike = current.map(IpsecSiteConnection::ikePolicy).orElse(IkePolicy.DEFAULT);
    ike =
        new IkePolicy(
            a.text("ike-version")
                .map(t -> IkeVersion.parse("ike-version", t))
                .orElse(ike.version()),
            a.text("ike-encryption")
                .map(t -> EncryptionAlgorithm.parse("ike-encryption", t))
                .orElse(ike.encryption()),
            a.text("ike-integrity")
                .map(t -> IntegrityAlgorithm.parse("ike-integrity", t))
                .orElse(ike.integrity()),
            a.text("ike-dh-group").map(t -> DhGroup.parse("ike-dh-group", t)).orElse(ike.dhGroup()),
            a.text("ike-lifetime")
                .map(t -> Values.duration("ike-lifetime", t))
                .orElse(ike.lifetime()),
            a.text("phase1-mode")
                .map(t -> Phase1Mode.parse("phase1-mode", t))
                .orElse(ike.phase1Mode()),
            a.text("ike-reauth")
                .map(t -> Values.bool("ike-reauth", t))
                .orElse(ike.reauthenticate()));
    b.ikePolicy(ike);

    IpsecPolicy ipsec = current.map(IpsecSiteConnection::ipsecPolicy).orElse(IpsecPolicy.DEFAULT);
    Optional<DhGroup> pfs = ipsec.pfs();
    if (a.has("pfs")) {
      String t = a.required("pfs");
      pfs = t.equals("none") ? Optional.empty() : Optional.of(DhGroup.parse("pfs", t));
    }
    ipsec =
        new IpsecPolicy(
            a.text("transform")
                .map(t -> TransformProtocol.parse("transform", t))
                .orElse(ipsec.transform()),
            a.text("encapsulation-mode")
                .map(t -> EncapsulationMode.parse("encapsulation-mode", t))
                .orElse(ipsec.mode()),
            a.text("esp-encryption")
                .map(t -> EncryptionAlgorithm.parse("esp-encryption", t))
                .orElse(ipsec.encryption()),
            a.text("esp-integrity")
                .map(t -> IntegrityAlgorithm.parse("esp-integrity", t))
                .orElse(ipsec.integrity()),
            pfs,
            a.text("ipsec-lifetime")
                .map(t -> Values.duration("ipsec-lifetime", t))
                .orElse(ipsec.lifetime()));
    b.ipsecPolicy(ipsec);

    DeadPeerDetection dpd = current.map(IpsecSiteConnection::dpd).orElse(DeadPeerDetection.DEFAULT);
    b.dpd(
        new DeadPeerDetection(
            a.text("dpd-action").map(t -> DpdAction.parse("dpd-action", t)).orElse(dpd.action()),
            a.text("dpd-interval")
                .map(t -> Values.duration("dpd-interval", t))
                .orElse(dpd.interval()),
            a.text("dpd-timeout")
                .map(t -> Values.duration("dpd-timeout", t))
                .orElse(dpd.timeout())));
    a.text("initiator").map(t -> Initiator.parse("initiator", t)).ifPresent(b::initiator);
    a.text("mtu").map(t -> Values.integer("mtu", t, 0, 65535)).ifPresent(b::mtu);
    a.text("force-udp-encapsulation")
        .map(t -> Values.bool("force-udp-encapsulation", t))
        .ifPresent(b::forceUdpEncapsulation);
    a.text("state").map(t -> Values.state("state", t)).ifPresent(b::adminStateUp);
    return b;
  }
}
