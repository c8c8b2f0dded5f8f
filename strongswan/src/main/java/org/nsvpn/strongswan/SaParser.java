package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.status.ChildSaStatus;
import org.nsvpn.chainrules.status.IkeSaStatus;
import org.nsvpn.chainrules.status.Proposal;
import org.nsvpn.chainrules.status.SaCounters;
import org.nsvpn.strongswan.vici.ViciSection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads IKE SAs as charon's VICI reports them (a {@code list-sa} event, and the SA sections of the
 * {@code ike-updown}, {@code child-updown}, {@code ike-rekey} and {@code child-rekey} events, which
 * share the layout) straight into the status model. charon reports times as seconds relative to
 * now; they become instants relative to {@code now}. An SA whose report cannot be read (an address
 * that is not one, an SPI that is not hex) is left out and logged rather than failing the whole
 * listing.
 */
final class SaParser {
  private static final Logger log = LoggerFactory.getLogger(SaParser.class);

  /** An IKE SA and the name of the IKE config it belongs to. */
  record Listed(String config, IkeSaStatus sa) {}

  private SaParser() {}

  /** Every IKE SA of a section whose sub-sections are named by their IKE config. */
  static List<Listed> parse(ViciSection event, Instant now) {
    List<Listed> out = new ArrayList<>();
    for (Map.Entry<String, ViciSection> entry : event.sections().entrySet()) {
      ike(entry.getKey(), entry.getValue(), now).ifPresent(out::add);
    }
    return out;
  }

  /** One IKE SA section, with the child SAs in its {@code child-sas} section. */
  static Optional<Listed> ike(String config, ViciSection s, Instant now) {
    try {
      List<ChildSaStatus> children = new ArrayList<>();
      s.section("child-sas").ifPresent(c -> children.addAll(children(c, now)));
      IkeSaStatus sa =
          new IkeSaStatus(
              s.number("uniqueid").orElse(0L),
              s.text("state").orElse("UNKNOWN"),
              s.number("version").orElse(2L) == 1 ? IkeVersion.V1 : IkeVersion.V2,
              IpAddress.parse(s.text("local-host").orElse("0.0.0.0")),
              s.number("local-port").orElse(0L).intValue(),
              IpAddress.parse(s.text("remote-host").orElse("0.0.0.0")),
              s.number("remote-port").orElse(0L).intValue(),
              s.text("local-id").orElse(""),
              s.text("remote-id").orElse(""),
              s.flag("initiator"),
              spi(s.text("initiator-spi")),
              spi(s.text("responder-spi")),
              proposal(s, "prf-alg"),
              s.flag("nat-any") || s.flag("nat-fake"),
              s.number("established").map(now::minusSeconds),
              s.number("rekey-time").map(now::plusSeconds),
              s.number("reauth-time").map(now::plusSeconds),
              children);
      return Optional.of(new Listed(config, sa));
    } catch (RuntimeException e) {
      log.warn("IKE SA of {} not understood, left out: {}", config, e.getMessage());
      return Optional.empty();
    }
  }

  /** The child SAs of a {@code child-sas} section; sub-sections are named {@code NAME-ID}. */
  static List<ChildSaStatus> children(ViciSection childSas, Instant now) {
    List<ChildSaStatus> out = new ArrayList<>();
    for (ViciSection c : childSas.sections().values()) {
      child(c, now).ifPresent(out::add);
    }
    return out;
  }

  static Optional<ChildSaStatus> child(ViciSection c, Instant now) {
    try {
      return Optional.of(
          new ChildSaStatus(
              c.text("name").orElse(""),
              c.number("uniqueid").orElse(0L),
              c.number("reqid").orElse(0L),
              c.text("state").orElse("UNKNOWN"),
              c.text("mode").orElse("TUNNEL").equalsIgnoreCase("TRANSPORT")
                  ? EncapsulationMode.TRANSPORT
                  : EncapsulationMode.TUNNEL,
              c.text("protocol").orElse("ESP").equalsIgnoreCase("AH")
                  ? TransformProtocol.AH
                  : TransformProtocol.ESP,
              c.flag("encap"),
              spi(c.text("spi-in")),
              spi(c.text("spi-out")),
              proposal(c, null),
              c.texts("local-ts"),
              c.texts("remote-ts"),
              new SaCounters(
                  c.number("bytes-in").orElse(0L),
                  c.number("packets-in").orElse(0L),
                  c.number("bytes-out").orElse(0L),
                  c.number("packets-out").orElse(0L),
                  c.number("use-in").map(now::minusSeconds),
                  c.number("use-out").map(now::minusSeconds)),
              c.number("install-time").map(now::minusSeconds),
              c.number("rekey-time").map(now::plusSeconds),
              c.number("life-time").map(now::plusSeconds)));
    } catch (RuntimeException e) {
      log.warn(
          "child SA {} not understood, left out: {}", c.text("name").orElse("?"), e.getMessage());
      return Optional.empty();
    }
  }

  /** Hex as charon prints SPIs (no prefix); 0 when absent. */
  private static long spi(Optional<String> hex) {
    if (hex.isEmpty() || hex.get().isEmpty()) {
      return 0;
    }
    String digits = hex.get().startsWith("0x") ? hex.get().substring(2) : hex.get();
    return Long.parseUnsignedLong(digits, 16);
  }

  /** The negotiated algorithms, when charon reports an encryption algorithm. */
  private static Optional<Proposal> proposal(ViciSection s, String prfKey) {
    Optional<String> encryption = s.text("encr-alg");
    if (encryption.isEmpty()) {
      return Optional.empty();
    }
    String cipher = encryption.get() + s.text("encr-keysize").map(k -> "-" + k).orElse("");
    return Optional.of(
        new Proposal(
            cipher,
            s.text("integ-alg"),
            prfKey == null ? Optional.empty() : s.text(prfKey),
            s.text("dh-group")));
  }
}
