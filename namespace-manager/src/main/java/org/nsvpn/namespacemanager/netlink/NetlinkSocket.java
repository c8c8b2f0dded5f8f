package org.nsvpn.namespacemanager.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nsvpn.namespacemanager.ffi.Errno;
import org.nsvpn.namespacemanager.ffi.NativeBuffer;
import org.nsvpn.namespacemanager.ffi.Syscalls;
import org.nsvpn.namespacemanager.ffi.SystemCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A netlink socket of one protocol, bound in the network namespace of the thread that opened it,
 * for request/response use: every request gets the next sequence number and waits for its own
 * answer; replies with another sequence number (left over from an earlier, abandoned request) are
 * skipped.
 *
 * <p>The socket asks for extended acks ({@code NETLINK_EXT_ACK}, so failures carry the kernel's
 * explanation) and capped acks ({@code NETLINK_CAP_ACK}, so errors do not echo the request). A
 * socket stays in the namespace it was opened in for its whole life, whichever thread uses it
 * later: that is how nsvpn works inside namespaces without moving pooled threads.
 *
 * <p>Thread-safe: requests are serialised. Lifecycle: open on creation, {@link #close()} is
 * idempotent and later requests fail with {@link IllegalStateException}.
 */
public final class NetlinkSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetlinkSocket.class);
  private static final int RECEIVE_BUFFER = 32 * 1024;
  private static final int SOCKET_BUFFER = 256 * 1024;
  private static final long RECEIVE_TIMEOUT_MILLIS = 30_000;
  private static final int DUMP_ATTEMPTS = 5;

  private final int protocol;
  private final int fd;
  private final int portId;
  private final NativeBuffer receiveBuffer = NativeBuffer.allocate(RECEIVE_BUFFER);
  private NativeBuffer sendBuffer = NativeBuffer.allocate(4096);
  private int sequence;
  private boolean closed;

  private NetlinkSocket(int protocol, int fd, int portId) {
    this.protocol = protocol;
    this.fd = fd;
    this.portId = portId;
    this.sequence = (int) (System.nanoTime() & 0x3fff_ffff);
  }

  /**
   * Opens a socket of {@code protocol} ({@link Netlink#NETLINK_ROUTE}, {@link
   * Netlink#NETLINK_XFRM}) in the calling thread's network namespace.
   */
  public static NetlinkSocket open(int protocol) {
    int fd =
        Syscalls.socket(Syscalls.AF_NETLINK, Syscalls.SOCK_RAW | Syscalls.SOCK_CLOEXEC, protocol);
    try {
      Syscalls.setsockopt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_SNDBUF, SOCKET_BUFFER);
      Syscalls.setsockopt(fd, Syscalls.SOL_SOCKET, Syscalls.SO_RCVBUF, SOCKET_BUFFER);
      Syscalls.setReceiveTimeout(fd, RECEIVE_TIMEOUT_MILLIS);
      Syscalls.setsockopt(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1);
      Syscalls.setsockopt(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, 1);
      if (protocol == Netlink.NETLINK_ROUTE) {
        // Lets the kernel filter dumps by the header's index/table fields.
        Syscalls.setsockopt(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_GET_STRICT_CHK, 1);
      }
      Syscalls.bindNetlink(fd);
      return new NetlinkSocket(protocol, fd, Syscalls.netlinkPortId(fd));
    } catch (RuntimeException e) {
      Syscalls.close(fd);
      throw e;
    }
  }

  public int protocol() {
    return protocol;
  }

  /** The port id the kernel assigned ({@code nl_pid}). */
  public int portId() {
    return portId;
  }

  /**
   * Sends a request with {@code NLM_F_ACK} and waits for the acknowledgement.
   *
   * @throws NetlinkException when the kernel refuses it
   */
  public synchronized void execute(NetlinkRequest request) {
    int seq = send(request, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
    collect(request, seq);
  }

  /**
   * Sends several requests in one datagram (one system call; the kernel handles them in order) and
   * waits for every acknowledgement. The kernel goes on with the later requests when one fails; the
   * first failure is thrown once all answers are in, with the others suppressed.
   */
  public synchronized void executeAll(List<NetlinkRequest> requests) {
    if (requests.isEmpty()) {
      return;
    }
    int first = sendAll(requests, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
    NetlinkException failure = null;
    for (int i = 0; i < requests.size(); i++) {
      try {
        collect(requests.get(i), first + i);
      } catch (NetlinkException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Sends a GET request (not a dump) with {@code NLM_F_ACK} and returns its one reply; empty when
   * the kernel answers with one of {@code absentErrnos} (e.g. {@code ENODEV} for a link name that
   * does not exist).
   */
  public synchronized Optional<NetlinkMessage> query(NetlinkRequest request, int... absentErrnos) {
    int seq = send(request, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
    try {
      List<NetlinkMessage> replies = collect(request, seq);
      return replies.isEmpty() ? Optional.empty() : Optional.of(replies.get(0));
    } catch (NetlinkException e) {
      for (int errno : absentErrnos) {
        if (e.errno() == errno) {
          return Optional.empty();
        }
      }
      throw e;
    }
  }

  /**
   * Sends a dump request ({@code NLM_F_DUMP}) and returns every message of the multi-part answer. A
   * dump the kernel marks inconsistent ({@code NLM_F_DUMP_INTR}: the table changed while it was
   * being walked) is repeated, a few times at most.
   */
  public synchronized List<NetlinkMessage> dump(NetlinkRequest request) {
    for (int attempt = 1; ; attempt++) {
      int seq = send(request, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
      List<NetlinkMessage> messages = collect(request, seq);
      boolean interrupted =
          messages.stream().anyMatch(m -> (m.header().flags() & Netlink.NLM_F_DUMP_INTR) != 0);
      if (!interrupted) {
        return messages;
      }
      if (attempt == DUMP_ATTEMPTS) {
        throw new NetlinkException(
            request.operation() + " (dump changed under us " + attempt + " times)",
            Errno.EINTR,
            Optional.empty());
      }
      log.debug("{}: dump interrupted, retrying", request.operation());
    }
  }

  private int send(NetlinkRequest request, int extraFlags) {
    return sendAll(List.of(request), extraFlags);
  }

  /** Stamps consecutive sequence numbers, sends one datagram; returns the first number. */
  private int sendAll(List<NetlinkRequest> requests, int extraFlags) {
    if (closed) {
      throw new IllegalStateException("netlink socket " + fd + " is closed");
    }
    int total = 0;
    for (NetlinkRequest request : requests) {
      total += Netlink.align(request.length());
    }
    ByteBuffer datagram = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
    int first = sequence + 1;
    for (NetlinkRequest request : requests) {
      int seq = ++sequence;
      byte[] message = request.message();
      int start = datagram.position();
      datagram.put(message);
      new NlMsgHdr(message.length, request.type(), request.flags() | extraFlags, seq, portId)
          .encode(datagram.duplicate().order(ByteOrder.nativeOrder()).position(start));
      datagram.position(start + Netlink.align(message.length));
    }
    if (sendBuffer.capacity() < total) {
      sendBuffer = NativeBuffer.allocate(Math.max(total, sendBuffer.capacity() * 2));
    }
    sendBuffer.write(datagram.array(), total);
    Syscalls.sendToKernel(fd, sendBuffer, total);
    return first;
  }

  /** Reads until the ack (or {@code NLMSG_DONE} of a dump); returns the data messages. */
  private List<NetlinkMessage> collect(NetlinkRequest request, int seq) {
    List<NetlinkMessage> out = new ArrayList<>();
    while (true) {
      int length;
      try {
        length = Syscalls.receive(fd, receiveBuffer);
      } catch (SystemCallException e) {
        throw new NetlinkException(
            request.operation() + " (waiting for the answer)", e.errno(), Optional.empty());
      }
      // A fresh array per datagram: the messages returned are views of it.
      byte[] received = new byte[length];
      receiveBuffer.read(received, length);
      ByteBuffer datagram = ByteBuffer.wrap(received).order(ByteOrder.nativeOrder());
      for (NetlinkMessage message : NetlinkMessage.split(datagram)) {
        NlMsgHdr header = message.header();
        if (header.sequence() != seq) {
          log.debug(
              "{}: skipping stale message type {} seq {} (want {})",
              request.operation(),
              header.type(),
              header.sequence(),
              seq);
          continue;
        }
        switch (header.type()) {
          case Netlink.NLMSG_ERROR -> {
            NlMsgErr error = NlMsgErr.decode(message.payload(), header.flags());
            if (!error.isAck()) {
              throw new NetlinkException(
                  request.operation(), -error.error(), error.kernelMessage());
            }
            error
                .kernelMessage()
                .ifPresent(w -> log.debug("{}: kernel warns \"{}\"", request.operation(), w));
            return out;
          }
          case Netlink.NLMSG_DONE -> {
            ByteBuffer payload = message.payload();
            if (payload.remaining() >= 4 && payload.getInt(0) < 0) {
              Optional<String> kernelMessage = Optional.empty();
              if ((header.flags() & Netlink.NLM_F_ACK_TLVS) != 0) {
                kernelMessage =
                    Attributes.parse(payload.position(4)).string(Netlink.NLMSGERR_ATTR_MSG);
              }
              throw new NetlinkException(request.operation(), -payload.getInt(0), kernelMessage);
            }
            return out;
          }
          case Netlink.NLMSG_OVERRUN ->
              throw new NetlinkException(
                  request.operation() + " (overrun)", Errno.ENOBUFS, Optional.empty());
          case Netlink.NLMSG_NOOP -> {}
          default -> out.add(message);
        }
      }
    }
  }

  /** Closes the descriptor; idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Syscalls.close(fd);
    }
  }

  @Override
  public String toString() {
    return "NetlinkSocket[protocol " + protocol + ", fd " + fd + ", port " + portId + "]";
  }
}
