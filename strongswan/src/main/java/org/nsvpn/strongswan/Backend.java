package org.nsvpn.strongswan;

import java.util.List;
import org.nsvpn.chainrules.TextEnum;

/** Where charon's child SAs carry ESP. */
public enum Backend implements TextEnum {
  /** The kernel's XFRM: fast; needs a kernel with the ESP transform. */
  KERNEL_NETLINK("kernel-netlink", List.of("kernel-netlink")),
  /**
   * ESP in user space through a TUN device (strongSwan's libipsec), for kernels without ESP.
   * Carries only ESP in tunnel mode and only UDP-encapsulated, so nsvpn forces {@code encap}. Its
   * trap policies drop unmatched traffic but never trigger IKE, so connections are initiated
   * explicitly. kernel-netlink is still loaded after it, for addresses and routes.
   */
  KERNEL_LIBIPSEC("kernel-libipsec", List.of("kernel-libipsec", "kernel-netlink"));

  private final String text;
  private final List<String> plugins;

  Backend(String text, List<String> plugins) {
    this.text = text;
    this.plugins = plugins;
  }

  @Override
  public String text() {
    return text;
  }

  /** The charon plugins that make this backend, in load order (the first IPsec one wins). */
  public List<String> plugins() {
    return plugins;
  }

  public static Backend parse(String field, String text) {
    return TextEnum.parse(Backend.class, field, text);
  }
}
