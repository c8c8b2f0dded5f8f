package org.nsvpn.strongswan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.model.AuthMethod;
import org.nsvpn.chainrules.model.Certificate;
import org.nsvpn.chainrules.model.DhGroup;
import org.nsvpn.chainrules.model.DpdAction;
import org.nsvpn.chainrules.model.EncapsulationMode;
import org.nsvpn.chainrules.model.EncryptionAlgorithm;
import org.nsvpn.chainrules.model.IkePolicy;
import org.nsvpn.chainrules.model.IkeVersion;
import org.nsvpn.chainrules.model.Initiator;
import org.nsvpn.chainrules.model.IntegrityAlgorithm;
import org.nsvpn.chainrules.model.IpsecPolicy;
import org.nsvpn.chainrules.model.IpsecSiteConnection;
import org.nsvpn.chainrules.model.Phase1Mode;
import org.nsvpn.chainrules.model.TransformProtocol;
import org.nsvpn.chainrules.net.IpSubnet;
import org.nsvpn.chainrules.vpn.VpnNames;
import org.nsvpn.strongswan.vici.ViciList;
import org.nsvpn.strongswan.vici.ViciSection;
import org.nsvpn.strongswan.vici.ViciValue;

/**
 * Turns a {@link ConnectionSpec} into charon's configuration: the VICI {@code load-conn} message,
 * the {@code load-shared} message for its PSK or the {@code load-key} message for its private key,
 * and the {@code load-authority} messages of the CAs it trusts. Pure; see docs/architecture.md for
 * the table.
 *
 * <p>Names inside charon come from the connection id only ({@code nsvpn-} and its 32 hex digits),
 * never from the operator's name: they are stable across renames and safe in logs. The same name is
 * used for the IKE config, its single child config and the shared key.
 *
 * <p>What charon cannot do with a backend is refused with an {@link InvalidValueException} naming
 * the model field, before anything reaches charon.
 */
public final class ConnectionMapping {
  private static final String PREFIX = "nsvpn-";
  private static final Pattern NAME = Pattern.compile("nsvpn-[0-9a-f]{32}");
  private static final String AUTHORITY_PREFIX = "nsvpn-ca-";

  private ConnectionMapping() {}

  /** The name of the connection's IKE config, child config and shared key inside charon. */
  public static String charonName(IpsecSiteConnectionId id) {
    return VpnNames.charonConnection(id);
  }

  /** The connection id behind a charon name, or empty for names nsvpn did not make. */
  public static Optional<IpsecSiteConnectionId> connectionId(String charonName) {
    if (charonName == null || !NAME.matcher(charonName).matches()) {
      return Optional.empty();
    }
    String hex = charonName.substring(PREFIX.length());
    long high = Long.parseUnsignedLong(hex.substring(0, 16), 16);
    long low = Long.parseUnsignedLong(hex.substring(16), 16);
    return Optional.of(new IpsecSiteConnectionId(new UUID(high, low)));
  }

  /**
   * The {@code load-conn} message: one section named {@link #charonName} holding the IKE config.
   *
   * @throws InvalidValueException when the combination is not supported with {@code backend}
   */
  public static ViciSection loadConn(ConnectionSpec spec, Backend backend) {
    IpsecSiteConnection c = spec.connection();
    IkePolicy ike = c.ikePolicy();
    IpsecPolicy ipsec = c.ipsecPolicy();
    check(spec, backend);
    String name = charonName(c.id());
    boolean libipsec = backend == Backend.KERNEL_LIBIPSEC;
    boolean initiates = c.initiator() == Initiator.BI_DIRECTIONAL;

    ViciSection.Builder conn = ViciSection.builder();
    conn.put("version", ike.version() == IkeVersion.V1 ? "1" : "2");
    conn.putList("local_addrs", List.of(spec.localAddress().toString()));
    conn.putList("remote_addrs", List.of(c.peerAddress().toString()));
    conn.putList("proposals", List.of(ikeProposal(ike)));
    conn.put("encap", libipsec || c.forceUdpEncapsulation());
    conn.put("mobike", false);
    conn.put("fragmentation", "yes");
    if (ike.version() == IkeVersion.V1) {
      conn.put("aggressive", ike.phase1Mode() == Phase1Mode.AGGRESSIVE);
    }
    long ikeLife = ike.lifetime().getSeconds();
    conn.put(ike.reauthenticate() ? "reauth_time" : "rekey_time", seconds(ikeLife * 9 / 10));
    conn.put(ike.reauthenticate() ? "rekey_time" : "reauth_time", "0s");
    conn.put("over_time", seconds(ikeLife - ikeLife * 9 / 10));
    conn.put("rand_time", seconds(ikeLife / 20));
    // Keep trying an unreachable peer for as long as the connection exists.
    conn.put("keyingtries", initiates ? 0 : 1);
    if (c.dpd().action() == DpdAction.DISABLED) {
      conn.put("dpd_delay", "0s");
    } else {
      conn.put("dpd_delay", seconds(c.dpd().interval().getSeconds()));
      conn.put("dpd_timeout", seconds(c.dpd().timeout().getSeconds()));
    }
    conn.put("local", local(spec));
    conn.put(
        "remote",
        ViciSection.builder()
            .put("auth", c.auth() == AuthMethod.CERT ? "pubkey" : "psk")
            .put("id", c.peerId())
            .build());

    ViciSection.Builder child = ViciSection.builder();
    child.putList("local_ts", texts(c.localCidrs()));
    child.putList("remote_ts", texts(c.peerCidrs()));
    if (ipsec.transform() != TransformProtocol.AH) {
      child.putList("esp_proposals", List.of(espProposal(ipsec)));
    }
    if (ipsec.transform() != TransformProtocol.ESP) {
      child.putList("ah_proposals", List.of(ahProposal(ipsec)));
    }
    child.put("mode", ipsec.mode() == EncapsulationMode.TUNNEL ? "tunnel" : "transport");
    long childLife = ipsec.lifetime().getSeconds();
    child.put("life_time", seconds(childLife));
    child.put("rekey_time", seconds(childLife * 9 / 10));
    child.put("rand_time", seconds(childLife / 20));
    // Trap policies make unprotected traffic to the peer's subnets drop instead of leaking (with
    // the kernel backend they also trigger IKE on traffic). nsvpn initiates itself, once the path
    // to the peer exists and with a back-off after failures: charon must not start a negotiation
    // at load time, nor restart one the peer closed (both would race nsvpn's own).
    child.put("start_action", initiates ? "trap" : "none");
    child.put("close_action", "none");
    if (c.dpd().action() != DpdAction.DISABLED) {
      child.put("dpd_action", dpdAction(c.dpd().action(), libipsec));
    }
    conn.put("children", ViciSection.builder().put(name, child.build()).build());
    return ViciSection.builder().put(name, conn.build()).build();
  }

  /**
   * The local authentication round: a PSK and the local id; or the local certificate, given as
   * data, and its identity. A configured local id that is the certificate's subject is sent as the
   * subject's DER encoding ({@code asn1dn:#...}): charon compares distinguished names RDN by RDN in
   * the certificate's order, and the configured text may list them the other way round.
   */
  private static ViciSection local(ConnectionSpec spec) {
    IpsecSiteConnection c = spec.connection();
    if (c.localCertificate().isEmpty()) {
      return ViciSection.builder().put("auth", "psk").put("id", spec.localId()).build();
    }
    Certificate cert = c.localCertificate().get();
    boolean sanOrDefault =
        c.localId().isPresent()
            && cert.subjectAltNames().stream().anyMatch(n -> n.equalsIgnoreCase(c.localId().get()));
    String id =
        sanOrDefault
            ? c.localId().get()
            : "asn1dn:#" + java.util.HexFormat.of().formatHex(cert.subjectDer());
    return ViciSection.builder()
        .put("auth", "pubkey")
        .put("id", id)
        .put("certs", new ViciList(List.of(ViciValue.ofBytes(cert.der()))))
        .build();
  }

  /**
   * The {@code load-key} message for a certificate connection's private key (PEM or DER, as
   * stored). The key is a secret value: it never appears in the message's text form.
   */
  public static ViciSection loadKey(byte[] privateKey) {
    if (privateKey.length == 0) {
      throw new InvalidValueException("private-key", "(empty)", "a private key must not be empty");
    }
    return ViciSection.builder()
        .put("type", "any")
        .put("data", ViciValue.secret(privateKey))
        .build();
  }

  /** The name of a CA certificate's authority inside charon, from its fingerprint. */
  public static String authorityName(Certificate ca) {
    return AUTHORITY_PREFIX + ca.fingerprint().substring(0, 32);
  }

  /** Whether {@code name} is an authority nsvpn loaded. */
  static boolean isAuthorityName(String name) {
    return name.startsWith(AUTHORITY_PREFIX);
  }

  /**
   * The {@code load-authority} messages of the certification authorities {@code specs} trust, by
   * authority name: each CA certificate with the service's CRL URIs.
   */
  public static Map<String, ViciSection> loadAuthorities(Collection<ConnectionSpec> specs) {
    Map<String, ViciSection> out = new TreeMap<>();
    for (ConnectionSpec spec : specs) {
      if (spec.connection().auth() != AuthMethod.CERT) {
        continue;
      }
      for (Certificate ca : spec.caCertificates()) {
        ViciSection.Builder authority =
            ViciSection.builder().put("cacert", ViciValue.ofBytes(ca.der()));
        if (!spec.crlUris().isEmpty()) {
          authority.putList("crl_uris", spec.crlUris());
        }
        String name = authorityName(ca);
        out.put(name, ViciSection.builder().put(name, authority.build()).build());
      }
    }
    return out;
  }

  /**
   * The {@code load-shared} message for the connection's PSK, owned by the two identities. The key
   * is a secret value: it never appears in the message's text form.
   */
  public static ViciSection loadShared(ConnectionSpec spec, byte[] presharedKey) {
    if (presharedKey.length == 0) {
      throw new InvalidValueException("psk", "(empty)", "a pre-shared key must not be empty");
    }
    List<String> owners = new ArrayList<>();
    owners.add(spec.localId());
    if (!spec.connection().peerId().equals(spec.localId())) {
      owners.add(spec.connection().peerId());
    }
    return ViciSection.builder()
        .put("id", charonName(spec.id()))
        .put("type", "IKE")
        .put("data", ViciValue.secret(presharedKey))
        .put("owners", ViciList.ofText(owners))
        .build();
  }

  /** Refuses what charon cannot run with {@code backend}; see the class comment. */
  public static void check(ConnectionSpec spec, Backend backend) {
    IpsecSiteConnection c = spec.connection();
    IpsecPolicy ipsec = c.ipsecPolicy();
    if (backend == Backend.KERNEL_LIBIPSEC && ipsec.transform() != TransformProtocol.ESP) {
      throw new InvalidValueException(
          "transform",
          ipsec.transform().text(),
          "this host runs ESP in user space (kernel-libipsec, the kernel lacks ESP), which"
              + " supports only transform esp");
    }
    if (backend == Backend.KERNEL_LIBIPSEC && ipsec.mode() != EncapsulationMode.TUNNEL) {
      throw new InvalidValueException(
          "encapsulation-mode",
          ipsec.mode().text(),
          "this host runs ESP in user space (kernel-libipsec), which supports only tunnel mode");
    }
    if (ipsec.mode() == EncapsulationMode.TRANSPORT) {
      List<IpSubnet> local = List.of(IpSubnet.host(spec.localAddress()));
      List<IpSubnet> peer = List.of(IpSubnet.host(c.peerAddress()));
      if (!c.localCidrs().equals(local) || !c.peerCidrs().equals(peer)) {
        throw new InvalidValueException(
            "encapsulation-mode",
            ipsec.mode().text(),
            "transport mode protects only traffic between the two IKE endpoints: local-cidrs must"
                + " be "
                + local.get(0)
                + " and peer-cidrs "
                + peer.get(0));
      }
    }
    if (c.ikePolicy().version() == IkeVersion.V1
        && (c.localCidrs().size() > 1 || c.peerCidrs().size() > 1)) {
      throw new InvalidValueException(
          "local-cidrs",
          c.localCidrs() + " -> " + c.peerCidrs(),
          "IKEv1 negotiates one subnet pair per child SA; use ike-version v2, or one local and"
              + " one peer CIDR");
    }
    if (c.dpd().action() == DpdAction.RESTART_BY_PEER) {
      throw new InvalidValueException(
          "dpd-action",
          c.dpd().action().text(),
          "strongSwan has no restart-by-peer; use hold, clear, restart or disabled");
    }
    if (c.auth() == AuthMethod.PSK
        && c.initiator() == Initiator.RESPONSE_ONLY
        && c.ikePolicy().version() == IkeVersion.V1
        && c.ikePolicy().phase1Mode() == Phase1Mode.AGGRESSIVE) {
      throw new InvalidValueException(
          "phase1-mode",
          "aggressive",
          "charon refuses to answer IKEv1 aggressive mode with a PSK (it exposes the key to"
              + " offline cracking); use main mode, or let this side initiate");
    }
  }

  static String ikeProposal(IkePolicy ike) {
    StringBuilder out = new StringBuilder(encryption(ike.encryption()));
    if (!ike.encryption().isAead()) {
      out.append('-').append(integrity(ike.integrity()));
    }
    // AEAD proposals need an explicit PRF; others get it too, so both forms match a peer alike.
    out.append('-').append(prf(ike.integrity()));
    out.append('-').append(dhGroup(ike.dhGroup()));
    return out.toString();
  }

  static String espProposal(IpsecPolicy ipsec) {
    StringBuilder out = new StringBuilder(encryption(ipsec.encryption()));
    if (!ipsec.encryption().isAead()) {
      out.append('-').append(integrity(ipsec.integrity()));
    }
    ipsec.pfs().ifPresent(group -> out.append('-').append(dhGroup(group)));
    return out.toString();
  }

  /** The child SA proposal as configured: ESP's, AH's, or both joined by {@code " + "}. */
  static String childProposal(IpsecPolicy ipsec) {
    return switch (ipsec.transform()) {
      case ESP -> espProposal(ipsec);
      case AH -> ahProposal(ipsec);
      case AH_ESP -> "ah " + ahProposal(ipsec) + " + esp " + espProposal(ipsec);
    };
  }

  static String ahProposal(IpsecPolicy ipsec) {
    StringBuilder out = new StringBuilder(integrity(ipsec.integrity()));
    ipsec.pfs().ifPresent(group -> out.append('-').append(dhGroup(group)));
    return out.toString();
  }

  /** strongSwan's keyword: aes256, aes128ctr, aes256gcm16 (ICV bytes as in the model), 3des. */
  static String encryption(EncryptionAlgorithm algorithm) {
    if (algorithm == EncryptionAlgorithm.TRIPLE_DES) {
      return "3des";
    }
    String text = algorithm.text();
    String mode = "";
    if (text.contains("-ctr")) {
      mode = "ctr";
    } else if (text.contains("-ccm-")) {
      mode = "ccm" + text.substring(text.lastIndexOf('-') + 1);
    } else if (text.contains("-gcm-")) {
      mode = "gcm" + text.substring(text.lastIndexOf('-') + 1);
    }
    return "aes" + algorithm.aesKeyBits() + mode;
  }

  static String integrity(IntegrityAlgorithm algorithm) {
    return switch (algorithm) {
      case SHA1 -> "sha1";
      case SHA256 -> "sha256";
      case SHA384 -> "sha384";
      case SHA512 -> "sha512";
      case AES_XCBC -> "aesxcbc";
      case AES_CMAC -> "aescmac";
    };
  }

  static String prf(IntegrityAlgorithm algorithm) {
    return "prf" + integrity(algorithm);
  }

  static String dhGroup(DhGroup group) {
    return switch (group) {
      case GROUP2 -> "modp1024";
      case GROUP5 -> "modp1536";
      case GROUP14 -> "modp2048";
      case GROUP15 -> "modp3072";
      case GROUP16 -> "modp4096";
      case GROUP17 -> "modp6144";
      case GROUP18 -> "modp8192";
      case GROUP19 -> "ecp256";
      case GROUP20 -> "ecp384";
      case GROUP21 -> "ecp521";
      case GROUP31 -> "curve25519";
    };
  }

  private static String dpdAction(DpdAction action, boolean libipsec) {
    return switch (action) {
      // hold = keep the policy and renegotiate on traffic; libipsec cannot trigger on traffic.
      case HOLD -> libipsec ? "restart" : "trap";
      case CLEAR -> "clear";
      case RESTART -> "restart";
      case DISABLED, RESTART_BY_PEER ->
          throw new IllegalStateException("checked before: " + action);
    };
  }

  private static List<String> texts(List<IpSubnet> subnets) {
    return subnets.stream().map(IpSubnet::toString).toList();
  }

  private static String seconds(long seconds) {
    return seconds + "s";
  }
}
