package org.nsvpn.ovsdb.ipsec;

import java.util.Optional;
import org.nsvpn.ovsdb.api.Row;

/**
 * Reads operator rows of the IPsec tables into validated {@link IpsecConfig}s. The schema already
 * guarantees types, enum spellings and integer ranges; this adds what a schema cannot say: required
 * values, address syntax and family agreement, and the combinations that make sense. Documented
 * defaults fill unset columns (ESP, tunnel mode, SHA-256 HMAC, AES-256, IKEv2, MODP 2048, PSK
 * authentication).
 */
final class ConfigRows {
  private ConfigRows() {}

  /** Every column the reader needs of a table (its monitor asks for these, never the statuses). */
  static final java.util.Map<String, java.util.List<String>> COLUMNS =
      java.util.Map.of(
          IpsecSchema.IKE_CONNECTION,
          java.util.List.of(
              "policy_name",
              IpsecSchema.NSVPN_MANAGED,
              "policy_enable",
              "ip_family",
              "ipsec_protocol",
              "ipsec_mode",
              "integrity",
              "encryption",
              "ike_version",
              "ike_integrity",
              "ike_encryption",
              "ike_group",
              "ike_local_addr",
              "ike_remote_addr",
              "peer_auth_by",
              "local_cert_id",
              "local_id",
              "remote_id"),
          IpsecSchema.MANUAL_SP,
          java.util.List.of(
              "src_addr",
              "src_addr_mask",
              "dest_addr",
              "dest_addr_mask",
              "direction",
              IpsecSchema.NSVPN_MANAGED,
              "priority",
              "addr_family",
              "tmpl_request_id",
              "tmpl_protocol",
              "tmpl_mode",
              "tmpl_addr_family",
              "tmpl_src_addr",
              "tmpl_dest_addr"),
          IpsecSchema.MANUAL_SA,
          java.util.List.of(
              "spi",
              "dest_addr",
              "protocol",
              IpsecSchema.NSVPN_MANAGED,
              "addr_family",
              "src_addr",
              "request_id",
              "mode",
              "auth_type",
              "auth_key_id",
              "encr_type",
              "encr_key_id",
              "priority",
              "selector_addr_family",
              "selector_src_addr",
              "selector_src_addr_mask",
              "selector_dest_addr",
              "selector_dest_addr_mask"));

  static IpsecConfig parse(String table, Row row) {
    return switch (table) {
      case IpsecSchema.IKE_CONNECTION -> ike(row);
      case IpsecSchema.MANUAL_SP -> sp(row);
      case IpsecSchema.MANUAL_SA -> sa(row);
      default -> throw new IllegalArgumentException("not an IPsec config table: " + table);
    };
  }

  static IkeConnectionConfig ike(Row row) {
    String local = required(row, "ike_local_addr");
    String remote = required(row, "ike_remote_addr");
    IpFamily family =
        optString(row, "ip_family")
            .map(f -> IpFamily.parse("ip_family", f))
            .orElseGet(
                () ->
                    Checks.familyOf(remote).or(() -> Checks.familyOf(local)).orElse(IpFamily.IPV4));
    IpsecProtocol protocol = enumOr(row, "ipsec_protocol", IpsecProtocol.ESP, IpsecProtocol::parse);
    Optional<EncryptionAlgorithm> encryption =
        optString(row, "encryption").map(e -> EncryptionAlgorithm.parse("encryption", e));
    if (encryption.isEmpty() && protocol == IpsecProtocol.ESP) {
      encryption = Optional.of(EncryptionAlgorithm.AES256);
    }
    return new IkeConnectionConfig(
        row.string("policy_name"),
        optBool(row, "policy_enable").orElse(true),
        family,
        protocol,
        enumOr(row, "ipsec_mode", IpsecMode.TUNNEL, IpsecMode::parse),
        enumOr(row, "integrity", IntegrityAlgorithm.SHA256_HMAC, IntegrityAlgorithm::parse),
        encryption,
        enumOr(row, "ike_version", IkeVersion.V2, IkeVersion::parse),
        enumOr(row, "ike_integrity", IntegrityAlgorithm.SHA256_HMAC, IntegrityAlgorithm::parse),
        enumOr(row, "ike_encryption", EncryptionAlgorithm.AES256, EncryptionAlgorithm::parse),
        enumOr(row, "ike_group", DhGroup.MODP2048, DhGroup::parse),
        local,
        remote,
        enumOr(row, "peer_auth_by", PeerAuth.PSK, PeerAuth::parse),
        optString(row, "local_cert_id"),
        optString(row, "local_id"),
        optString(row, "remote_id"));
  }

  static ManualSpConfig sp(Row row) {
    SpSelector selector =
        new SpSelector(
            row.string("src_addr"),
            (int) row.integer("src_addr_mask"),
            row.string("dest_addr"),
            (int) row.integer("dest_addr_mask"),
            SpDirection.parse("direction", row.string("direction")));
    Optional<IpFamily> declared =
        optString(row, "addr_family").map(f -> IpFamily.parse("addr_family", f));
    if (declared.isPresent() && declared.get() != selector.family()) {
      throw new InvalidIpsecValueException(
          "addr_family",
          declared.get().text(),
          "disagrees with src_addr/dest_addr, which are " + selector.family().text());
    }
    Optional<String> tmplProtocol = optString(row, "tmpl_protocol");
    Optional<String> tmplSrc = optString(row, "tmpl_src_addr");
    Optional<String> tmplDest = optString(row, "tmpl_dest_addr");
    boolean anyTemplate =
        tmplProtocol.isPresent()
            || tmplSrc.isPresent()
            || tmplDest.isPresent()
            || optString(row, "tmpl_mode").isPresent()
            || optString(row, "tmpl_addr_family").isPresent()
            || optInt(row, "tmpl_request_id").isPresent();
    Optional<SpTemplate> template = Optional.empty();
    if (anyTemplate) {
      IpFamily tmplFamily =
          optString(row, "tmpl_addr_family")
              .map(f -> IpFamily.parse("tmpl_addr_family", f))
              .orElseGet(
                  () ->
                      tmplSrc
                          .flatMap(Checks::familyOf)
                          .or(() -> tmplDest.flatMap(Checks::familyOf))
                          .orElse(selector.family()));
      template =
          Optional.of(
              new SpTemplate(
                  IpsecProtocol.parse(
                      "tmpl_protocol",
                      tmplProtocol.orElseThrow(
                          () ->
                              new InvalidIpsecValueException(
                                  "tmpl_protocol", "", "is required when a template is given"))),
                  tmplFamily,
                  tmplSrc,
                  tmplDest,
                  optInt(row, "tmpl_request_id").orElse(0),
                  enumOr(row, "tmpl_mode", IpsecMode.TUNNEL, IpsecMode::parse)));
    }
    return new ManualSpConfig(selector, optInt(row, "priority"), template);
  }

  static ManualSaConfig sa(Row row) {
    SaKey key =
        new SaKey(
            row.integer("spi"),
            row.string("dest_addr"),
            IpsecProtocol.parse("protocol", row.string("protocol")));
    IpFamily family =
        optString(row, "addr_family")
            .map(f -> IpFamily.parse("addr_family", f))
            .orElseGet(() -> Checks.address("dest_addr", key.destAddr()));
    Optional<Selector> selector = Optional.empty();
    Optional<String> selSrc = optString(row, "selector_src_addr");
    Optional<String> selDest = optString(row, "selector_dest_addr");
    if (selSrc.isPresent()
        || selDest.isPresent()
        || optString(row, "selector_addr_family").isPresent()
        || optInt(row, "selector_src_addr_mask").isPresent()
        || optInt(row, "selector_dest_addr_mask").isPresent()) {
      String src = required(row, "selector_src_addr");
      String dest = required(row, "selector_dest_addr");
      IpFamily selFamily =
          optString(row, "selector_addr_family")
              .map(f -> IpFamily.parse("selector_addr_family", f))
              .orElseGet(() -> Checks.address("selector_src_addr", src));
      int full = selFamily == IpFamily.IPV4 ? 32 : 128;
      selector =
          Optional.of(
              new Selector(
                  selFamily,
                  src,
                  (int) optInt(row, "selector_src_addr_mask").orElse(full),
                  dest,
                  (int) optInt(row, "selector_dest_addr_mask").orElse(full)));
    }
    return new ManualSaConfig(
        key,
        family,
        required(row, "src_addr"),
        optInt(row, "request_id"),
        enumOr(row, "mode", IpsecMode.TUNNEL, IpsecMode::parse),
        IntegrityAlgorithm.parse("auth_type", required(row, "auth_type")),
        required(row, "auth_key_id"),
        optString(row, "encr_type").map(e -> EncryptionAlgorithm.parse("encr_type", e)),
        optString(row, "encr_key_id"),
        optInt(row, "priority"),
        selector);
  }

  // A column the row does not carry counts as unset (rows from the monitor carry them all).

  private static Optional<String> optString(Row row, String column) {
    return row.has(column) ? row.optionalString(column) : Optional.empty();
  }

  private static java.util.OptionalLong optInt(Row row, String column) {
    return row.has(column) ? row.optionalInteger(column) : java.util.OptionalLong.empty();
  }

  private static Optional<Boolean> optBool(Row row, String column) {
    return row.has(column) ? row.optionalBool(column) : Optional.empty();
  }

  private static String required(Row row, String column) {
    return optString(row, column)
        .orElseThrow(() -> new InvalidIpsecValueException(column, "", "is required"));
  }

  private static <E> E enumOr(
      Row row, String column, E dflt, java.util.function.BiFunction<String, String, E> parse) {
    return optString(row, column).map(v -> parse.apply(column, v)).orElse(dflt);
  }
}
