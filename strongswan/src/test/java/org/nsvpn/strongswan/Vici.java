package org.nsvpn.strongswan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nsvpn.strongswan.vici.ViciSection;

/** VICI messages shaped like the ones charon 5.9.8 sends (captured from a real one). */
final class Vici {
  static final String LOCAL = "203.0.113.1";
  static final String PEER = "198.51.100.7";

  private Vici() {}

  /** The fields of an IKE SA section. */
  static ViciSection.Builder ike(long uniqueId, String state, boolean initiator, int port) {
    return ike(uniqueId, state, initiator, port, Map.of());
  }

  /** The fields of an IKE SA section, with some replaced by {@code overrides}. */
  static ViciSection.Builder ike(
      long uniqueId, String state, boolean initiator, int port, Map<String, String> overrides) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("uniqueid", Long.toString(uniqueId));
    fields.put("version", "2");
    fields.put("state", state);
    fields.put("local-host", LOCAL);
    fields.put("local-port", Integer.toString(port));
    fields.put("local-id", LOCAL);
    fields.put("remote-host", PEER);
    fields.put("remote-port", Integer.toString(port));
    fields.put("remote-id", PEER);
    fields.put("initiator", initiator ? "yes" : "no");
    fields.put("initiator-spi", String.format("%016x", 0x1122334455660000L + uniqueId));
    fields.put("responder-spi", String.format("%016x", 0x8877665544330000L + uniqueId));
    fields.put("nat-any", port == 4500 ? "yes" : "no");
    fields.put("encr-alg", "AES_CBC");
    fields.put("encr-keysize", "256");
    fields.put("integ-alg", "HMAC_SHA2_256_128");
    fields.put("prf-alg", "PRF_HMAC_SHA2_256");
    fields.put("dh-group", "MODP_2048");
    fields.put("established", "60");
    fields.put("rekey-time", "9000");
    fields.putAll(overrides);
    ViciSection.Builder b = ViciSection.builder();
    fields.forEach(b::put);
    return b;
  }

  /** A child SA section. */
  static ViciSection child(String name, long uniqueId, String state, long bytesIn) {
    return ViciSection.builder()
        .put("name", name)
        .put("uniqueid", Long.toString(uniqueId))
        .put("reqid", "1")
        .put("state", state)
        .put("mode", "TUNNEL")
        .put("protocol", "ESP")
        .put("encap", "yes")
        .put("spi-in", String.format("%08x", 0xc1000000L + uniqueId))
        .put("spi-out", String.format("%08x", 0xd1000000L + uniqueId))
        .put("encr-alg", "AES_CBC")
        .put("encr-keysize", "256")
        .put("integ-alg", "HMAC_SHA2_256_128")
        .put("bytes-in", Long.toString(bytesIn))
        .put("packets-in", "3")
        .put("use-in", "2")
        .put("bytes-out", "3084")
        .put("packets-out", "3")
        .put("rekey-time", "3000")
        .put("life-time", "3500")
        .put("install-time", "50")
        .putList("local-ts", List.of("10.1.0.0/24"))
        .putList("remote-ts", List.of("10.2.0.0/24"))
        .build();
  }

  /** An IKE SA section with child SAs. */
  static ViciSection ikeWith(ViciSection.Builder ike, String name, ViciSection... children) {
    ViciSection.Builder sas = ViciSection.builder();
    for (ViciSection c : children) {
      sas.put(name + "-" + c.text("uniqueid").orElseThrow(), c);
    }
    return ike.put("child-sas", sas.build()).build();
  }

  /** A message with one section per named IKE SA, and the {@code up} flag when up. */
  static ViciSection event(boolean up, String name, ViciSection ike) {
    ViciSection.Builder b = ViciSection.builder();
    if (up) {
      b.put("up", "yes");
    }
    return b.put(name, ike).build();
  }

  /** A list-sa event: one IKE SA named by its config. */
  static ViciSection listSa(String name, ViciSection ike) {
    return ViciSection.builder().put(name, ike).build();
  }
}
