package org.nsvpn.ovsdb.ipsec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nsvpn.ovsdb.api.DatabaseSchema;

/**
 * The IPsec schema nsvpn ships ({@code ipsec.ovsschema}, the ops-ipsecd design's tables): names of
 * its database, tables and columns, the schema text, and a check that a server's database is it.
 */
public final class IpsecSchema {
  /** The database name in the schema. */
  public static final String DATABASE = "IPsec";

  /** Resource path of the schema file on the class path. */
  public static final String RESOURCE = "/org/nsvpn/ovsdb/ipsec/ipsec.ovsschema";

  /** The root table (one row). */
  public static final String IPSEC = "IPSEC";

  public static final String STATS_REFRESH_SECONDS = "stats_refresh_seconds";
  public static final String STATS_PUBLISH_ALL = "stats_publish_all";
  public static final String IKE_CONNECTIONS_REF = "ipsec_ike_connections";
  public static final String MANUAL_SPS_REF = "ipsec_manual_sps";
  public static final String MANUAL_SAS_REF = "ipsec_manual_sas";

  public static final String IKE_CONNECTION = "Ipsec_Ike_Connection";
  public static final String MANUAL_SP = "ipsec_manual_sp";
  public static final String MANUAL_SA = "ipsec_manual_sa";

  public static final String IKE_CONN_STATUSES = "ipsec_ike_conn_statuses";
  public static final String MANUAL_SP_STATUSES = "ipsec_manual_sp_statuses";
  public static final String MANUAL_SA_STATUSES = "ipsec_manual_sa_statuses";

  /** True on rows the publisher created (and may delete); false on rows an operator configured. */
  public static final String NSVPN_MANAGED = "nsvpn_managed";

  /** Key of the config reader's error message in an invalid row's status map. */
  public static final String CONFIG_ERROR_KEY = "config_error";

  private static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();

  static {
    REQUIRED.put(
        IPSEC,
        List.of(
            STATS_REFRESH_SECONDS,
            STATS_PUBLISH_ALL,
            IKE_CONNECTIONS_REF,
            MANUAL_SPS_REF,
            MANUAL_SAS_REF));
    REQUIRED.put(IKE_CONNECTION, List.of("policy_name", NSVPN_MANAGED, IKE_CONN_STATUSES));
    REQUIRED.put(
        MANUAL_SP,
        List.of("src_addr", "dest_addr", "direction", NSVPN_MANAGED, MANUAL_SP_STATUSES));
    REQUIRED.put(
        MANUAL_SA, List.of("spi", "dest_addr", "protocol", NSVPN_MANAGED, MANUAL_SA_STATUSES));
  }

  private IpsecSchema() {}

  /** The schema file's text. */
  public static String schemaJson() {
    try (InputStream in = IpsecSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + RESOURCE + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * The problems that make {@code schema} unusable for nsvpn (missing tables or columns); empty
   * when it is usable. Extra tables and columns are fine.
   */
  public static List<String> problems(DatabaseSchema schema) {
    List<String> problems = new ArrayList<>();
    REQUIRED.forEach(
        (table, columns) -> {
          Set<String> actual = schema.tableColumns().get(table);
          if (actual == null) {
            problems.add("database " + schema.name() + " has no table " + table);
            return;
          }
          for (String c : columns) {
            if (!actual.contains(c)) {
              problems.add("table " + table + " has no column " + c);
            }
          }
        });
    return problems;
  }
}
