package org.nsvpn.chainrules.model;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * An X.509 certificate as the topology keeps it: its DER encoding, checked to parse when the value
 * is made, with the facts nsvpn needs read out once (subject, subject alternative names, validity,
 * whether it is a CA). A certificate is public: it travels with the configuration, unlike the
 * private key that goes with it (a {@link SecretRef}).
 *
 * <p>Parsing uses the JDK's {@link CertificateFactory}, which reads PEM and DER.
 */
public final class Certificate {
  private static final int MAX_BYTES = 64 * 1024;

  /**
   * How long before a certificate expires nsvpn warns about it (in {@code show status} and the
   * metrics): time enough to have a new one issued and installed.
   */
  public static final Duration RENEWAL_WARNING = Duration.ofDays(30);

  private final byte[] der;
  private final X509Certificate x509;

  private Certificate(byte[] der, X509Certificate x509) {
    this.der = der;
    this.x509 = x509;
  }

  /**
   * The single certificate in {@code encoded} (PEM or DER).
   *
   * @throws InvalidValueException naming {@code field} when it is not exactly one X.509 certificate
   */
  public static Certificate parse(String field, byte[] encoded) {
    List<Certificate> all = parseAll(field, encoded);
    if (all.size() != 1) {
      throw new InvalidValueException(
          field, all.size() + " certificates", "must hold exactly one certificate");
    }
    return all.get(0);
  }

  /**
   * Every certificate in {@code encoded}: one DER certificate or one or more PEM blocks.
   *
   * @throws InvalidValueException naming {@code field} when there is none or one does not parse
   */
  public static List<Certificate> parseAll(String field, byte[] encoded) {
    if (encoded == null || encoded.length == 0) {
      throw new InvalidValueException(field, "(empty)", "no certificate given");
    }
    if (encoded.length > MAX_BYTES) {
      throw new InvalidValueException(
          field, encoded.length + " bytes", "is larger than " + MAX_BYTES + " bytes");
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Collection<? extends java.security.cert.Certificate> parsed =
          factory.generateCertificates(new ByteArrayInputStream(encoded));
      List<Certificate> out = new ArrayList<>();
      for (java.security.cert.Certificate c : parsed) {
        X509Certificate x509 = (X509Certificate) c;
        out.add(new Certificate(x509.getEncoded(), x509));
      }
      if (out.isEmpty()) {
        throw new InvalidValueException(
            field, "(no certificate)", "is not a PEM or DER certificate");
      }
      return List.copyOf(out);
    } catch (CertificateException | ClassCastException e) {
      throw new InvalidValueException(
          field, "(certificate)", "is not a PEM or DER X.509 certificate: " + e.getMessage());
    }
  }

  /** The certificate in PEM text, as {@link #parse} reads it back. */
  public static Certificate fromPem(String field, String pem) {
    return parse(field, pem.getBytes(StandardCharsets.US_ASCII));
  }

  /** The DER encoding (a copy). */
  public byte[] der() {
    return der.clone();
  }

  /** The PEM encoding: one {@code CERTIFICATE} block. */
  public String pem() {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
  }

  /** The subject's distinguished name, RFC 2253 form (most specific part first: CN=...,O=...). */
  public String subject() {
    return x509.getSubjectX500Principal().getName();
  }

  /** The issuer's distinguished name, RFC 2253 form. */
  public String issuer() {
    return x509.getIssuerX500Principal().getName();
  }

  /** The DER encoding of the subject name. */
  public byte[] subjectDer() {
    return x509.getSubjectX500Principal().getEncoded();
  }

  /**
   * The subject alternative names that can be IKE identities: DNS names, e-mail addresses and IP
   * addresses, as text.
   */
  public List<String> subjectAltNames() {
    try {
      Collection<List<?>> names = x509.getSubjectAlternativeNames();
      if (names == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (List<?> name : names) {
        int type = (Integer) name.get(0);
        // 1 rfc822Name, 2 dNSName, 7 iPAddress (RFC 5280 GeneralName tags)
        if ((type == 1 || type == 2 || type == 7) && name.get(1) instanceof String text) {
          out.add(text);
        }
      }
      return List.copyOf(out);
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /**
   * Whether {@code identity} names this certificate: equal to one of its subject alternative names
   * (case-insensitive), or a distinguished name equal to its subject. The comparison of names is
   * the one charon makes when it matches a peer's identity against its certificate.
   */
  public boolean matchesIdentity(String identity) {
    for (String san : subjectAltNames()) {
      if (san.equalsIgnoreCase(identity)) {
        return true;
      }
    }
    return sameDistinguishedName(identity, subject());
  }

  /**
   * Whether two distinguished names list the same RDNs, in either order: RFC 2253 text starts with
   * the most specific RDN, strongSwan's (and OpenSSL's) with the least.
   */
  private static boolean sameDistinguishedName(String a, String b) {
    try {
      List<Rdn> left = new LdapName(a).getRdns();
      List<Rdn> right = new LdapName(b).getRdns();
      if (left.isEmpty() || left.size() != right.size()) {
        return false;
      }
      List<Rdn> reversed = new ArrayList<>(right);
      Collections.reverse(reversed);
      return left.equals(right) || left.equals(reversed);
    } catch (InvalidNameException | IllegalArgumentException e) {
      return false;
    }
  }

  public Instant notBefore() {
    return x509.getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return x509.getNotAfter().toInstant();
  }

  /**
   * Whether at {@code now} the certificate has expired or expires within {@link #RENEWAL_WARNING}.
   */
  public boolean needsRenewal(Instant now) {
    return !notAfter().isAfter(now.plus(RENEWAL_WARNING));
  }

  /** Whether at {@code now} the certificate is past its validity. */
  public boolean hasExpired(Instant now) {
    return now.isAfter(notAfter());
  }

  /** Whether the basic constraints extension marks this certificate as a CA. */
  public boolean isCa() {
    if (x509.getBasicConstraints() < 0) {
      return false;
    }
    boolean[] usage = x509.getKeyUsage();
    // keyCertSign is bit 5; without a key usage extension any use is allowed.
    return usage == null || (usage.length > 5 && usage[5]);
  }

  public PublicKey publicKey() {
    return x509.getPublicKey();
  }

  /** The SHA-256 fingerprint of the DER encoding, lower-case hex. */
  public String fingerprint() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Certificate other && Arrays.equals(der, other.der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  /** The subject and the fingerprint; never the whole encoding. */
  @Override
  public String toString() {
    return subject() + " (sha256 " + fingerprint().substring(0, 16) + ")";
  }
}
