package org.nsvpn.chainrules.model;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.GatewayGroupId;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.RouterId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.IpAddress;

/**
 * IPsec VPN on a router: its IKE endpoint is {@code externalIp}, an address of one of the router's
 * ports (the uplink). Whether that holds is checked where the router's ports are known, by {@link
 * org.nsvpn.chainrules.vpn.VpnRedirectPlan}.
 *
 * @param gatewayGroup where the service's namespace runs: on the member of this group that the
 *     scheduler assigns, or, when empty, on the host its router's uplink is bound to. The group is
 *     the service's (not the router's) because the service is what moves: the router's other ports
 *     stay bound where they are, and the redirect rules send ESP and IKE to wherever the namespace
 *     port is bound.
 * @param caCertificates the certification authorities whose certificates the service's
 *     certificate-authenticated connections accept from peers; each must be a CA certificate. Per
 *     service, because each service runs its own charon: trusting a CA for one service trusts it
 *     for none other.
 * @param crlUris where charon fetches certificate revocation lists for those CAs (http, https, ldap
 *     or file URIs); empty means revocation is checked only from what peers send.
 */
public record VpnService(
    VpnServiceId id,
    String name,
    RouterId router,
    IpAddress externalIp,
    boolean adminStateUp,
    Optional<GatewayGroupId> gatewayGroup,
    List<Certificate> caCertificates,
    List<String> crlUris)
    implements Identified {
  private static final Pattern CRL_URI =
      Pattern.compile("(?i)(https?|ldap|file)://[\\x21-\\x7e&&[^\"'\\\\]]{1,1000}");

  public VpnService {
    Require.nonNull("vpn-service id", id);
    Require.name("vpn-service name", name);
    Require.nonNull("router", router);
    Require.nonNull("external-ip", externalIp);
    Require.nonNull("gateway-group", gatewayGroup);
    caCertificates = List.copyOf(Require.noNulls("ca-certificates", caCertificates));
    Set<Certificate> seen = new HashSet<>();
    for (Certificate ca : caCertificates) {
      if (!ca.isCa()) {
        throw new InvalidValueException(
            "ca-certificates", ca.subject(), "is not a CA certificate (no CA basic constraint)");
      }
      if (!seen.add(ca)) {
        throw new InvalidValueException("ca-certificates", ca.subject(), "is listed twice");
      }
    }
    crlUris = List.copyOf(Require.noNulls("crl-uris", crlUris));
    for (String uri : crlUris) {
      if (!CRL_URI.matcher(uri).matches()) {
        throw new InvalidValueException(
            "crl-uris", uri, "must be an http, https, ldap or file URI of printable ASCII");
      }
    }
  }

  /** A service with a gateway group and no CA certificates. */
  public VpnService(
      VpnServiceId id,
      String name,
      RouterId router,
      IpAddress externalIp,
      boolean adminStateUp,
      Optional<GatewayGroupId> gatewayGroup) {
    this(id, name, router, externalIp, adminStateUp, gatewayGroup, List.of(), List.of());
  }

  /** A service placed by its router's uplink (no gateway group). */
  public VpnService(
      VpnServiceId id, String name, RouterId router, IpAddress externalIp, boolean adminStateUp) {
    this(id, name, router, externalIp, adminStateUp, Optional.empty(), List.of(), List.of());
  }

  public VpnService withAdminStateUp(boolean up) {
    return new VpnService(id, name, router, externalIp, up, gatewayGroup, caCertificates, crlUris);
  }

  public VpnService withGatewayGroup(Optional<GatewayGroupId> group) {
    return new VpnService(
        id, name, router, externalIp, adminStateUp, group, caCertificates, crlUris);
  }

  public VpnService withCaCertificates(List<Certificate> cas, List<String> crls) {
    return new VpnService(id, name, router, externalIp, adminStateUp, gatewayGroup, cas, crls);
  }
}
