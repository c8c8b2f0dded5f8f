package org.nsvpn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.server.EmbeddedZooKeeper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nsvpn-cli}: the midonet-cli style command line. Runs an interactive shell, the commands
 * given with {@code -e}, or a script given with {@code -f}; with {@code --atomic}, the commands or
 * the script as one transaction ({@link LineRunner}).
 *
 * <p>Exit codes: 0 every command succeeded; 1 a command was refused (bad input, unknown alias,
 * integrity or version conflict, a script line that is not UTF-8; nothing of that command was
 * written, and a script stops there); 2 bad options; 3 the store is unreachable or unreadable.
 *
 * <p>The CLI prints its results on standard output and a refusal as one line on standard error,
 * nothing else: the store is opened lazily (a session that writes nothing creates nothing), and
 * third-party libraries are kept off the terminal ({@link #main}).
 */
@Command(
    name = "nsvpn-cli",
    mixinStandardHelpOptions = true,
    version = "nsvpn-cli 0.1.0",
    description = "midonet-cli style command line for the nsvpn topology in ZooKeeper.",
    footer = {
      "",
      "Without -e or -f, starts an interactive shell (or reads commands from standard input when it"
          + " is not a terminal). Type 'help' for the grammar.",
      "Exit codes: 0 ok, 1 command refused, 2 usage, 3 store unreachable."
    })
public final class NsvpnCli implements Callable<Integer> {
  public static final int OK = 0;
  public static final int REFUSED = 1;
  public static final int USAGE = 2;
  public static final int UNAVAILABLE = 3;

  @Option(
      names = {"-e", "--execute"},
      paramLabel = "COMMAND",
      description = "Run this command (repeatable; stops at the first refused one).")
  List<String> commands = new ArrayList<>();

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description =
          "Run the commands of FILE ('-' for standard input), stopping at the first refused one.")
  Path script;

  @Option(
      names = "--atomic",
      description =
          "With -e or -f: check every command against what the ones before it leave, and write"
              + " them all as one transaction at the end, or nothing.")
  boolean atomic;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (midonet-cli lines) or json (one JSON document per command; see"
              + " docs/cli-json.md). Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Option(
      names = "--embedded",
      paramLabel = "DIR",
      description =
          "Run an embedded ZooKeeper server on data directory DIR for this invocation instead of connecting to --zk.")
  Path embeddedDir;

  @Mixin StoreOptions storeOptions;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Optional<SecretSource> secretOverride;
  private final Clock clock;

  NsvpnCli(
      InputStream in,
      PrintStream out,
      PrintStream err,
      Optional<SecretSource> secrets,
      Clock clock) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.secretOverride = secrets;
    this.clock = clock;
  }

  /**
   * Runs the CLI on the process's streams, with third-party output kept off them: libraries that
   * print to {@code System.out} or {@code System.err} directly (ZooKeeper's snapshot purge in
   * {@code --embedded} mode) print into a sink, and {@code java.util.logging} (JLine's) has no
   * console handler; the CLI itself writes to the streams kept here. SLF4J logging (ZooKeeper,
   * Curator) is off ({@link CliLogging}). {@code NSVPN_CLI_LOG=debug} (or info, warn) turns logging
   * back on, on standard error, for diagnosis.
   */
  public static void main(String[] args) {
    CliLogging.select();
    PrintStream out = System.out;
    PrintStream err = System.err;
    java.util.logging.LogManager.getLogManager().reset();
    if (System.getenv("NSVPN_CLI_LOG") == null) {
      PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
      System.setOut(sink);
      System.setErr(sink);
    }
    System.exit(run(args, System.in, out, err, Optional.empty(), Clock.systemUTC()));
  }

  /**
   * Runs the CLI with these streams; returns the exit code. Tests call this directly.
   *
   * @param clock what status views measure relative times ("5 min ago") against
   */
  static int run(
      String[] args,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Optional<SecretSource> secrets,
      Clock clock) {
    return commandLine(new NsvpnCli(in, out, err, secrets, clock), "nsvpn-cli", out, err)
        .execute(args);
  }

  /**
   * picocli as the command line tools use it: output and errors on these streams, a bad option as
   * one escaped line and a hint ({@link #USAGE}), an unexpected failure as {@link #UNAVAILABLE}.
   */
  static CommandLine commandLine(Object command, String name, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExitCodeExceptionMapper(e -> UNAVAILABLE);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          err.println(SafeText.escape("error: " + ex.getMessage()));
          err.println("try: " + name + " --help");
          return USAGE;
        });
    return cl;
  }

  @Override
  public Integer call() {
    if (script != null && !commands.isEmpty()) {
      err.println("error: give -e or -f, not both");
      return USAGE;
    }
    if (atomic && script == null && commands.isEmpty()) {
      err.println("error: --atomic applies to the commands of -e or -f");
      return USAGE;
    }
    EmbeddedZooKeeper embedded = null;
    try {
      Optional<String> connect = Optional.empty();
      if (embeddedDir != null) {
        embedded = EmbeddedZooKeeper.start(embeddedDir, "127.0.0.1", 0, Duration.ofSeconds(30));
        connect = Optional.of(embedded.connectString());
      }
      try (StoreOptions.Opened opened = storeOptions.open(connect)) {
        return runCommands(opened.store());
      }
    } catch (StoreException e) {
      err.println(SafeText.escape("error: " + e.getMessage()));
      return UNAVAILABLE;
    } catch (org.nsvpn.chainrules.InvalidValueException e) {
      err.println(SafeText.escape("error: " + e.getMessage()));
      return USAGE;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private int runCommands(TopologyStore store) {
    LineRunner runner = new LineRunner(out, err);
    if (!commands.isEmpty()) {
      return run(
          store,
          runner,
          secretSource(true),
          LineRunner.commands(commands),
          "",
          commands.size() > 1);
    }
    if (script != null) {
      boolean fromStdin = script.toString().equals("-");
      String name = fromStdin ? "stdin" : script.toString();
      try (InputStream input = fromStdin ? in : Files.newInputStream(script)) {
        return run(
            store,
            runner,
            secretSource(!fromStdin),
            LineRunner.script(new ScriptReader(input), name),
            name,
            true);
      } catch (IOException e) {
        err.println(
            SafeText.escape("error: cannot read " + script + ": " + e.getClass().getSimpleName()));
        return USAGE;
      }
    }
    if (System.console() != null && in == System.in && secretOverride.isEmpty()) {
      return Shell.run(store, format, clock, out, err);
    }
    return run(
        store,
        runner,
        secretSource(false),
        LineRunner.script(new ScriptReader(in), "stdin"),
        "stdin",
        true);
  }

  /**
   * Runs {@code lines} atomically or step by step; {@code countApplied}: a step-by-step refusal
   * says how many lines were applied before it (not for a single {@code -e}).
   */
  private int run(
      TopologyStore store,
      LineRunner runner,
      SecretSource secrets,
      LineRunner.Lines lines,
      String name,
      boolean countApplied) {
    try {
      if (atomic) {
        return runner.atomically(Interpreter.batched(store, secrets, format, clock), lines, name);
      }
      return runner.stepByStep(new Interpreter(store, secrets, format, clock), lines, countApplied);
    } catch (IOException e) {
      err.println(
          SafeText.escape("error: cannot read " + name + ": " + e.getClass().getSimpleName()));
      return USAGE;
    }
  }

  private SecretSource secretSource(boolean stdinFree) {
    if (secretOverride.isPresent()) {
      return secretOverride.get();
    }
    return new SecretSource() {
      @Override
      public Optional<char[]> prompt(String prompt) {
        java.io.Console console = System.console();
        return console == null
            ? Optional.empty()
            : Optional.ofNullable(console.readPassword("%s", prompt));
      }

      @Override
      public Optional<InputStream> stdin() {
        return stdinFree ? Optional.of(in) : Optional.empty();
      }
    };
  }
}
