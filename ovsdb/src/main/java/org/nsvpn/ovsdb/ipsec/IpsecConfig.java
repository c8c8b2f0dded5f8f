package org.nsvpn.ovsdb.ipsec;

/**
 * A validated configuration item read from the IPsec tables: an IKE connection, a manual policy or
 * a manual SA. {@link #key()} identifies it the way the table's index does.
 */
public sealed interface IpsecConfig permits IkeConnectionConfig, ManualSpConfig, ManualSaConfig {

  /** The table the item comes from. */
  String table();

  /** The item's identity: policy name, {@link SpSelector} or {@link SaKey}. */
  Object key();
}
