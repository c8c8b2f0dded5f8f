package org.nsvpn.namespacemanager.ffi;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/**
 * The libc functions used, as jnr-ffi binds them. Public only because jnr-ffi generates the
 * implementation in its own class loader; call {@link Syscalls} instead, which checks results.
 */
public interface LibC {
  @SaveError
  int socket(int domain, int type, int protocol);

  @SaveError
  int bind(int fd, Pointer address, int addressLength);

  @SaveError
  int getsockname(int fd, Pointer address, Pointer addressLength);

  @SaveError
  int setsockopt(int fd, int level, int option, Pointer value, int valueLength);

  @SaveError
  @ssize_t
  long sendto(
      int fd, Pointer buffer, @size_t long length, int flags, Pointer address, int addressLength);

  @SaveError
  @ssize_t
  long recvmsg(int fd, Pointer message, int flags);

  @SaveError
  @ssize_t
  long recv(int fd, Pointer buffer, @size_t long length, int flags);

  @SaveError
  @ssize_t
  long send(int fd, Pointer buffer, @size_t long length, int flags);

  @SaveError
  int recvmmsg(int fd, Pointer messages, int count, int flags, Pointer timeout);

  @SaveError
  int sendmmsg(int fd, Pointer messages, int count, int flags);

  @SaveError
  int ioctl(int fd, @u_int64_t long request, Pointer argument);

  @SaveError
  int poll(Pointer fds, @u_int64_t long count, int timeoutMillis);

  @SaveError
  int eventfd(int initialValue, int flags);

  /** syscall(2) with two arguments, for calls glibc 2.36 has no wrapper for (pidfd_open). */
  @SaveError
  long syscall(long number, long first, long second);

  @SaveError
  @ssize_t
  long write(int fd, Pointer buffer, @size_t long length);

  @SaveError
  @ssize_t
  long read(int fd, Pointer buffer, @size_t long length);

  @SaveError
  int if_nametoindex(String name);

  @SaveError
  int close(int fd);

  @SaveError
  int setns(int fd, int namespaceType);

  @SaveError
  int unshare(int flags);

  @SaveError
  int mount(String source, String target, String fsType, @size_t long flags, String data);

  @SaveError
  int umount2(String target, int flags);

  /** Variadic in C; passing the mode always is what the x86-64 and arm64 ABIs expect. */
  @SaveError
  int open(String path, int flags, int mode);

  @SaveError
  int statfs(String path, Pointer buffer);

  @IgnoreError
  int gettid();

  /** Returns 0 or an error number (posix_spawn does not set errno). */
  @IgnoreError
  int posix_spawn(
      Pointer pid,
      String path,
      Pointer fileActions,
      Pointer attributes,
      Pointer argv,
      Pointer envp);

  @IgnoreError
  int posix_spawn_file_actions_init(Pointer actions);

  @IgnoreError
  int posix_spawn_file_actions_destroy(Pointer actions);

  @IgnoreError
  int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

  @IgnoreError
  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  @IgnoreError
  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  @IgnoreError
  int posix_spawnattr_init(Pointer attributes);

  @IgnoreError
  int posix_spawnattr_destroy(Pointer attributes);

  @IgnoreError
  int posix_spawnattr_setflags(Pointer attributes, short flags);

  @IgnoreError
  int posix_spawnattr_setsigmask(Pointer attributes, Pointer signals);

  @IgnoreError
  int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

  @IgnoreError
  int sigemptyset(Pointer signals);

  @IgnoreError
  int sigfillset(Pointer signals);

  @SaveError
  int waitpid(int pid, Pointer status, int options);

  @IgnoreError
  String strerror(int errno);
}
