package org.nsvpn.strongswan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.nsvpn.strongswan.vici.ViciSection;

/**
 * Reads the IKE SAs of a {@code list-sa} event (and of {@code ike-updown} / {@code child-updown},
 * which share its layout): one section per IKE SA, named by its IKE config, with a {@code
 * child-sas} section. charon reports times as seconds relative to now; they become instants
 * relative to {@code now}.
 */
final class SaParser {
  private SaParser() {}

  static List<IkeSaStatus> parse(ViciSection event, Instant now) {
    List<IkeSaStatus> out = new ArrayList<>();
    for (Map.Entry<String, ViciSection> entry : event.sections().entrySet()) {
      out.add(ike(entry.getKey(), entry.getValue(), now));
    }
    return out;
  }

  static IkeSaStatus ike(String name, ViciSection s, Instant now) {
    List<ChildSaStatus> children = new ArrayList<>();
    s.section("child-sas")
        .ifPresent(c -> c.sections().values().forEach(child -> children.add(child(child, now))));
    return new IkeSaStatus(
        name,
        s.number("uniqueid").orElse(0L),
        s.number("version").orElse(0L).intValue(),
        s.text("state").orElse("UNKNOWN"),
        s.text("local-host").orElse(""),
        s.text("remote-host").orElse(""),
        s.text("local-id").orElse(""),
        s.text("remote-id").orElse(""),
        s.flag("initiator"),
        s.text("initiator-spi").orElse(""),
        s.text("responder-spi").orElse(""),
        proposal(s, "encr-alg", "encr-keysize", "integ-alg", "prf-alg", "dh-group"),
        s.flag("nat-any"),
        s.number("established").map(now::minusSeconds),
        s.number("rekey-time").map(now::plusSeconds),
        s.number("reauth-time").map(now::plusSeconds),
        children);
  }

  static ChildSaStatus child(ViciSection c, Instant now) {
    SaCounters counters =
        new SaCounters(
            c.number("bytes-in").orElse(0L),
            c.number("packets-in").orElse(0L),
            c.number("bytes-out").orElse(0L),
            c.number("packets-out").orElse(0L),
            c.number("use-in").map(now::minusSeconds),
            c.number("use-out").map(now::minusSeconds));
    return new ChildSaStatus(
        c.text("name").orElse(""),
        c.number("uniqueid").orElse(0L),
        c.text("state").orElse("UNKNOWN"),
        c.text("mode").orElse(""),
        c.text("protocol").orElse(""),
        c.flag("encap"),
        c.text("spi-in").orElse(""),
        c.text("spi-out").orElse(""),
        proposal(c, "encr-alg", "encr-keysize", "integ-alg", "dh-group"),
        c.texts("local-ts"),
        c.texts("remote-ts"),
        c.number("install-time").map(now::minusSeconds),
        c.number("rekey-time").map(now::plusSeconds),
        c.number("life-time").map(now::plusSeconds),
        counters);
  }

  /** {@code AES_CBC-256/HMAC_SHA2_256_128/MODP_2048}: the algorithms present, in order. */
  private static String proposal(
      ViciSection s, String encryption, String keySize, String... others) {
    Optional<String> cipher =
        s.text(encryption).map(e -> e + s.text(keySize).map(k -> "-" + k).orElse(""));
    return Stream.concat(cipher.stream(), Stream.of(others).map(s::text).flatMap(Optional::stream))
        .collect(Collectors.joining("/"));
  }
}
