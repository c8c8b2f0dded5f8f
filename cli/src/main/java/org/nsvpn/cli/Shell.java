package org.nsvpn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.TopologyStore;

/**
 * The interactive shell: JLine line editing, history (kept in {@code ~/.nsvpn_cli_history}, which
 * never holds a PSK because PSKs are never typed on a command line) and tab completion of verbs,
 * object types, aliases and field names. PSK prompts use a separate reader without echo or history.
 */
final class Shell {
  private Shell() {}

  static int run(TopologyStore store, PrintStream out, PrintStream err) {
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
      Interpreter interpreter = new Interpreter(store, secrets);
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("nsvpn-cli")
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
          interpreter.execute(line).forEach(terminal.writer()::println);
        } catch (CliException e) {
          terminal.writer().println("error: " + e.getMessage());
        } catch (StoreException e) {
          terminal.writer().println("error: " + e.getMessage());
        }
        terminal.flush();
      }
    } catch (IOException e) {
      err.println("error: cannot open the terminal: " + e.getMessage());
      return NsvpnCli.UNAVAILABLE;
    }
  }
}
