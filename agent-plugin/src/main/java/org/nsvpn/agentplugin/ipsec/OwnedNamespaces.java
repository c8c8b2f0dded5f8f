package org.nsvpn.agentplugin.ipsec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.id.VpnServiceId;

/**
 * The VPN namespaces this agent created, as one empty marker file per VPN service (named by its id)
 * in the agent's run directory. Orphan removal at start-up only ever touches namespaces marked
 * here, so an agent never removes a namespace it did not create (another agent's on the same
 * machine, a test's, an operator's). The directory lives on the same kind of storage as the
 * namespaces themselves ({@code /run}), so both vanish together on reboot.
 *
 * <p>A namespace is marked before it is created and unmarked only after it is removed: a crash in
 * between leaves a mark without a namespace (harmless), never a namespace without a mark.
 */
final class OwnedNamespaces {
  private final Path directory;

  OwnedNamespaces(Path directory) {
    this.directory = directory;
  }

  /** Records that this agent is about to create (or keeps) the namespace of {@code service}. */
  void mark(VpnServiceId service) {
    try {
      Files.createDirectories(directory);
      Path marker = marker(service);
      if (!Files.exists(marker)) {
        Files.createFile(marker);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mark namespace of " + service + " as owned", e);
    }
  }

  /** Forgets the namespace of {@code service}, which must already be removed. */
  void unmark(VpnServiceId service) {
    try {
      Files.deleteIfExists(marker(service));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unmark namespace of " + service, e);
    }
  }

  /** The services whose namespaces this agent created and has not removed. */
  List<VpnServiceId> list() {
    List<VpnServiceId> out = new ArrayList<>();
    try (Stream<Path> markers = Files.list(directory)) {
      for (Path marker : (Iterable<Path>) markers::iterator) {
        try {
          out.add(VpnServiceId.parse(marker.getFileName().toString()));
        } catch (InvalidValueException e) {
          // Not a marker of ours (nothing else is written here); leave it alone.
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
    return out;
  }

  /** The marker's name is the service id, never a name taken from the system. */
  private Path marker(VpnServiceId service) {
    return directory.resolve(service.toString());
  }
}
