package org.nsvpn.strongswan;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.nsvpn.chainrules.net.IpAddress;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;
import org.nsvpn.namespacemanager.xfrm.TransformUnsupportedException;
import org.nsvpn.namespacemanager.xfrm.Xfrm;
import org.nsvpn.namespacemanager.xfrm.XfrmAlgorithm;
import org.nsvpn.namespacemanager.xfrm.XfrmConstants;
import org.nsvpn.namespacemanager.xfrm.XfrmState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out whether the kernel can carry ESP: installs a throw-away ESP state in a scratch
 * namespace of its own (deleted again right away) and looks at the answer.
 */
final class BackendProbe {
  private static final Logger log = LoggerFactory.getLogger(BackendProbe.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private BackendProbe() {}

  static Backend probe(NetworkNamespaces namespaces) {
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    String scratch = "nsvpn-probe-" + HexFormat.of().formatHex(suffix);
    try {
      Backend backend =
          namespaces.create(
              scratch,
              () -> {
                try (Xfrm xfrm = Xfrm.open()) {
                  xfrm.addState(
                      XfrmState.manual(
                          IpAddress.parse("192.0.2.1"),
                          IpAddress.parse("192.0.2.2"),
                          0x100,
                          XfrmConstants.IPPROTO_ESP,
                          XfrmConstants.XFRM_MODE_TUNNEL,
                          1,
                          List.of(
                              XfrmAlgorithm.encryption("cbc(aes)", new byte[16]),
                              XfrmAlgorithm.authentication("hmac(sha256)", new byte[32], 128))));
                  return Backend.KERNEL_NETLINK;
                } catch (TransformUnsupportedException e) {
                  log.info(
                      "{}: charon will carry ESP in user space (kernel-libipsec)", e.getMessage());
                  return Backend.KERNEL_LIBIPSEC;
                }
              });
      log.info("IPsec backend: {}", backend.text());
      return backend;
    } finally {
      namespaces.delete(scratch);
    }
  }
}
