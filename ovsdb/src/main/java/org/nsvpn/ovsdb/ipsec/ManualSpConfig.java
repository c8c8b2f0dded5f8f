package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A security policy configured in {@code ipsec_manual_sp}, validated: a selector, an optional
 * priority and, for policies that require IPsec, a template.
 */
public record ManualSpConfig(
    SpSelector selector, OptionalLong priority, Optional<SpTemplate> template)
    implements IpsecConfig {
  public ManualSpConfig {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(priority, "priority");
    priority.ifPresent(p -> Checks.range("priority", p, 0, 0xFFFF_FFFFL));
    Objects.requireNonNull(template, "template");
    template.ifPresent(
        t -> {
          if (t.mode() == IpsecMode.TUNNEL && (t.srcAddr().isEmpty() || t.destAddr().isEmpty())) {
            throw new InvalidIpsecValueException(
                "tmpl_mode", "tunnel", "needs tmpl_src_addr and tmpl_dest_addr");
          }
        });
  }

  @Override
  public String table() {
    return IpsecSchema.MANUAL_SP;
  }

  @Override
  public Object key() {
    return selector;
  }
}
