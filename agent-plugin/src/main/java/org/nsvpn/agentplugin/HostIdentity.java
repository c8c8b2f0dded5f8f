package org.nsvpn.agentplugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.nsvpn.chainrules.id.HostId;

/**
 * Who this host is: its id in the topology (configured, or kept in a file created on first start so
 * it survives restarts) and the name of its Host object.
 */
record HostIdentity(HostId id, String name) {

  static HostIdentity of(AgentConfig config) {
    HostId id = config.hostId().orElseGet(() -> fromFile(config.hostIdFile()));
    String name = config.hostName().orElseGet(HostIdentity::machineName);
    return new HostIdentity(id, objectName(name));
  }

  /**
   * This host's identity as the agent created it: for nsvpn-datapath, which must follow the same
   * host and never invent one.
   *
   * @throws IllegalStateException when neither a configured id nor the id file exists yet
   */
  static HostIdentity existing(AgentConfig config) {
    if (config.hostId().isEmpty() && !Files.exists(config.hostIdFile())) {
      throw new IllegalStateException(
          "no host id yet: "
              + config.hostIdFile()
              + " is missing; start nsvpn-agent first (it creates the file) or set"
              + " nsvpn.agent.host-id");
    }
    return of(config);
  }

  private static HostId fromFile(Path file) {
    try {
      if (Files.exists(file)) {
        return HostId.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
      }
      Files.createDirectories(file.getParent());
      HostId id = HostId.random();
      // Written aside and renamed into place: a reader (or a crash) never sees a half-written id.
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.writeString(partial, id + "\n", StandardCharsets.US_ASCII);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the host id file " + file, e);
    }
  }

  private static String machineName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "host";
    }
  }

  /** A valid object name derived from a host name: other characters become '-', at most 63. */
  static String objectName(String hostName) {
    String cleaned = hostName.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    if (cleaned.isEmpty()) {
      cleaned = "host";
    }
    return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
  }
}
