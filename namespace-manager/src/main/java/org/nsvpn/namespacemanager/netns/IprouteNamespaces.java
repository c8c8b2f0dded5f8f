package org.nsvpn.namespacemanager.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.vpn.NamespaceSpec;
import org.nsvpn.namespacemanager.ffi.Errno;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.nsvpn.namespacemanager.ffi.SystemCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link NetworkNamespaces} the way iproute2's {@code ip netns} keeps them. */
final class IprouteNamespaces implements NetworkNamespaces {
  private static final Logger log = LoggerFactory.getLogger(IprouteNamespaces.class);

  static final IprouteNamespaces SYSTEM = new IprouteNamespaces(Path.of("/run/netns"));

  private final Path directory;
  private final Object directoryLock = new Object();
  private volatile NamespaceWorkers workers;
  private volatile boolean directoryPrepared;

  IprouteNamespaces(Path directory) {
    this.directory = directory;
  }

  /** Created on first use: opening the home namespace needs the native library. */
  private NamespaceWorkers workers() {
    NamespaceWorkers w = workers;
    if (w == null) {
      synchronized (this) {
        if (workers == null) {
          workers = new NamespaceWorkers();
        }
        w = workers;
      }
    }
    return w;
  }

  @Override
  public Path directory() {
    return directory;
  }

  @Override
  public Path path(String name) {
    return directory.resolve(NamespaceSpec.requireNamespaceName(name));
  }

  @Override
  public boolean exists(String name) {
    OptionalLong type = Syscalls.fileSystemType(path(name));
    return type.isPresent() && type.getAsLong() == Syscalls.NSFS_MAGIC;
  }

  @Override
  public List<String> list() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(IprouteNamespaces::isValidName)
          .filter(this::exists)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + directory, e);
    }
  }

  private static boolean isValidName(String name) {
    try {
      NamespaceSpec.requireNamespaceName(name);
      return true;
    } catch (InvalidValueException e) {
      return false;
    }
  }

  @Override
  public <T> T create(String name, NamespaceTask<T> task) {
    Path path = path(name);
    prepareDirectory();
    createMountPoint(name, path);
    return workers()
        .call(
            () -> {
              try {
                Syscalls.unshare(Syscalls.CLONE_NEWNET);
                Syscalls.mount(
                    "/proc/self/task/" + Syscalls.gettid() + "/ns/net",
                    path,
                    "none",
                    Syscalls.MS_BIND,
                    "MS_BIND");
              } catch (RuntimeException e) {
                deleteQuietly(path, e);
                throw e;
              }
              log.debug("created network namespace {}", name);
            },
            () -> {
              try {
                return task.run();
              } catch (RuntimeException | Error e) {
                log.debug("task in new namespace {} failed; deleting it", name);
                deleteQuietly(path, e);
                throw e;
              }
            });
  }

  @Override
  public <T> T run(String name, NamespaceTask<T> task) {
    Path path = path(name);
    if (!exists(name)) {
      throw new NoSuchNamespaceException(name);
    }
    int fd;
    try {
      fd = Syscalls.open(path, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC, 0);
    } catch (SystemCallException e) {
      if (e.errno() == Errno.ENOENT) {
        throw new NoSuchNamespaceException(name);
      }
      throw e;
    }
    return workers()
        .call(
            () -> {
              try {
                Syscalls.setns(fd, Syscalls.CLONE_NEWNET, path.toString());
              } finally {
                Syscalls.close(fd);
              }
            },
            task);
  }

  @Override
  public boolean delete(String name) {
    return delete(path(name));
  }

  private static boolean delete(Path path) {
    int errno = Syscalls.umount2(path, Syscalls.MNT_DETACH);
    if (errno != 0 && errno != Errno.EINVAL && errno != Errno.ENOENT) {
      throw new SystemCallException("umount2(" + path + ", MNT_DETACH)", errno);
    }
    try {
      return Files.deleteIfExists(path) || errno == 0;
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + path, e);
    }
  }

  private static void deleteQuietly(Path path, Throwable cause) {
    try {
      delete(path);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Makes {@code /run/netns} exist and be a shared mount, as {@code ip netns add} does: try to make
   * it shared; if it is not a mount point yet (EINVAL), bind-mount it onto itself and try again.
   * Done once per process: making it shared again is recursive over every namespace mounted there.
   */
  @Override
  public AutoCloseable watchRemovals(java.util.function.Consumer<String> removed) {
    prepareDirectory();
    return RemovalWatch.start(directory, removed);
  }

  private void prepareDirectory() {
    if (directoryPrepared) {
      return;
    }
    synchronized (directoryLock) {
      if (directoryPrepared) {
        return;
      }
      try {
        if (!Files.isDirectory(directory)) {
          Files.createDirectories(
              directory,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("creating " + directory, e);
      }
      boolean bound = false;
      while (true) {
        int errno =
            Syscalls.tryMount("none", directory, "none", Syscalls.MS_SHARED | Syscalls.MS_REC);
        if (errno == 0) {
          directoryPrepared = true;
          return;
        }
        if (errno != Errno.EINVAL || bound) {
          throw new SystemCallException(
              "mount(none, " + directory + ", none, MS_SHARED|MS_REC)", errno);
        }
        Syscalls.mount(
            directory.toString(),
            directory,
            "none",
            Syscalls.MS_BIND | Syscalls.MS_REC,
            "MS_BIND|MS_REC");
        bound = true;
      }
    }
  }

  /** Creates the empty file the namespace is bound onto; it must not exist. */
  private static void createMountPoint(String name, Path path) {
    int fd;
    try {
      fd =
          Syscalls.open(
              path, Syscalls.O_RDONLY | Syscalls.O_CREAT | Syscalls.O_EXCL | Syscalls.O_CLOEXEC, 0);
    } catch (SystemCallException e) {
      if (e.errno() == Errno.EEXIST) {
        throw new NamespaceExistsException(name);
      }
      throw e;
    }
    Syscalls.close(fd);
  }
}
