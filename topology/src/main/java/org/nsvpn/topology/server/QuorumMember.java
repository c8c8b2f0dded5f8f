package org.nsvpn.topology.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.net.Ipv4Address;

/**
 * One server of a ZooKeeper ensemble, as {@code nsvpn-zk --server} takes it: {@code
 * ID=ADDRESS:PEER-PORT:ELECTION-PORT:CLIENT-PORT}. Every server of the ensemble is given the same
 * list.
 *
 * @param id 1..255, unique in the ensemble (ZooKeeper's {@code myid})
 * @param address an IPv4 address the server listens on, for peers and clients
 */
public record QuorumMember(
    int id, Ipv4Address address, int peerPort, int electionPort, int clientPort) {
  private static final Pattern TEXT =
      Pattern.compile("(\\d{1,3})=([0-9.]{7,15}):(\\d{1,5}):(\\d{1,5}):(\\d{1,5})");

  public QuorumMember {
    if (id < 1 || id > 255) {
      throw new InvalidValueException("server id", id, "must be 1..255");
    }
    for (int port : new int[] {peerPort, electionPort, clientPort}) {
      if (port < 1 || port > 65535) {
        throw new InvalidValueException("server port", port, "must be 1..65535");
      }
    }
  }

  /** Parses {@code ID=ADDRESS:PEER-PORT:ELECTION-PORT:CLIENT-PORT}. */
  public static QuorumMember parse(String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new InvalidValueException(
          "server",
          String.valueOf(text),
          "expected ID=ADDRESS:PEER-PORT:ELECTION-PORT:CLIENT-PORT, e.g."
              + " 1=192.0.2.1:2888:3888:2181");
    }
    return new QuorumMember(
        Integer.parseInt(m.group(1)),
        Ipv4Address.parse(m.group(2)),
        Integer.parseInt(m.group(3)),
        Integer.parseInt(m.group(4)),
        Integer.parseInt(m.group(5)));
  }

  /** ZooKeeper's {@code server.N} value: {@code ADDRESS:PEER:ELECTION;ADDRESS:CLIENT}. */
  String zooKeeperValue() {
    return address + ":" + peerPort + ":" + electionPort + ";" + address + ":" + clientPort;
  }

  /** {@code ADDRESS:CLIENT-PORT}, for connect strings. */
  public String clientAddress() {
    return address + ":" + clientPort;
  }

  @Override
  public String toString() {
    return id + "=" + address + ":" + peerPort + ":" + electionPort + ":" + clientPort;
  }
}
