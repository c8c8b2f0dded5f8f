package org.nsvpn.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.nsvpn.chainrules.SafeText;

/**
 * Runs the lines of {@code -e} commands or of a script and prints what they print, in one of two
 * ways:
 *
 * <ul>
 *   <li><b>step by step</b>: each line is committed as it runs, and the run stops at the first
 *       refused line; the error says how many lines were applied before it, since they stay
 *       written;
 *   <li><b>atomically</b> ({@code --atomic}): each line is checked against what the lines before it
 *       leave, and all of them are committed at the end as one ZooKeeper transaction, or none is.
 *       Output is printed only once it is written.
 * </ul>
 *
 * <p>Every line printed goes through {@link SafeText}, whatever produced it: the last guard against
 * user or stored text reaching the terminal unescaped. A refusal is one line on the error stream,
 * prefixed with where it happened ({@code FILE:LINE: }).
 */
final class LineRunner {
  /** Lines to run: {@code -e} commands or a script. */
  interface Lines {
    /**
     * The next line; empty at the end.
     *
     * @throws CliException when the line cannot be read as text (see {@link ScriptReader})
     */
    Optional<String> next() throws IOException;

    /**
     * Where the line last returned (or refused) is, as the prefix of its error: {@code FILE:N: }.
     */
    String where();
  }

  private final PrintStream out;
  private final PrintStream err;

  LineRunner(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The {@code -e} commands, which have no line numbers. */
  static Lines commands(List<String> commands) {
    Iterator<String> it = commands.iterator();
    return new Lines() {
      @Override
      public Optional<String> next() {
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
      }

      @Override
      public String where() {
        return "";
      }
    };
  }

  /** A script's lines, named {@code name} in errors. */
  static Lines script(ScriptReader reader, String name) {
    return new Lines() {
      @Override
      public Optional<String> next() throws IOException {
        return reader.next();
      }

      @Override
      public String where() {
        return name + ":" + reader.lineNumber() + ": ";
      }
    };
  }

  /**
   * Runs and commits line by line.
   *
   * @param countApplied whether a refusal says how many lines were applied before it (scripts and
   *     several commands)
   * @return {@link NsvpnCli#OK} or {@link NsvpnCli#REFUSED}
   */
  int stepByStep(Interpreter interpreter, Lines lines, boolean countApplied) throws IOException {
    int applied = 0;
    while (true) {
      String line;
      try {
        Optional<String> next = lines.next();
        if (next.isEmpty()) {
          return NsvpnCli.OK;
        }
        line = next.get();
        interpreter.execute(line).forEach(this::print);
      } catch (CliException e) {
        refused(
            lines.where(),
            e.getMessage(),
            countApplied
                ? " [stopped: "
                    + applied
                    + (applied == 1 ? " earlier line" : " earlier lines")
                    + " applied, none from here on; --atomic applies all or nothing]"
                : "");
        return NsvpnCli.REFUSED;
      }
      if (isCommand(line)) {
        applied++;
      }
    }
  }

  /**
   * Checks every line into {@code interpreter}'s batch, then commits it; prints the output only
   * then.
   *
   * @param interpreter a {@linkplain Interpreter#batched batched} interpreter
   * @param name how a refusal of the whole batch names the script
   * @return {@link NsvpnCli#OK} or {@link NsvpnCli#REFUSED}
   */
  int atomically(Interpreter interpreter, Lines lines, String name) throws IOException {
    List<String> output = new ArrayList<>();
    try {
      for (Optional<String> line = lines.next(); line.isPresent(); line = lines.next()) {
        output.addAll(interpreter.execute(line.get()));
      }
    } catch (CliException e) {
      refused(lines.where(), e.getMessage(), " [--atomic: nothing was written]");
      return NsvpnCli.REFUSED;
    }
    try {
      interpreter.commitBatch();
    } catch (CliException e) {
      refused(name.isEmpty() ? "" : name + ": ", e.getMessage(), " [--atomic]");
      return NsvpnCli.REFUSED;
    }
    output.forEach(this::print);
    return NsvpnCli.OK;
  }

  private void print(String line) {
    out.println(SafeText.escape(line));
  }

  private void refused(String where, String message, String suffix) {
    err.println(SafeText.escape(where + "error: " + message + suffix));
  }

  private static boolean isCommand(String line) {
    String trimmed = line.strip();
    return !trimmed.isEmpty() && !trimmed.startsWith("#");
  }
}
