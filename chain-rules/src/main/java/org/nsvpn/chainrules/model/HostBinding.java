package org.nsvpn.chainrules.model;

import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.HostId;

/**
 * Binds an exterior port to a network interface of a host: frames on that interface enter the
 * virtual network at the port and frames leaving by the port go out of it.
 *
 * @param interfaceName a Linux interface name: 1-15 characters of letters, digits, '_', '.', '-',
 *     not "." or ".." (the kernel also forbids '/', ':' and whitespace; we are stricter)
 */
public record HostBinding(HostId host, String interfaceName) {
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  public HostBinding {
    Require.nonNull("host", host);
    requireInterfaceName("interface", interfaceName);
  }

  /** Validates a Linux interface name (see the record comment). */
  public static String requireInterfaceName(String field, String name) {
    if (name == null || !IFNAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new InvalidValueException(
          field,
          String.valueOf(name),
          "must be a Linux interface name: 1-15 characters of letters, digits, '_', '.', '-'");
    }
    return name;
  }
}
