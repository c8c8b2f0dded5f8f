package org.nsvpn.agentplugin.datapath;

import java.util.Objects;
import java.util.function.Function;
import org.nsvpn.namespacemanager.packet.FrameBatch;
import org.nsvpn.namespacemanager.packet.PacketSocket;
import org.nsvpn.namespacemanager.packet.VirtioNetHeader;

/**
 * Frames on their way out, gathered so that a run of frames to one egress leaves in one system call
 * (sendmmsg) instead of one each. Frames are sent in the order added; a frame for another egress
 * than the one gathered so far sends those first, so the order on each interface is the order of
 * simulation.
 *
 * <p>For the polling thread only: it alone sends and closes sockets, and it {@link #flush()}es
 * before closing any, so no frame is ever sent on a closed (or reused) descriptor.
 *
 * @param <E> the egress: whatever the caller counts a frame's outcome against
 */
final class Outbox<E> {

  /** What became of one frame: the {@code tag} it was added with, its length, whether sent. */
  @FunctionalInterface
  interface Outcome<E> {
    void settle(E egress, int tag, int length, boolean sent);
  }

  private final FrameBatch batch;
  private final Function<E, PacketSocket> sockets;
  private final Outcome<E> outcome;
  private final int[] tags;
  private E egress;

  Outbox(int frames, int bytes, Function<E, PacketSocket> sockets, Outcome<E> outcome) {
    this.batch = FrameBatch.forSending(frames, bytes);
    this.sockets = Objects.requireNonNull(sockets, "sockets");
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.tags = new int[frames];
  }

  /** Adds a frame for {@code to}; sends what was gathered first if it must. */
  void add(E to, int tag, VirtioNetHeader header, byte[] frame, int length) {
    if (egress != null && !egress.equals(to)) {
      flush();
    }
    egress = to;
    int index = batch.size();
    if (!batch.add(header, frame, 0, length)) {
      flush();
      egress = to;
      index = 0;
      batch.add(header, frame, 0, length);
    }
    tags[index] = tag;
  }

  /** Sends everything gathered and settles each frame's outcome. */
  void flush() {
    if (batch.isEmpty()) {
      egress = null;
      return;
    }
    E to = egress;
    boolean failed = false;
    try {
      sockets.apply(to).send(batch);
    } catch (RuntimeException e) {
      failed = true;
    }
    for (int i = 0; i < batch.size(); i++) {
      outcome.settle(to, tags[i], batch.length(i), !failed && batch.sent(i));
    }
    batch.clear();
    egress = null;
  }
}
