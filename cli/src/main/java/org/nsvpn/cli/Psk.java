package org.nsvpn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a PSK as {@code psk prompt}, {@code psk stdin} or {@code psk file:PATH} asks. Anything else
 * that looks like a key on a command line is refused before the line is parsed, so that no error
 * message can quote it: a word {@code psk=...} or {@code psk:...}, or a value after the word {@code
 * psk} that is not one of the sources (unless that {@code psk} is the value of {@code auth}).
 */
final class Psk {
  static final int MAX_BYTES = 1024;
  private static final String HOW =
      "use 'psk prompt' (asks without echo), 'psk stdin' or 'psk file:PATH'";

  /** The refusal of a key on the command line; it never quotes what was typed. */
  static final String NEVER_ON_THE_COMMAND_LINE =
      "psk: a PSK is never taken from the command line (it would stay in history and process"
          + " listings); "
          + HOW;

  private Psk() {}

  /**
   * @throws CliException when {@code words} hold something that looks like a key (see the class
   *     comment); the message does not quote it
   */
  static void refuseKeys(List<String> words) {
    if (Credentials.holdsKey(words)) {
      throw new CliException(Credentials.KEY_NEVER_ON_THE_COMMAND_LINE);
    }
    if (holdsPsk(words)) {
      throw new CliException(NEVER_ON_THE_COMMAND_LINE);
    }
  }

  /**
   * Whether {@code words} hold something that looks like a key: a PSK (see the class comment) or a
   * private key ({@link Credentials#holdsKey}).
   */
  static boolean holdsKey(List<String> words) {
    return holdsPsk(words) || Credentials.holdsKey(words);
  }

  private static boolean holdsPsk(List<String> words) {
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i).toLowerCase(Locale.ROOT);
      if (word.startsWith("psk=") || word.startsWith("psk:")) {
        return true;
      }
      boolean authValue = i > 0 && words.get(i - 1).equalsIgnoreCase("auth");
      if (word.equals("psk") && !authValue && i + 1 < words.size() && !isSource(words.get(i + 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSource(String word) {
    return word.equals("prompt") || word.equals("stdin") || word.startsWith("file:");
  }

  static byte[] read(String source, SecretSource secrets) {
    byte[] value;
    if (source.equals("prompt")) {
      char[] first =
          secrets
              .prompt("PSK: ")
              .orElseThrow(() -> new CliException("psk: no terminal to prompt on; " + HOW));
      char[] second = secrets.prompt("PSK again: ").orElse(new char[0]);
      try {
        if (!Arrays.equals(first, second)) {
          throw new CliException("psk: the two entries differ");
        }
        value = utf8(first);
      } finally {
        Arrays.fill(first, '\0');
        Arrays.fill(second, '\0');
      }
    } else if (source.equals("stdin")) {
      InputStream in =
          secrets
              .stdin()
              .orElseThrow(
                  () -> new CliException("psk: standard input carries the commands; " + HOW));
      try {
        value = stripNewline(in.readNBytes(MAX_BYTES + 2));
      } catch (IOException e) {
        throw new CliException("psk: cannot read standard input: " + e.getMessage());
      }
    } else if (source.startsWith("file:") && source.length() > 5) {
      value = fromFile(Path.of(source.substring(5)));
    } else {
      throw new CliException(NEVER_ON_THE_COMMAND_LINE);
    }
    if (value.length == 0) {
      throw new CliException("psk: is empty");
    }
    if (value.length > MAX_BYTES) {
      Arrays.fill(value, (byte) 0);
      throw new CliException("psk: longer than " + MAX_BYTES + " bytes");
    }
    for (byte b : value) {
      if (b == 0 || b == '\n' || b == '\r') {
        Arrays.fill(value, (byte) 0);
        throw new CliException("psk: must not contain NUL or line breaks");
      }
    }
    return value;
  }

  private static byte[] fromFile(Path file) {
    return stripNewline(Credentials.readFile("psk", file, true, MAX_BYTES + 2));
  }

  private static byte[] stripNewline(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    byte[] out = Arrays.copyOf(bytes, end);
    Arrays.fill(bytes, (byte) 0);
    return out;
  }

  private static byte[] utf8(char[] chars) {
    ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    if (buffer.hasArray()) {
      Arrays.fill(buffer.array(), (byte) 0);
    }
    return out;
  }
}
