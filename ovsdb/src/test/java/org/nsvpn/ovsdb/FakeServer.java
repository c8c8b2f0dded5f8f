package org.nsvpn.ovsdb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;
import org.nsvpn.ovsdb.wire.OvsdbJson;

/**
 * A scripted peer on a loopback TCP port: the test accepts the client's connections, reads its
 * requests as JSON trees and writes whatever bytes it likes back, malformed or not.
 */
final class FakeServer implements AutoCloseable {
  private final ServerSocket socket;
  private final BlockingQueue<Peer> accepted = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  FakeServer() throws IOException {
    socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  accepted.add(new Peer(socket.accept()));
                } catch (IOException e) {
                  return;
                }
              }
            },
            "fake-ovsdb-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  OvsdbEndpoint endpoint() {
    return new OvsdbEndpoint.Tcp("127.0.0.1", socket.getLocalPort());
  }

  /** The next connection from the client, within 10 s. */
  Peer accept() throws InterruptedException {
    Peer p = accepted.poll(10, TimeUnit.SECONDS);
    if (p == null) {
      throw new AssertionError("the client did not connect within 10 s");
    }
    return p;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Peer p : accepted) {
      p.close();
    }
  }

  /** One accepted connection. */
  static final class Peer implements AutoCloseable {
    private final Socket socket;
    private JsonParser parser;
    private final OutputStream out;

    Peer(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(10_000);
      this.out = socket.getOutputStream();
    }

    /** The next JSON value the client sent (blocks up to 10 s). */
    JsonNode read() throws IOException {
      if (parser == null) {
        // Created on first use: Jackson reads ahead to detect the encoding.
        parser = OvsdbJson.MAPPER.getFactory().createParser(socket.getInputStream());
      }
      if (parser.nextToken() == null) {
        throw new IOException("client closed the connection");
      }
      return OvsdbJson.MAPPER.readTree(parser);
    }

    /** The next request, skipping keepalive echo probes. */
    JsonNode readRequest() throws IOException {
      while (true) {
        JsonNode n = read();
        if (!n.path("id").asText().equals("nsvpn-echo-probe")) {
          return n;
        }
      }
    }

    void send(String raw) {
      try {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A successful reply to {@code request} with {@code resultJson}. */
    void reply(JsonNode request, String resultJson) {
      send("{\"id\":" + request.get("id") + ",\"result\":" + resultJson + ",\"error\":null}");
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
