package org.nsvpn.agentplugin.datapath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.Ipv4Address;

/**
 * This host's end of the overlay: the JDK's UDP channels on the tunnel address. One channel, bound
 * to the VXLAN port, receives; a few more, bound to ephemeral ports, send, and a frame's {@link
 * FlowHash} picks the one it leaves by, so that the outer source port follows the inner flow (RFC
 * 7348 asks for a hash of the inner headers there; the kernel chooses the port numbers).
 *
 * <p>{@link #receive} blocks and is meant for one thread; {@link #send} may be called from another.
 * {@link #close()} releases a thread blocked in {@link #receive} (it then throws).
 */
public final class Underlay implements AutoCloseable {
  /** Sending channels: distinct source ports for flow spreading, few enough to cost nothing. */
  static final int SENDERS = 8;

  private static final int SOCKET_BUFFER = 4 << 20;

  private final Ipv4Address address;
  private final int port;
  private final DatagramChannel receiver;
  private final List<DatagramChannel> senders;

  private Underlay(
      Ipv4Address address, int port, DatagramChannel receiver, List<DatagramChannel> senders) {
    this.address = address;
    this.port = port;
    this.receiver = receiver;
    this.senders = senders;
  }

  /**
   * Binds the channels on {@code address} (which must be an address of this host's network
   * namespace).
   *
   * @throws InvalidValueException when the port is out of range
   * @throws UncheckedIOException naming the address when a channel cannot be bound
   */
  public static Underlay open(Ipv4Address address, int port) {
    if (port < 1 || port > 65535) {
      throw new InvalidValueException("overlay port", port, "must be 1..65535");
    }
    List<DatagramChannel> opened = new ArrayList<>();
    try {
      InetAddress local = inet(address);
      DatagramChannel receiver = DatagramChannel.open(StandardProtocolFamily.INET);
      opened.add(receiver);
      receiver.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
      receiver.bind(new InetSocketAddress(local, port));
      List<DatagramChannel> senders = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET);
        opened.add(sender);
        sender.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
        sender.configureBlocking(false);
        sender.bind(new InetSocketAddress(local, 0));
        senders.add(sender);
      }
      return new Underlay(address, port, receiver, List.copyOf(senders));
    } catch (IOException e) {
      for (DatagramChannel channel : opened) {
        closeQuietly(channel);
      }
      throw new UncheckedIOException(
          "cannot bind the overlay's UDP sockets on "
              + address
              + ":"
              + port
              + ": "
              + e.getMessage(),
          e);
    }
  }

  public Ipv4Address address() {
    return address;
  }

  public int port() {
    return port;
  }

  /** Where a host with tunnel address {@code host} receives. */
  InetSocketAddress peer(Ipv4Address host) {
    return new InetSocketAddress(inet(host), port);
  }

  /**
   * Sends one packet (its remaining bytes) to {@code peer} by the sender {@code flowHash} picks.
   *
   * @return false when the socket buffer is full (the packet is dropped)
   * @throws IOException when the kernel refuses it (unreachable, too big for the path)
   */
  boolean send(ByteBuffer packet, InetSocketAddress peer, int flowHash) throws IOException {
    DatagramChannel sender = senders.get(Math.floorMod(flowHash, senders.size()));
    return sender.send(packet, peer) > 0;
  }

  /**
   * Waits for a packet, puts its payload into {@code into} (cleared first, flipped after) and
   * returns its source.
   */
  SocketAddress receive(ByteBuffer into) throws IOException {
    into.clear();
    SocketAddress from = receiver.receive(into);
    into.flip();
    return from;
  }

  @Override
  public void close() {
    closeQuietly(receiver);
    senders.forEach(Underlay::closeQuietly);
  }

  private static InetAddress inet(Ipv4Address address) {
    try {
      return InetAddress.getByAddress(address.toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static void closeQuietly(DatagramChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a UDP channel has nothing to flush; there is nothing to report.
    }
  }

  @Override
  public String toString() {
    return "underlay " + address + ":" + port;
  }
}
