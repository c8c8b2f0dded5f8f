package org.nsvpn.namespacemanager.ffi;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.NativeType;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Typed wrappers of the libc calls in {@link LibC}: arguments in, results out, failures as {@link
 * SystemCallException}. {@code EINTR} is retried where the call is safe to repeat.
 *
 * <p>Thread affinity matters for {@link #setns} and {@link #unshare}: they change the namespace of
 * the calling thread only. Only the {@code netns} package's namespace workers call them (and always
 * move back, or end) and the strongSwan launcher's dedicated thread (which ends after spawning
 * charon); no application thread is ever moved.
 */
public final class Syscalls {
  public static final int AF_NETLINK = 16;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_RCVTIMEO = 20;

  public static final int O_RDONLY = 0;
  public static final int O_CREAT = 0x40;
  public static final int O_EXCL = 0x80;
  public static final int O_CLOEXEC = 0x80000;

  public static final int CLONE_NEWNS = 0x00020000;
  public static final int CLONE_NEWNET = 0x40000000;

  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final long MS_PRIVATE = 1 << 18;
  public static final long MS_SLAVE = 1 << 19;
  public static final long MS_SHARED = 1 << 20;
  public static final int MNT_DETACH = 2;

  /** {@code f_type} of an nsfs file (a namespace bind-mounted somewhere). */
  public static final long NSFS_MAGIC = 0x6e736673L;

  private static final int ENOTDIR = 20;
  private static final int MSG_TRUNC = 0x20;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int EFD_NONBLOCK = 0x800;
  private static final int EFD_CLOEXEC = 0x80000;
  private static final int SOCKADDR_NL_SIZE = 12;
  private static final int MSGHDR_SIZE = 56;
  private static final int IOVEC_SIZE = 16;
  private static final int STATFS_SIZE = 256;

  private Syscalls() {}

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  }

  static Runtime runtime() {
    return Holder.RUNTIME;
  }

  private static LibC libc() {
    return Holder.LIBC;
  }

  private static int errno() {
    return LastError.getLastError(Holder.RUNTIME);
  }

  /** The C library's description of an errno value, e.g. "File exists". */
  static String describe(int errno) {
    try {
      String text = libc().strerror(errno);
      return text == null ? "unknown error" : text;
    } catch (RuntimeException | LinkageError e) {
      return "unknown error";
    }
  }

  /** socket(2): returns the new file descriptor. */
  public static int socket(int domain, int type, int protocol) {
    int fd = libc().socket(domain, type, protocol);
    if (fd < 0) {
      throw new SystemCallException(
          "socket(" + domain + ", " + type + ", " + protocol + ")", errno());
    }
    return fd;
  }

  /** bind(2) of a netlink socket with {@code nl_pid = 0}: the kernel assigns the port id. */
  public static void bindNetlink(int fd) {
    Pointer address = Memory.allocateDirect(runtime(), SOCKADDR_NL_SIZE, true);
    address.putShort(0, (short) AF_NETLINK);
    if (libc().bind(fd, address, SOCKADDR_NL_SIZE) < 0) {
      throw new SystemCallException("bind(netlink fd " + fd + ")", errno());
    }
  }

  /** bind(2) to the socket address in {@code address}; {@code what} names it in an error. */
  public static void bind(int fd, NativeBuffer address, int length, String what) {
    if (libc().bind(fd, address.pointer(), length) < 0) {
      throw new SystemCallException("bind(fd " + fd + ", " + what + ")", errno());
    }
  }

  /** getsockname(2) of a netlink socket: the port id the kernel assigned. */
  public static int netlinkPortId(int fd) {
    Pointer address = Memory.allocateDirect(runtime(), SOCKADDR_NL_SIZE, true);
    Pointer length = Memory.allocateDirect(runtime(), 4, true);
    length.putInt(0, SOCKADDR_NL_SIZE);
    if (libc().getsockname(fd, address, length) < 0) {
      throw new SystemCallException("getsockname(netlink fd " + fd + ")", errno());
    }
    return address.getInt(4);
  }

  /** setsockopt(2) with an {@code int} value. */
  public static void setsockopt(int fd, int level, int option, int value) {
    Pointer buffer = Memory.allocateDirect(runtime(), 4, true);
    buffer.putInt(0, value);
    if (libc().setsockopt(fd, level, option, buffer, 4) < 0) {
      throw new SystemCallException(
          "setsockopt(fd " + fd + ", " + level + ", " + option + ", " + value + ")", errno());
    }
  }

  /** setsockopt(2) with a struct value held in {@code value}. */
  public static void setsockopt(int fd, int level, int option, NativeBuffer value, int length) {
    if (libc().setsockopt(fd, level, option, value.pointer(), length) < 0) {
      throw new SystemCallException(
          "setsockopt(fd " + fd + ", " + level + ", " + option + ", " + length + " bytes)",
          errno());
    }
  }

  /** setsockopt(2) SO_RCVTIMEO: receives fail with EAGAIN after {@code millis}. */
  public static void setReceiveTimeout(int fd, long millis) {
    Pointer timeval = Memory.allocateDirect(runtime(), 16, true);
    timeval.putLong(0, millis / 1000);
    timeval.putLong(8, (millis % 1000) * 1000);
    if (libc().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) < 0) {
      throw new SystemCallException("setsockopt(fd " + fd + ", SO_RCVTIMEO)", errno());
    }
  }

  /** sendto(2) of the first {@code length} bytes of {@code buffer} to the kernel (port id 0). */
  public static void sendToKernel(int fd, NativeBuffer buffer, int length) {
    Pointer address = Memory.allocateDirect(runtime(), SOCKADDR_NL_SIZE, true);
    address.putShort(0, (short) AF_NETLINK);
    while (true) {
      long sent = libc().sendto(fd, buffer.pointer(), length, 0, address, SOCKADDR_NL_SIZE);
      if (sent >= 0) {
        if (sent != length) {
          throw new SystemCallException(
              "sendto(netlink fd " + fd + ", " + length + " bytes) sent " + sent, Errno.EAGAIN);
        }
        return;
      }
      int errno = errno();
      if (errno != Errno.EINTR) {
        throw new SystemCallException("sendto(netlink fd " + fd + ", " + length + " bytes)", errno);
      }
    }
  }

  /**
   * recvmsg(2) of one datagram into {@code buffer}; returns its length. A datagram larger than the
   * buffer is an error ({@code MSG_TRUNC}), never silently cut.
   */
  public static int receive(int fd, NativeBuffer buffer) {
    Pointer iovec = Memory.allocateDirect(runtime(), IOVEC_SIZE, true);
    iovec.putAddress(0, buffer.pointer().address());
    iovec.putLong(8, buffer.capacity());
    Pointer header = Memory.allocateDirect(runtime(), MSGHDR_SIZE, true);
    header.putAddress(16, iovec.address());
    header.putLong(24, 1);
    while (true) {
      long received = libc().recvmsg(fd, header, 0);
      if (received >= 0) {
        if ((header.getInt(48) & MSG_TRUNC) != 0) {
          throw new SystemCallException(
              "recvmsg(netlink fd " + fd + ") datagram larger than " + buffer.capacity(),
              Errno.ENOBUFS);
        }
        return (int) received;
      }
      int errno = errno();
      if (errno != Errno.EINTR) {
        throw new SystemCallException("recvmsg(netlink fd " + fd + ")", errno);
      }
    }
  }

  /**
   * recv(2) of one datagram with {@code MSG_TRUNC}: returns the datagram's full length, which
   * exceeds {@code buffer.capacity()} when it did not fit (only the first bytes were stored), or -1
   * when the receive timed out ({@code SO_RCVTIMEO}) or the socket is non-blocking and empty.
   */
  public static int receiveDatagram(int fd, NativeBuffer buffer) {
    return receiveDatagram(fd, buffer, false);
  }

  /**
   * {@link #receiveDatagram(int, NativeBuffer)}, or with {@code dontWait} its non-blocking form
   * ({@code MSG_DONTWAIT}): -1 at once when no datagram is queued.
   */
  public static int receiveDatagram(int fd, NativeBuffer buffer, boolean dontWait) {
    int flags = MSG_TRUNC | (dontWait ? MSG_DONTWAIT : 0);
    while (true) {
      long received = libc().recv(fd, buffer.pointer(), buffer.capacity(), flags);
      if (received >= 0) {
        return (int) received;
      }
      int errno = errno();
      if (errno == Errno.EAGAIN) {
        return -1;
      }
      if (errno != Errno.EINTR) {
        throw new SystemCallException("recv(fd " + fd + ")", errno);
      }
    }
  }

  /** send(2) of the first {@code length} bytes of {@code buffer} as one datagram. */
  public static void sendDatagram(int fd, NativeBuffer buffer, int length) {
    while (true) {
      long sent = libc().send(fd, buffer.pointer(), length, 0);
      if (sent >= 0) {
        return;
      }
      int errno = errno();
      if (errno != Errno.EINTR) {
        throw new SystemCallException("send(fd " + fd + ", " + length + " bytes)", errno);
      }
    }
  }

  /** Bytes of a {@code struct mmsghdr} on 64-bit Linux: a msghdr (56) and msg_len, padded. */
  public static final int MMSGHDR_SIZE = 64;

  /**
   * recvmmsg(2) without waiting ({@code MSG_DONTWAIT}) and with {@code MSG_TRUNC}, so that each
   * message's {@code msg_len} is its datagram's full length even when it did not fit: up to {@code
   * count} datagrams into the {@code struct mmsghdr} array in {@code messages}.
   *
   * @return how many were received; 0 when none was queued
   */
  public static int receiveMessagesNow(int fd, NativeBuffer messages, int count) {
    while (true) {
      int received = libc().recvmmsg(fd, messages.pointer(), count, MSG_TRUNC | MSG_DONTWAIT, null);
      if (received >= 0) {
        return received;
      }
      int errno = errno();
      if (errno == Errno.EAGAIN) {
        return 0;
      }
      if (errno != Errno.EINTR) {
        throw new SystemCallException("recvmmsg(fd " + fd + ", " + count + ")", errno);
      }
    }
  }

  /**
   * sendmmsg(2) of {@code count} messages of the {@code struct mmsghdr} array in {@code messages},
   * from entry {@code first}.
   *
   * @return how many the kernel took, from {@code first} on (at least 1), or minus the errno of the
   *     first one when it refused that one
   */
  public static int sendMessages(int fd, NativeBuffer messages, int first, int count) {
    while (true) {
      int sent =
          libc().sendmmsg(fd, messages.pointer().slice((long) first * MMSGHDR_SIZE), count, 0);
      if (sent > 0) {
        return sent;
      }
      int errno = sent == 0 ? Errno.EAGAIN : errno();
      if (errno != Errno.EINTR) {
        return -errno;
      }
    }
  }

  /**
   * poll(2) on {@code count} {@code struct pollfd} entries (8 bytes each: int fd, short events,
   * short revents) in {@code fds}; returns how many have events, 0 on timeout or when a signal
   * interrupted the wait.
   */
  public static int poll(NativeBuffer fds, int count, int timeoutMillis) {
    int ready = libc().poll(fds.pointer(), count, timeoutMillis);
    if (ready >= 0) {
      return ready;
    }
    int errno = errno();
    if (errno == Errno.EINTR) {
      return 0;
    }
    throw new SystemCallException("poll(" + count + " descriptors)", errno);
  }

  /** pidfd_open's number in the x86_64 and generic system call tables (Linux 5.3). */
  private static final long SYS_PIDFD_OPEN = 434;

  private static final int ESRCH = 3;

  /**
   * pidfd_open(2): a file descriptor that refers to process {@code pid} and becomes readable when
   * it exits, whoever its parent is.
   *
   * @return the descriptor (close-on-exec), or empty when no such process exists
   */
  public static OptionalInt pidfdOpen(long pid) {
    long fd = libc().syscall(SYS_PIDFD_OPEN, pid, 0);
    if (fd >= 0) {
      return OptionalInt.of((int) fd);
    }
    int errno = errno();
    if (errno == ESRCH) {
      return OptionalInt.empty();
    }
    throw new SystemCallException("pidfd_open(" + pid + ")", errno);
  }

  /** eventfd(2), non-blocking and close-on-exec: a counter that wakes a poll when written. */
  public static int eventFd() {
    int fd = libc().eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
      throw new SystemCallException("eventfd", errno());
    }
    return fd;
  }

  /** Adds {@code value} to an eventfd counter (never blocks: the counter does not overflow). */
  public static void signalEventFd(int fd, NativeBuffer eightBytes, long value) {
    eightBytes.putLong(0, value);
    if (libc().write(fd, eightBytes.pointer(), 8) < 0 && errno() != Errno.EAGAIN) {
      throw new SystemCallException("write(eventfd " + fd + ")", errno());
    }
  }

  /** Reads and resets an eventfd counter; 0 when it was already zero. */
  public static long drainEventFd(int fd, NativeBuffer eightBytes) {
    if (libc().read(fd, eightBytes.pointer(), 8) < 0) {
      int errno = errno();
      if (errno == Errno.EAGAIN) {
        return 0;
      }
      throw new SystemCallException("read(eventfd " + fd + ")", errno);
    }
    return eightBytes.getLong(0);
  }

  /** ioctl(2) with a pointer argument; {@code what} names the request in an error. */
  public static void ioctl(int fd, long request, NativeBuffer argument, String what) {
    if (libc().ioctl(fd, request, argument.pointer()) < 0) {
      throw new SystemCallException("ioctl(fd " + fd + ", " + what + ")", errno());
    }
  }

  /** if_nametoindex(3) in the calling thread's network namespace. */
  public static int interfaceIndex(String name) {
    int index = libc().if_nametoindex(name);
    if (index == 0) {
      throw new SystemCallException("if_nametoindex(" + name + ")", errno());
    }
    return index;
  }

  /** close(2). EINTR is not retried: on Linux the descriptor is released either way. */
  public static void close(int fd) {
    if (libc().close(fd) < 0) {
      int errno = errno();
      if (errno != Errno.EINTR) {
        throw new SystemCallException("close(" + fd + ")", errno);
      }
    }
  }

  /** open(2); returns the file descriptor. */
  public static int open(Path path, int flags, int mode) {
    while (true) {
      int fd = libc().open(path.toString(), flags, mode);
      if (fd >= 0) {
        return fd;
      }
      int errno = errno();
      if (errno != Errno.EINTR) {
        throw new SystemCallException(
            "open(" + path + ", 0x" + Integer.toHexString(flags) + ")", errno);
      }
    }
  }

  /** setns(2): moves the calling thread into the namespace {@code fd} refers to. */
  public static void setns(int fd, int namespaceType, String what) {
    if (libc().setns(fd, namespaceType) < 0) {
      throw new SystemCallException("setns(" + what + ", " + nsType(namespaceType) + ")", errno());
    }
  }

  /** unshare(2): gives the calling thread new namespaces of the given types. */
  public static void unshare(int flags) {
    if (libc().unshare(flags) < 0) {
      throw new SystemCallException("unshare(" + nsType(flags) + ")", errno());
    }
  }

  /** mount(2). {@code flagNames} is how the operation is named in an error. */
  public static void mount(
      String source, Path target, String fsType, long flags, String flagNames) {
    if (libc().mount(source, target.toString(), fsType, flags, null) < 0) {
      throw new SystemCallException(
          "mount(" + source + ", " + target + ", " + fsType + ", " + flagNames + ")", errno());
    }
  }

  /**
   * mount(2) that reports failure as an errno instead of an exception: 0 on success. For the one
   * place where a failure is an expected answer (is /run/netns a mount point yet?).
   */
  public static int tryMount(String source, Path target, String fsType, long flags) {
    return libc().mount(source, target.toString(), fsType, flags, null) < 0 ? errno() : 0;
  }

  /** umount2(2); returns 0, or the errno when it failed (callers decide what is an error). */
  public static int umount2(Path target, int flags) {
    return libc().umount2(target.toString(), flags) < 0 ? errno() : 0;
  }

  /**
   * statfs(2): the file system type ({@code f_type}) of the file system holding {@code path}, or
   * empty when the path does not exist.
   */
  public static OptionalLong fileSystemType(Path path) {
    Pointer buffer = Memory.allocateDirect(runtime(), STATFS_SIZE, true);
    if (libc().statfs(path.toString(), buffer) < 0) {
      int errno = errno();
      if (errno == Errno.ENOENT || errno == ENOTDIR) {
        return OptionalLong.empty();
      }
      throw new SystemCallException("statfs(" + path + ")", errno);
    }
    return OptionalLong.of(buffer.getLong(0));
  }

  private static final int O_WRONLY = 1;
  private static final int O_APPEND = 0x400;
  private static final int ECHILD = 10;
  private static final int WNOHANG = 1;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;

  /**
   * Larger than glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336), sigset_t.
   */
  private static final int SPAWN_STRUCT_SIZE = 512;

  /**
   * posix_spawn(3) of {@code argv[0]} with exactly {@code environment}, stdin from /dev/null and
   * stdout and stderr appended to {@code output} (created 0600), every other descriptor closed,
   * default signal handling, an empty signal mask and a session of its own (so signals aimed at the
   * caller's terminal or process group do not reach it). The child inherits the calling thread's
   * namespaces and file-system context. Unlike {@link ProcessBuilder}, no JDK reaper thread is
   * created by the calling thread, which matters when that thread is in foreign namespaces: threads
   * inherit the namespaces of the thread that creates them.
   *
   * <p>The child must be reaped with {@link #reap(long)} once it exited.
   *
   * @return the child's pid
   */
  public static long spawn(List<String> argv, List<String> environment, String output) {
    LibC c = libc();
    Runtime runtime = runtime();
    Pointer actions = Memory.allocateDirect(runtime, SPAWN_STRUCT_SIZE, true);
    Pointer attributes = Memory.allocateDirect(runtime, SPAWN_STRUCT_SIZE, true);
    Pointer signals = Memory.allocateDirect(runtime, SPAWN_STRUCT_SIZE, true);
    spawnCheck("posix_spawn_file_actions_init", c.posix_spawn_file_actions_init(actions));
    try {
      spawnCheck("posix_spawnattr_init", c.posix_spawnattr_init(attributes));
      try {
        spawnCheck(
            "addopen(/dev/null)",
            c.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0));
        spawnCheck(
            "addopen(" + output + ")",
            c.posix_spawn_file_actions_addopen(
                actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0600));
        spawnCheck("adddup2(1, 2)", c.posix_spawn_file_actions_adddup2(actions, 1, 2));
        spawnCheck("addclosefrom_np(3)", c.posix_spawn_file_actions_addclosefrom_np(actions, 3));
        c.sigemptyset(signals);
        spawnCheck("posix_spawnattr_setsigmask", c.posix_spawnattr_setsigmask(attributes, signals));
        c.sigfillset(signals);
        spawnCheck(
            "posix_spawnattr_setsigdefault", c.posix_spawnattr_setsigdefault(attributes, signals));
        spawnCheck(
            "posix_spawnattr_setflags",
            c.posix_spawnattr_setflags(
                attributes,
                (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID)));
        Pointer pid = Memory.allocateDirect(runtime, 4, true);
        List<Pointer> keep = new ArrayList<>();
        int error =
            c.posix_spawn(
                pid,
                argv.get(0),
                actions,
                attributes,
                stringArray(argv, keep),
                stringArray(environment, keep));
        Reference.reachabilityFence(keep);
        if (error != 0) {
          throw new SystemCallException("posix_spawn(" + argv.get(0) + ")", error);
        }
        return pid.getInt(0);
      } finally {
        c.posix_spawnattr_destroy(attributes);
      }
    } finally {
      c.posix_spawn_file_actions_destroy(actions);
    }
  }

  private static void spawnCheck(String what, int error) {
    if (error != 0) {
      throw new SystemCallException(what, error);
    }
  }

  /** A NULL-terminated {@code char *[]}; {@code keep} holds the strings' memory alive. */
  private static Pointer stringArray(List<String> strings, List<Pointer> keep) {
    Pointer array = Memory.allocateDirect(runtime(), (strings.size() + 1) * 8L, true);
    for (int i = 0; i < strings.size(); i++) {
      byte[] bytes = strings.get(i).getBytes(StandardCharsets.UTF_8);
      Pointer text = Memory.allocateDirect(runtime(), bytes.length + 1, true);
      text.put(0, bytes, 0, bytes.length);
      keep.add(text);
      array.putAddress(i * 8L, text.address());
    }
    keep.add(array);
    return array;
  }

  /**
   * waitpid(2) with WNOHANG: collects {@code pid} if it is a child of this process that exited.
   *
   * @return its wait status (exit code {@code status >> 8} when it exited normally, the signal in
   *     the low 7 bits when killed), or empty when it still runs or is not a child of this process
   */
  public static OptionalInt reap(long pid) {
    Pointer status = Memory.allocateDirect(runtime(), 4, true);
    while (true) {
      int result = libc().waitpid((int) pid, status, WNOHANG);
      if (result == pid) {
        return OptionalInt.of(status.getInt(0));
      }
      if (result == 0) {
        return OptionalInt.empty();
      }
      int errno = errno();
      if (errno == ECHILD) {
        return OptionalInt.empty();
      }
      if (errno != Errno.EINTR) {
        throw new SystemCallException("waitpid(" + pid + ")", errno);
      }
    }
  }

  /** A wait status in words: {@code status 1} or {@code signal 9}. */
  public static String describeWaitStatus(int status) {
    int signal = status & 0x7f;
    return signal == 0 ? "status " + ((status >> 8) & 0xff) : "signal " + signal;
  }

  /**
   * Makes jnr-ffi start its memory-cleaner thread now, from the calling thread, if it has not yet.
   * A thread inherits the namespaces of the thread that creates it, so call this from a thread in
   * the host's namespaces before another thread enters foreign ones and allocates native memory:
   * otherwise the cleaner, a thread for the life of the process, is born inside them.
   */
  public static void startHelperThreadsHere() {
    Pointer direct = Memory.allocateDirect(runtime(), 8, true);
    direct.putLong(0, 0);
    // Temporary memory (what jnr-ffi uses to pass some arguments) is what needs the cleaner.
    Pointer temporary = Memory.allocateTemporary(runtime(), NativeType.SLONG, true);
    temporary.putLong(0, 0);
  }

  /** gettid(2): the kernel's id of the calling thread. */
  public static int gettid() {
    return libc().gettid();
  }

  private static String nsType(int type) {
    if (type == CLONE_NEWNET) {
      return "CLONE_NEWNET";
    }
    if (type == CLONE_NEWNS) {
      return "CLONE_NEWNS";
    }
    return "0x" + Integer.toHexString(type);
  }
}
