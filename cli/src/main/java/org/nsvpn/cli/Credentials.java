package org.nsvpn.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.model.Certificate;

/**
 * Reads certificates and private keys for {@code certificate}, {@code ca-certificates} and {@code
 * private-key}. Certificates are public and come from a file ({@code file:PATH}). A private key is
 * a secret: it comes from a file only its owner can read, or from standard input, never from the
 * command line ({@link Psk#refuseKeys}), and nothing here quotes it. Before a key is stored it must
 * be the certificate's: a fresh challenge signed with the key must verify with the certificate's
 * public key.
 *
 * <p>PEM keys are read with Bouncy Castle's {@link PEMParser} (PKCS#1 RSA, SEC1 EC, PKCS#8), which
 * the JDK cannot; the JDK's providers then turn them into keys and sign.
 */
final class Credentials {
  static final int MAX_BYTES = 64 * 1024;
  private static final String KEY_HOW =
      "use 'private-key file:PATH' (a file only its owner can read) or 'private-key stdin'";

  /** The refusal of a key on the command line; it never quotes what was typed. */
  static final String KEY_NEVER_ON_THE_COMMAND_LINE =
      "private-key: a private key is never taken from the command line (it would stay in history"
          + " and process listings); "
          + KEY_HOW;

  private Credentials() {}

  /**
   * Whether {@code words} hold something that looks like a private key: PEM text, or a value after
   * the word {@code private-key} that is not one of the sources.
   */
  static boolean holdsKey(List<String> words) {
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i).toLowerCase(Locale.ROOT);
      if (word.startsWith("-----begin") || word.startsWith("private-key=")) {
        return true;
      }
      if (word.equals("private-key")
          && i + 1 < words.size()
          && !words.get(i + 1).equals("stdin")
          && !words.get(i + 1).startsWith("file:")) {
        return true;
      }
    }
    return false;
  }

  /** The certificates in the file {@code source} names ({@code file:PATH}). */
  static List<Certificate> certificates(String field, String source) {
    byte[] bytes = readFile(field, source, false);
    try {
      return Certificate.parseAll(field, bytes);
    } catch (InvalidValueException e) {
      throw new CliException(
          field + ": file " + Text.quote(source.substring(5)) + ": " + e.reason());
    }
  }

  /** The single certificate in the file {@code source} names. */
  static Certificate certificate(String field, String source) {
    List<Certificate> all = certificates(field, source);
    if (all.size() != 1) {
      throw new CliException(
          field
              + ": file "
              + Text.quote(source.substring(5))
              + " holds "
              + all.size()
              + " certificates; give the one this side authenticates with");
    }
    return all.get(0);
  }

  /**
   * The private key from {@code source} ({@code file:PATH} or {@code stdin}), checked to parse and
   * to be {@code certificate}'s. The caller zeroes the returned array.
   */
  static byte[] privateKey(String source, SecretSource secrets, Certificate certificate) {
    byte[] key;
    if (source.equals("stdin")) {
      InputStream in =
          secrets
              .stdin()
              .orElseThrow(
                  () ->
                      new CliException(
                          "private-key: standard input carries the commands; " + KEY_HOW));
      try {
        key = in.readNBytes(MAX_BYTES + 1);
      } catch (IOException e) {
        throw new CliException("private-key: cannot read standard input: " + e.getMessage());
      }
    } else if (source.startsWith("file:") && source.length() > 5) {
      key = readFile("private-key", source, true);
    } else {
      throw new CliException(KEY_NEVER_ON_THE_COMMAND_LINE);
    }
    try {
      if (key.length == 0) {
        throw new CliException("private-key: is empty");
      }
      if (key.length > MAX_BYTES) {
        throw new CliException("private-key: longer than " + MAX_BYTES + " bytes");
      }
      requireMatch(certificate, parse(key));
      return key;
    } catch (RuntimeException e) {
      Arrays.fill(key, (byte) 0);
      throw e;
    }
  }

  /** The key in PEM {@code key}; refuses encrypted keys and anything else. */
  static PrivateKey parse(byte[] key) {
    try (PEMParser parser =
        new PEMParser(
            new InputStreamReader(new ByteArrayInputStream(key), StandardCharsets.US_ASCII))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new CliException(
            "private-key: the key is encrypted; charon loads it without a passphrase, so give it"
                + " decrypted (e.g. openssl pkey -in KEY -out PLAIN, in a directory only you can"
                + " read)");
      }
      throw new CliException(
          "private-key: not a PEM private key (expected BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC"
              + " PRIVATE KEY)");
    } catch (PEMException e) {
      throw new CliException("private-key: the PEM private key does not parse");
    } catch (IOException e) {
      throw new CliException("private-key: not a PEM private key");
    }
  }

  /**
   * @throws CliException unless {@code key} is the private half of {@code certificate}'s key
   */
  static void requireMatch(Certificate certificate, PrivateKey key) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default ->
              throw new CliException(
                  "private-key: keys of type " + key.getAlgorithm() + " are not supported");
        };
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.publicKey());
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new CliException(
          "private-key: does not match the certificate "
              + Text.quote(certificate.subject())
              + " (a signature made with it does not verify with the certificate's public key)");
    }
  }

  private static byte[] readFile(String field, String source, boolean secret) {
    if (!source.startsWith("file:") || source.length() <= 5) {
      throw new CliException(field + ": give a file: " + field + " file:PATH");
    }
    return readFile(field, Path.of(source.substring(5)), secret, MAX_BYTES);
  }

  /**
   * The content of {@code file}, at most {@code maxBytes}; a {@code secret} file must not be
   * readable by group or others. Errors name {@code field} and the file, never the content.
   */
  static byte[] readFile(String field, Path file, boolean secret, int maxBytes) {
    try {
      if (secret) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.OTHERS_READ)) {
          throw new CliException(
              field
                  + ": file "
                  + Text.quote(file.toString())
                  + " is readable by others; chmod 600 it");
        }
      }
      if (Files.size(file) > maxBytes) {
        throw new CliException(
            field
                + ": file "
                + Text.quote(file.toString())
                + " is longer than "
                + maxBytes
                + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException(
          field
              + ": cannot read file "
              + Text.quote(file.toString())
              + ": "
              + e.getClass().getSimpleName());
    }
  }
}
