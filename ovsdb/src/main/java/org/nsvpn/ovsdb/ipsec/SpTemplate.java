package org.nsvpn.ovsdb.ipsec;

import java.util.Objects;
import java.util.Optional;

/**
 * The template of a policy ({@code struct xfrm_user_tmpl}): which SA must process matching packets.
 * {@code requestId} is the reqid that ties policy and SA; tunnel endpoints are present in tunnel
 * mode.
 */
public record SpTemplate(
    IpsecProtocol protocol,
    IpFamily family,
    Optional<String> srcAddr,
    Optional<String> destAddr,
    long requestId,
    IpsecMode mode) {
  public SpTemplate {
    Objects.requireNonNull(protocol, "tmpl_protocol");
    Objects.requireNonNull(family, "tmpl_addr_family");
    Objects.requireNonNull(srcAddr, "tmpl_src_addr");
    Objects.requireNonNull(destAddr, "tmpl_dest_addr");
    srcAddr.ifPresent(a -> Checks.address("tmpl_src_addr", a, family));
    destAddr.ifPresent(a -> Checks.address("tmpl_dest_addr", a, family));
    Checks.range("tmpl_request_id", requestId, 0, 0xFFFF_FFFFL);
    Objects.requireNonNull(mode, "tmpl_mode");
  }
}
