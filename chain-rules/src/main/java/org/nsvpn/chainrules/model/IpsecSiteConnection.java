package org.nsvpn.chainrules.model;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.Identified;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.chainrules.net.IpFamily;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.net.Ipv4Address;
import org.nsvpn.chainrules.net.Ipv6Address;

/**
 * A site-to-site IPsec connection of a VPN service: the parameter set of Neutron VPNaaS's
 * ipsec-site-connection plus the site-to-site gateway options (forced UDP encapsulation, IKE
 * reauthentication). Build one with {@link #builder()}.
 *
 * <p>Invariants: local and peer CIDR lists are non-empty, free of duplicates, all of one family,
 * and no local CIDR overlaps a peer CIDR (traffic between them could not be told apart); the peer
 * address is a unicast address; identities are 1-255 printable ASCII characters; the MTU is
 * 68..9216 (1280..9216 for IPv6 CIDRs); a local id given with a local certificate must name that
 * certificate (its subject or a subject alternative name).
 *
 * @param peerAddress the peer's public IKE endpoint
 * @param peerId the identity the peer must authenticate as (defaults to the peer address)
 * @param localId the identity this side presents; empty means the service's external IP
 * @param secret reference to the connection's secret, kept outside the topology: the pre-shared
 *     key, or with a local certificate its private key (PEM)
 * @param localCertificate the certificate this side authenticates with; present exactly when the
 *     connection authenticates by certificate ({@link AuthMethod#CERT}). Its private key is {@code
 *     secret}. The peer's certificate must name {@code peerId} (subject or subject alternative
 *     name) and chain to one of the VPN service's CA certificates.
 * @param forceUdpEncapsulation encapsulate ESP in UDP 4500 even without NAT
 */
public record IpsecSiteConnection(
    IpsecSiteConnectionId id,
    VpnServiceId vpnService,
    String name,
    IpAddress peerAddress,
    String peerId,
    Optional<String> localId,
    List<IpSubnet> localCidrs,
    List<IpSubnet> peerCidrs,
    SecretRef secret,
    Optional<Certificate> localCertificate,
    IkePolicy ikePolicy,
    IpsecPolicy ipsecPolicy,
    DeadPeerDetection dpd,
    Initiator initiator,
    int mtu,
    boolean forceUdpEncapsulation,
    boolean adminStateUp)
    implements Identified {

  public static final int DEFAULT_MTU = 1500;

  public IpsecSiteConnection {
    Require.nonNull("ipsec-site-connection id", id);
    Require.nonNull("vpn-service", vpnService);
    Require.name("ipsec-site-connection name", name);
    Require.nonNull("peer-address", peerAddress);
    if (isUnspecifiedOrMulticast(peerAddress)) {
      throw new InvalidValueException("peer-address", peerAddress, "must be a unicast address");
    }
    requireIdentity("peer-id", peerId);
    Require.nonNull("local-id", localId);
    localId.ifPresent(value -> requireIdentity("local-id", value));
    localCidrs = List.copyOf(Require.nonEmpty("local-cidrs", localCidrs));
    peerCidrs = List.copyOf(Require.nonEmpty("peer-cidrs", peerCidrs));
    IpFamily family = localCidrs.get(0).family();
    requireFamilyAndUnique("local-cidrs", localCidrs, family);
    requireFamilyAndUnique("peer-cidrs", peerCidrs, family);
    for (IpSubnet peer : peerCidrs) {
      for (IpSubnet local : localCidrs) {
        if (peer.overlaps(local)) {
          throw new InvalidValueException(
              "peer-cidrs", peer, "overlaps local CIDR " + local + " of connection " + name);
        }
      }
    }
    Require.nonNull("secret", secret);
    Require.nonNull("local-certificate", localCertificate);
    if (localCertificate.isPresent() && localId.isPresent()) {
      Certificate cert = localCertificate.get();
      if (!cert.matchesIdentity(localId.get())) {
        throw new InvalidValueException(
            "local-id",
            localId.get(),
            "is neither the subject nor a subject alternative name of the local certificate ("
                + cert.subject()
                + ")");
      }
    }
    Require.nonNull("ike-policy", ikePolicy);
    Require.nonNull("ipsec-policy", ipsecPolicy);
    Require.nonNull("dpd", dpd);
    Require.nonNull("initiator", initiator);
    Require.inRange("mtu", mtu, family == IpFamily.IPV6 ? 1280 : 68, 9216);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with every field of this connection. */
  public Builder toBuilder() {
    return new Builder()
        .id(id)
        .vpnService(vpnService)
        .name(name)
        .peerAddress(peerAddress)
        .peerId(peerId)
        .localId(localId)
        .localCidrs(localCidrs)
        .peerCidrs(peerCidrs)
        .secret(secret)
        .localCertificate(localCertificate)
        .ikePolicy(ikePolicy)
        .ipsecPolicy(ipsecPolicy)
        .dpd(dpd)
        .initiator(initiator)
        .mtu(mtu)
        .forceUdpEncapsulation(forceUdpEncapsulation)
        .adminStateUp(adminStateUp);
  }

  /** How this connection authenticates: by certificate when it has one, else by PSK. */
  public AuthMethod auth() {
    return localCertificate.isPresent() ? AuthMethod.CERT : AuthMethod.PSK;
  }

  /**
   * The identity this side presents when none is configured: the local certificate's subject, or
   * for a PSK connection {@code externalIp}.
   */
  public String effectiveLocalId(String externalIp) {
    return localId.orElseGet(() -> localCertificate.map(Certificate::subject).orElse(externalIp));
  }

  /** The family of all the connection's CIDRs. */
  public IpFamily family() {
    return localCidrs.get(0).family();
  }

  private static boolean isUnspecifiedOrMulticast(IpAddress ip) {
    if (ip instanceof Ipv4Address v4) {
      return v4.bits() == 0 || v4.isMulticast() || v4.bits() == -1;
    }
    Ipv6Address v6 = (Ipv6Address) ip;
    return (v6.high() == 0 && v6.low() == 0) || v6.isMulticast();
  }

  private static void requireIdentity(String field, String value) {
    Require.nonNull(field, value);
    boolean printable = value.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
    if (value.isEmpty() || value.length() > 255 || !printable || !value.strip().equals(value)) {
      throw new InvalidValueException(
          field,
          value,
          "must be 1-255 printable ASCII characters without quotes, backslashes or surrounding spaces");
    }
  }

  private static void requireFamilyAndUnique(String field, List<IpSubnet> cidrs, IpFamily family) {
    Set<IpSubnet> seen = new HashSet<>();
    for (IpSubnet cidr : cidrs) {
      if (cidr.family() != family) {
        throw new InvalidValueException(
            field, cidr, "is " + cidr.family() + "; all CIDRs of a connection must be " + family);
      }
      if (!seen.add(cidr)) {
        throw new InvalidValueException(field, cidr, "is listed twice");
      }
    }
  }

  /** Builds a connection; see the record's invariants. Unset optional fields take the defaults. */
  public static final class Builder {
    private IpsecSiteConnectionId id;
    private VpnServiceId vpnService;
    private String name;
    private IpAddress peerAddress;
    private String peerId;
    private Optional<String> localId = Optional.empty();
    private List<IpSubnet> localCidrs;
    private List<IpSubnet> peerCidrs;
    private SecretRef secret;
    private Optional<Certificate> localCertificate = Optional.empty();
    private IkePolicy ikePolicy = IkePolicy.DEFAULT;
    private IpsecPolicy ipsecPolicy = IpsecPolicy.DEFAULT;
    private DeadPeerDetection dpd = DeadPeerDetection.DEFAULT;
    private Initiator initiator = Initiator.BI_DIRECTIONAL;
    private int mtu = DEFAULT_MTU;
    private boolean forceUdpEncapsulation;
    private boolean adminStateUp = true;

    private Builder() {}

    public Builder id(IpsecSiteConnectionId value) {
      this.id = value;
      return this;
    }

    public Builder vpnService(VpnServiceId value) {
      this.vpnService = value;
      return this;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder peerAddress(IpAddress value) {
      this.peerAddress = value;
      return this;
    }

    /** Defaults to the peer address as text. */
    public Builder peerId(String value) {
      this.peerId = value;
      return this;
    }

    public Builder localId(Optional<String> value) {
      this.localId = value;
      return this;
    }

    public Builder localCidrs(List<IpSubnet> value) {
      this.localCidrs = value;
      return this;
    }

    public Builder localCidrs(IpSubnet... value) {
      return localCidrs(List.of(value));
    }

    public Builder peerCidrs(List<IpSubnet> value) {
      this.peerCidrs = value;
      return this;
    }

    public Builder peerCidrs(IpSubnet... value) {
      return peerCidrs(List.of(value));
    }

    /** Authenticates with the pre-shared key {@code value} names (no local certificate). */
    public Builder psk(SecretRef value) {
      this.secret = value;
      this.localCertificate = Optional.empty();
      return this;
    }

    /** Authenticates with {@code certificate}, whose private key {@code privateKey} names. */
    public Builder certificate(Certificate certificate, SecretRef privateKey) {
      this.secret = privateKey;
      this.localCertificate = Optional.of(certificate);
      return this;
    }

    public Builder secret(SecretRef value) {
      this.secret = value;
      return this;
    }

    public Builder localCertificate(Optional<Certificate> value) {
      this.localCertificate = value;
      return this;
    }

    public Builder ikePolicy(IkePolicy value) {
      this.ikePolicy = value;
      return this;
    }

    public Builder ipsecPolicy(IpsecPolicy value) {
      this.ipsecPolicy = value;
      return this;
    }

    public Builder dpd(DeadPeerDetection value) {
      this.dpd = value;
      return this;
    }

    public Builder initiator(Initiator value) {
      this.initiator = value;
      return this;
    }

    public Builder mtu(int value) {
      this.mtu = value;
      return this;
    }

    public Builder forceUdpEncapsulation(boolean value) {
      this.forceUdpEncapsulation = value;
      return this;
    }

    public Builder adminStateUp(boolean value) {
      this.adminStateUp = value;
      return this;
    }

    public IpsecSiteConnection build() {
      String effectivePeerId =
          peerId != null || peerAddress == null ? peerId : peerAddress.toString();
      return new IpsecSiteConnection(
          id,
          vpnService,
          name,
          peerAddress,
          effectivePeerId,
          localId,
          localCidrs,
          peerCidrs,
          secret,
          localCertificate,
          ikePolicy,
          ipsecPolicy,
          dpd,
          initiator,
          mtu,
          forceUdpEncapsulation,
          adminStateUp);
    }
  }
}
