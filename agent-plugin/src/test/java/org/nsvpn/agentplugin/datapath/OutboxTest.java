package org.nsvpn.agentplugin.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nsvpn.namespacemanager.packet.FrameBatch;
import org.nsvpn.namespacemanager.packet.PacketSocket;
import org.nsvpn.namespacemanager.packet.VirtioNetHeader;

class OutboxTest {

  /** Records the frame lengths of each batch it is asked to send; takes none of them. */
  private static final class RecordingSocket implements PacketSocket {
    final String name;
    final List<List<Integer>> batches = new ArrayList<>();
    boolean closed;

    RecordingSocket(String name) {
      this.name = name;
    }

    @Override
    public int send(FrameBatch batch) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      List<Integer> lengths = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        lengths.add(batch.length(i));
      }
      batches.add(lengths);
      return 0;
    }

    @Override
    public String interfaceName() {
      return name;
    }

    @Override
    public int interfaceIndex() {
      return 1;
    }

    @Override
    public int receive(byte[] target) {
      return -1;
    }

    @Override
    public int receiveNow(byte[] target) {
      return -1;
    }

    @Override
    public int receiveNow(FrameBatch batch, int maxFrames) {
      return 0;
    }

    @Override
    public int lastSendError() {
      return 0;
    }

    @Override
    public void send(VirtioNetHeader header, byte[] frame, int offset, int length) {}

    @Override
    public void close() {
      closed = true;
    }
  }

  private record Settled(String egress, int tag, int length, boolean sent) {}

  private final RecordingSocket a = new RecordingSocket("a");
  private final RecordingSocket b = new RecordingSocket("b");
  private final Map<String, RecordingSocket> sockets = Map.of("a", a, "b", b);
  private final List<Settled> settled = new ArrayList<>();
  private final Outbox<String> outbox =
      new Outbox<>(
          3,
          PacketSocket.BUFFER,
          sockets::get,
          (egress, tag, length, sent) -> settled.add(new Settled(egress, tag, length, sent)));

  private void add(String to, int length) {
    outbox.add(to, length % 7, VirtioNetHeader.NONE, new byte[length], length);
  }

  @Test
  void aRunOfFramesToOneEgressLeavesInOneCallAndTheOrderIsKept() {
    add("a", 60);
    add("a", 61);
    add("b", 62);
    add("a", 63);
    outbox.flush();
    outbox.flush();

    assertThat(a.batches).containsExactly(List.of(60, 61), List.of(63));
    assertThat(b.batches).containsExactly(List.of(62));
    assertThat(settled)
        .extracting(Settled::length)
        .as("each frame settled once, in order")
        .containsExactly(60, 61, 62, 63);
    assertThat(settled).extracting(Settled::tag).containsExactly(60 % 7, 61 % 7, 62 % 7, 63 % 7);
  }

  @Test
  void aFullBatchIsSentBeforeTheNextFrameIsAdded() {
    for (int i = 0; i < 4; i++) {
      add("a", 100 + i);
    }
    assertThat(a.batches).containsExactly(List.of(100, 101, 102));
    outbox.flush();
    assertThat(a.batches).containsExactly(List.of(100, 101, 102), List.of(103));
  }

  @Test
  void framesForASocketThatFailsAreSettledAsNotSent() {
    a.close();
    add("a", 70);
    add("a", 71);
    outbox.flush();
    assertThat(settled).extracting(Settled::sent).containsExactly(false, false);
    assertThat(settled).extracting(Settled::egress).containsOnly("a");
  }
}
