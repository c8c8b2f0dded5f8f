package org.nsvpn.ovsdb.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an ovsdb-server listens: a unix socket ({@code unix:PATH}) or TCP ({@code tcp:HOST:PORT}),
 * spelled as {@code ovsdb-client} spells them.
 */
public sealed interface OvsdbEndpoint {

  /** Parses {@code unix:PATH} or {@code tcp:HOST:PORT} ({@code tcp:[IPv6]:PORT} for IPv6). */
  static OvsdbEndpoint parse(String text) {
    Objects.requireNonNull(text, "endpoint");
    if (text.startsWith("unix:") && text.length() > 5) {
      return new Unix(Path.of(text.substring(5)));
    }
    if (text.startsWith("tcp:")) {
      String rest = text.substring(4);
      int colon = rest.lastIndexOf(':');
      if (colon > 0) {
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        try {
          return new Tcp(host, Integer.parseInt(rest.substring(colon + 1)));
        } catch (NumberFormatException e) {
          // fall through to the error below
        }
      }
    }
    throw new IllegalArgumentException(
        "endpoint: invalid value '" + text + "': expected unix:PATH or tcp:HOST:PORT");
  }

  /** A unix domain socket, such as ovsdb-server's {@code --remote=punix:PATH}. */
  record Unix(Path path) implements OvsdbEndpoint {
    public Unix {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  /** A TCP address, such as ovsdb-server's {@code --remote=ptcp:PORT:IP}. */
  record Tcp(String host, int port) implements OvsdbEndpoint {
    public Tcp {
      Objects.requireNonNull(host, "host");
      if (host.isEmpty()) {
        throw new IllegalArgumentException("host: invalid value '': must not be empty");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port: invalid value '" + port + "': must be 1..65535");
      }
    }

    @Override
    public String toString() {
      return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
