package org.nsvpn.strongswan;

import java.util.ArrayList;
import java.util.List;

/**
 * The strongswan.conf nsvpn writes for one charon. Paths are as charon sees them: its instance
 * directory is mounted on {@code /run} in its private mount namespace. The file holds no secret;
 * PSKs reach charon only over VICI.
 */
final class CharonConf {
  /**
   * Crypto and utility plugins, and those that read certificates and keys (pem, pkcs1, pkcs8, x509,
   * pubkey), check chains (constraints) and revocation (revocation, fetching CRLs with curl); the
   * backend's and the control plugins are added around them.
   */
  private static final List<String> BASE_PLUGINS =
      List.of(
          "random",
          "nonce",
          "openssl",
          "aes",
          "sha1",
          "sha2",
          "hmac",
          "gcm",
          "ccm",
          "ctr",
          "cmac",
          "xcbc",
          "curve25519",
          "kdf",
          "pem",
          "pkcs1",
          "pkcs8",
          "x509",
          "pubkey",
          "constraints",
          "revocation",
          "curl");

  static final String CONF = "strongswan.conf";
  static final String VICI_SOCKET = "charon.vici";
  static final String ERROR_NOTIFY_SOCKET = "charon.enfy";
  static final String LOG = "charon.log";
  static final String PID_FILE = "charon.pid";
  static final String CONSOLE = "charon.out";

  /** Where charon finds its instance directory. */
  static final String CHARON_RUN = "/run";

  private CharonConf() {}

  /** The plugin load list: crypto, the backend's kernel interfaces, sockets and control. */
  static List<String> plugins(Backend backend) {
    List<String> plugins = new ArrayList<>(BASE_PLUGINS);
    plugins.addAll(backend.plugins());
    plugins.addAll(List.of("socket-default", "vici", "error-notify"));
    return plugins;
  }

  static String render(String namespace, Backend backend, int threads, int logLevel) {
    return render(namespace, backend, threads, logLevel, Retransmission.DEFAULT);
  }

  static String render(
      String namespace, Backend backend, int threads, int logLevel, Retransmission retransmit) {
    String run = CHARON_RUN + "/";
    return """
        # Written by nsvpn for network namespace %s at every charon start, and when the
        # retransmission schedule follows a change of dead peer detection; do not edit.
        # Connections and PSKs are not here: nsvpn loads them over VICI.
        charon {
          load_modular = no
          load = %s
          threads = %d
          install_routes = yes
        %s          plugins {
            vici {
              socket = unix://%s
            }
            error-notify {
              socket = unix://%s
            }
          }
          filelog {
            nsvpn {
              path = %s
              time_format = %%Y-%%m-%%dT%%H:%%M:%%S
              ike_name = yes
              append = yes
              flush_line = yes
              default = %d
            }
          }
        }
        """
        .formatted(
            namespace,
            String.join(" ", plugins(backend)),
            threads,
            retransmit.settings(),
            run + VICI_SOCKET,
            run + ERROR_NOTIFY_SOCKET,
            run + LOG,
            logLevel);
  }
}
