package org.nsvpn.namespacemanager.packet;

import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.namespacemanager.ffi.NativeBuffer;
import org.nsvpn.namespacemanager.ffi.Syscalls;

/**
 * Turns off the transmit offloads of an interface (checksum, TCP segmentation, generic
 * segmentation), as {@code ethtool -K IF tx off tso off gso off} would, through the SIOCETHTOOL
 * ioctl in the calling thread's network namespace. Run it inside {@link
 * org.nsvpn.namespacemanager.netns.NetworkNamespaces#run} for an interface of another namespace.
 *
 * <p>Needed on the interfaces whose frames a userspace datapath reads (see the package comment).
 * Idempotent.
 */
public final class InterfaceOffloads {
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final long SIOCETHTOOL = 0x8946;

  /** linux/ethtool.h: the legacy per-feature setters, still honoured by current kernels. */
  private static final int ETHTOOL_STXCSUM = 0x17;

  private static final int ETHTOOL_STSO = 0x1f;
  private static final int ETHTOOL_SGSO = 0x24;

  /** struct ifreq: name[16] then a union whose ifr_data pointer we use; 40 bytes on 64-bit. */
  private static final int IFREQ_SIZE = 40;

  private InterfaceOffloads() {}

  /**
   * Disables transmit checksum, TSO and GSO offload on {@code interfaceName}.
   *
   * @throws org.nsvpn.namespacemanager.ffi.SystemCallException when the interface does not exist or
   *     refuses
   */
  public static void disableTransmitOffloads(String interfaceName) {
    HostBinding.requireInterfaceName("interface", interfaceName);
    int fd = Syscalls.socket(AF_INET, SOCK_DGRAM | Syscalls.SOCK_CLOEXEC, 0);
    try {
      set(fd, interfaceName, ETHTOOL_STXCSUM, "ETHTOOL_STXCSUM");
      set(fd, interfaceName, ETHTOOL_STSO, "ETHTOOL_STSO");
      set(fd, interfaceName, ETHTOOL_SGSO, "ETHTOOL_SGSO");
    } finally {
      Syscalls.close(fd);
    }
  }

  private static void set(int fd, String interfaceName, int command, String commandName) {
    NativeBuffer value = NativeBuffer.allocate(8); // struct ethtool_value { u32 cmd; u32 data; }
    value.putInt(0, command);
    value.putInt(4, 0);
    NativeBuffer request = NativeBuffer.allocate(IFREQ_SIZE);
    byte[] name = interfaceName.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    request.put(0, name, 0, name.length);
    request.putAddress(16, value);
    Syscalls.ioctl(
        fd, SIOCETHTOOL, request, "SIOCETHTOOL " + commandName + " off on " + interfaceName);
  }
}
