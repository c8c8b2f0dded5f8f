package org.nsvpn.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The lines of a script ({@code -f FILE}, {@code -f -}, or commands piped to standard input), read
 * one at a time and decoded as UTF-8 line by line, so that a byte sequence that is not UTF-8 is
 * reported with the number of its line (a decoder over the whole stream says only "Input length =
 * 1"). A line ends at LF, and a CR before the LF is dropped; a byte-order mark at the start of the
 * script is skipped. Lines are returned as they come, so a script fed through a pipe runs while it
 * is written.
 */
final class ScriptReader {
  private static final char BYTE_ORDER_MARK = '\ufeff';

  private final InputStream in;
  private int number;

  ScriptReader(InputStream in) {
    this.in = new BufferedInputStream(in);
  }

  /** The number of the line {@link #next()} read last, 1 for the first; 0 before any. */
  int lineNumber() {
    return number;
  }

  /**
   * The next line, without its line end; empty at the end of the input.
   *
   * @throws CliException when the line is not valid UTF-8; {@link #lineNumber()} is its number
   * @throws IOException when reading fails
   */
  Optional<String> next() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b = in.read();
    if (b < 0) {
      return Optional.empty();
    }
    while (b >= 0 && b != '\n') {
      bytes.write(b);
      b = in.read();
    }
    number++;
    byte[] line = bytes.toByteArray();
    int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
    String text = decode(line, length);
    if (number == 1 && !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
      text = text.substring(1);
    }
    return Optional.of(text);
  }

  private static String decode(byte[] line, int length) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer input = ByteBuffer.wrap(line, 0, length);
    CharBuffer output = CharBuffer.allocate(length);
    CoderResult result = decoder.decode(input, output, true);
    if (!result.isError()) {
      result = decoder.flush(output);
    }
    if (result.isError()) {
      int at = input.position();
      throw new CliException(
          String.format(
              "line: not valid UTF-8 (byte 0x%02x at byte %d of the line)",
              line[at] & 0xff, at + 1));
    }
    return output.flip().toString();
  }
}
