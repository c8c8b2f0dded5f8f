package org.nsvpn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.TopologyStore;

/**
 * The interactive shell: JLine line editing, history (kept in {@code ~/.nsvpn_cli_history}, which
 * never holds a PSK: a line that looks like it holds one is refused and not kept) and tab
 * completion of verbs, object types, aliases and field names. PSK prompts use a separate reader
 * without echo or history.
 */
final class Shell {
  private Shell() {}

  static int run(
      TopologyStore store, OutputFormat format, Clock clock, PrintStream out, PrintStream err) {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      LineReader secretReader =
          LineReaderBuilder.builder().terminal(terminal).history(new DefaultHistory()).build();
      SecretSource secrets =
          new SecretSource() {
            @Override
            public Optional<char[]> prompt(String prompt) {
              try {
                return Optional.of(secretReader.readLine(prompt, '\0').toCharArray());
              } catch (UserInterruptException | EndOfFileException e) {
                return Optional.empty();
              }
            }

            @Override
            public Optional<InputStream> stdin() {
              return Optional.empty();
            }
          };
      Interpreter interpreter = new Interpreter(store, secrets, format, clock);
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("nsvpn-cli")
              .history(new KeylessHistory())
              .completer(new CliCompleter(store::snapshot))
              .variable(
                  LineReader.HISTORY_FILE,
                  Path.of(System.getProperty("user.home"), ".nsvpn_cli_history"))
              .build();
      while (true) {
        String line;
        try {
          line = reader.readLine("nsvpn> ");
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          return NsvpnCli.OK;
        }
        if (line.strip().equals("quit") || line.strip().equals("exit")) {
          return NsvpnCli.OK;
        }
        try {
          interpreter.execute(line).forEach(l -> terminal.writer().println(SafeText.escape(l)));
        } catch (CliException | StoreException e) {
          terminal.writer().println(SafeText.escape("error: " + e.getMessage()));
        }
        terminal.flush();
      }
    } catch (IOException e) {
      err.println(SafeText.escape("error: cannot open the terminal: " + e.getMessage()));
      return NsvpnCli.UNAVAILABLE;
    }
  }

  /**
   * The history file's history, without the lines that hold what looks like a PSK ({@link
   * Psk#holdsKey}): they are refused, and must not stay on disk either.
   */
  private static final class KeylessHistory extends DefaultHistory {
    @Override
    public void add(Instant time, String line) {
      if (!Psk.holdsKey(List.of(line.strip().split("[ \\t]+")))) {
        super.add(time, line);
      }
    }
  }
}
