package org.nsvpn.strongswan;

import java.util.List;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.VpnService;
import org.nsvpn.chainrules.net.IpAddress;

/**
 * A site connection as charon runs it: the chain-rules connection and the local IKE endpoint, the
 * external IP of the connection's VPN service (also the default local identity of a PSK
 * connection), and the service's certification authorities, which a certificate-authenticated
 * connection trusts.
 */
public record ConnectionSpec(
    IpsecSiteConnection connection,
    IpAddress localAddress,
    List<Certificate> caCertificates,
    List<String> crlUris) {
  public ConnectionSpec {
    Require.nonNull("ipsec-site-connection", connection);
    Require.nonNull("external-ip", localAddress);
    caCertificates = List.copyOf(caCertificates);
    crlUris = List.copyOf(crlUris);
    if (localAddress.family() != connection.peerAddress().family()) {
      throw new InvalidValueException(
          "peer-address",
          connection.peerAddress(),
          "is "
              + connection.peerAddress().family()
              + " but the VPN service's external IP "
              + localAddress
              + " is "
              + localAddress.family());
    }
  }

  /**
   * The spec of {@code connection}, which must belong to {@code service}.
   *
   * @throws InvalidValueException naming {@code vpn-service} when it belongs to another service
   */
  public static ConnectionSpec of(VpnService service, IpsecSiteConnection connection) {
    Require.nonNull("vpn-service", service);
    Require.nonNull("ipsec-site-connection", connection);
    if (!connection.vpnService().equals(service.id())) {
      throw new InvalidValueException(
          "vpn-service",
          connection.vpnService(),
          "connection "
              + connection.name()
              + " belongs to another VPN service than "
              + service.id());
    }
    return new ConnectionSpec(
        connection, service.externalIp(), service.caCertificates(), service.crlUris());
  }

  /** A spec without certification authorities (enough for a PSK connection). */
  public ConnectionSpec(IpsecSiteConnection connection, IpAddress localAddress) {
    this(connection, localAddress, List.of(), List.of());
  }

  public IpsecSiteConnectionId id() {
    return connection.id();
  }

  /**
   * The identity this side presents: the configured local id, else the local certificate's subject,
   * else the external IP.
   */
  public String localId() {
    return connection.effectiveLocalId(localAddress.toString());
  }
}
