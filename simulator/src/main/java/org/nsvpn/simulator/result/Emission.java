package org.nsvpn.simulator.result;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.nsvpn.chainrules.Require;
import org.nsvpn.chainrules.id.PortId;

/**
 * A frame leaving the virtual network on an exterior port. Immutable: the bytes are never exposed
 * for writing ({@link #frame()} copies; {@link #writeTo} and {@link #copyTo} avoid the copy).
 */
public final class Emission {
  private final PortId port;
  private final byte[] frame;
  private final EmissionKind kind;

  /**
   * Adopts {@code frame}: the caller hands the array over and must never write it again. The
   * simulator is the only intended caller; tests use {@link #of}.
   */
  public static Emission adopt(PortId port, byte[] frame, EmissionKind kind) {
    return new Emission(port, frame, kind);
  }

  /** An emission of a copy of {@code frame}. */
  public static Emission of(PortId port, byte[] frame, EmissionKind kind) {
    return new Emission(port, frame.clone(), kind);
  }

  private Emission(PortId port, byte[] frame, EmissionKind kind) {
    this.port = Require.nonNull("port", port);
    this.frame = Require.nonNull("frame", frame);
    this.kind = Require.nonNull("kind", kind);
  }

  /** The exterior port the frame leaves by. */
  public PortId port() {
    return port;
  }

  public EmissionKind kind() {
    return kind;
  }

  /** A copy of the frame's bytes. */
  public byte[] frame() {
    return frame.clone();
  }

  public int length() {
    return frame.length;
  }

  /** Copies the frame into {@code target} at {@code offset}. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(frame, 0, target, offset, frame.length);
  }

  /** Puts the frame into {@code buffer} (for a socket write). */
  public void writeTo(ByteBuffer buffer) {
    buffer.put(frame);
  }

  /** True when the frame is byte for byte {@code expected}. */
  public boolean frameEquals(byte[] expected) {
    return Arrays.equals(frame, expected);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Emission e
        && port.equals(e.port)
        && kind == e.kind
        && Arrays.equals(frame, e.frame);
  }

  @Override
  public int hashCode() {
    return (port.hashCode() * 31 + kind.hashCode()) * 31 + Arrays.hashCode(frame);
  }

  @Override
  public String toString() {
    return kind + " on " + port + ": " + HexFormat.of().formatHex(frame);
  }
}
