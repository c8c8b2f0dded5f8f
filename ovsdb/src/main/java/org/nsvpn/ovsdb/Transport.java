package org.nsvpn.ovsdb;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;
import org.nsvpn.ovsdb.api.OvsdbConnectionException;
import org.nsvpn.ovsdb.api.OvsdbEndpoint;

/**
 * The Netty transport for an endpoint: native epoll when available (required for unix sockets), NIO
 * for TCP otherwise.
 */
record Transport(
    EventLoopGroup group, Class<? extends Channel> channelClass, SocketAddress address) {

  static Transport forEndpoint(OvsdbEndpoint endpoint, ThreadFactory threads) {
    boolean epoll = Epoll.isAvailable();
    if (endpoint instanceof OvsdbEndpoint.Unix unix) {
      if (!epoll) {
        throw new OvsdbConnectionException(
            "unix sockets need Netty's native epoll transport (netty-transport-native-epoll,"
                + " linux-x86_64), which did not load",
            Epoll.unavailabilityCause());
      }
      return new Transport(
          new EpollEventLoopGroup(1, threads),
          EpollDomainSocketChannel.class,
          new DomainSocketAddress(unix.path().toFile()));
    }
    OvsdbEndpoint.Tcp tcp = (OvsdbEndpoint.Tcp) endpoint;
    SocketAddress address = InetSocketAddress.createUnresolved(tcp.host(), tcp.port());
    if (epoll) {
      return new Transport(new EpollEventLoopGroup(1, threads), EpollSocketChannel.class, address);
    }
    return new Transport(new NioEventLoopGroup(1, threads), NioSocketChannel.class, address);
  }
}
