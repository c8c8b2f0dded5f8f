package org.nsvpn.agentplugin.datapath;

import java.util.List;
import org.nsvpn.chainrules.InvalidValueException;

/**
 * The line protocol between the agent and the nsvpn-datapath process, over a unix stream socket
 * (RUN-DIRECTORY/datapath.sock, mode 0600: only root reaches it). UTF-8 lines; every request starts
 * with an id of the client's choosing that its reply repeats, so that a slow request (waiting for a
 * socket to be read) holds up no other:
 *
 * <pre>
 * ID reading PORT-UUID IFNAME   →  ID ok        once PORT is read on IFNAME
 * ID fence [PORT-UUID ...]      →  ID ok        exactly these ports are held (the session fence)
 * ID guard [PORT-UUID ...]      →  ID ok        these ports are held whenever no agent is connected
 * ID state                      →  ID RUNNING
 * ID handover                   →  ID ok        the datapath stopped and released its sockets;
 *                                               the process exits (a new one takes over)
 * any malformed request         →  ID error MESSAGE   (or "- error MESSAGE" without an id)
 * </pre>
 *
 * The fence and the guard are state, not sequences of changes: a client sends each whole set when
 * it connects (guard first) and whenever it changes, so a datapath that restarted learns them
 * again. A connection that sent a guard set is an agent's. While no agent is connected, the
 * datapath holds the union of the last fence and the last guard set: the scheduled gateways'
 * namespace ports go quiet, because the agent's session is ending and another host may be given
 * their services (fail-closed); every other port keeps forwarding.
 */
final class ControlProtocol {
  private ControlProtocol() {}

  static final String SOCKET_NAME = "datapath.sock";

  static final String READING = "reading";
  static final String FENCE = "fence";
  static final String GUARD = "guard";
  static final String STATE = "state";
  static final String HANDOVER = "handover";
  static final String OK = "ok";
  static final String ERROR = "error";

  /** Longest line either side accepts; a fence of every port of a big host fits. */
  static final int MAX_LINE = 1 << 20;

  /** A request or reply split into its id and words. */
  record Line(String id, String verb, List<String> args) {
    static Line parse(String text) {
      List<String> words = List.of(text.strip().split(" +"));
      if (words.size() < 2 || words.get(0).isEmpty()) {
        throw new InvalidValueException("datapath control line", text, "expected: ID VERB ...");
      }
      if (!words.get(0).chars().allMatch(Character::isDigit) || words.get(0).length() > 18) {
        throw new InvalidValueException("datapath control id", words.get(0), "must be a number");
      }
      return new Line(words.get(0), words.get(1), words.subList(2, words.size()));
    }
  }
}
