package org.nsvpn.agentplugin.datapath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.nsvpn.namespacemanager.netns.NetworkNamespaces;

/**
 * A TCP transfer from one namespace to another through whatever joins them, checked end to end by
 * SHA-256: the sockets are created inside the namespaces (a socket stays in the namespace it was
 * created in) and driven from the test's threads.
 */
final class TcpTransfer {
  private TcpTransfer() {}

  /**
   * Sends {@code bytes} pseudo-random bytes from namespace {@code from} to {@code toAddress} in
   * namespace {@code to}.
   *
   * @return true when the receiver got exactly the bytes sent
   */
  static boolean run(
      NetworkNamespaces namespaces, String from, String to, String toAddress, int bytes)
      throws Exception {
    try (ServerSocketChannel server =
        namespaces.run(
            to,
            () -> {
              try {
                return ServerSocketChannel.open().bind(new InetSocketAddress(toAddress, 0));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })) {
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      CompletableFuture<byte[]> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (SocketChannel peer = server.accept()) {
                  MessageDigest digest = MessageDigest.getInstance("SHA-256");
                  ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                  while (peer.read(buffer.clear()) >= 0) {
                    digest.update(buffer.flip());
                  }
                  return digest.digest();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      MessageDigest sent = MessageDigest.getInstance("SHA-256");
      try (SocketChannel client =
          namespaces.run(
              from,
              () -> {
                try {
                  return SocketChannel.open();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })) {
        client.connect(new InetSocketAddress(toAddress, port));
        Random random = new Random(bytes);
        byte[] chunk = new byte[1 << 16];
        for (int left = bytes; left > 0; left -= chunk.length) {
          random.nextBytes(chunk);
          int n = Math.min(left, chunk.length);
          sent.update(chunk, 0, n);
          ByteBuffer out = ByteBuffer.wrap(chunk, 0, n);
          while (out.hasRemaining()) {
            client.write(out);
          }
        }
        client.shutdownOutput();
        return Arrays.equals(sent.digest(), received.get(30, TimeUnit.SECONDS));
      }
    }
  }
}
