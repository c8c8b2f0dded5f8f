package org.nsvpn.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.ZooKeeperClients;
import org.nsvpn.topology.server.EmbeddedZooKeeper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsvpn-cli}: the midonet-cli style command line. Runs an interactive shell, the commands
 * given with {@code -e}, or a script given with {@code -f}.
 *
 * <p>Exit codes: 0 every command succeeded; 1 a command was refused (bad input, unknown alias,
 * integrity or version conflict; nothing of that command was written, and a script stops there); 2
 * bad options; 3 the store is unreachable or unreadable.
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
      names = "--zk",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:NSVPN_ZK:-127.0.0.1:2181}",
      description = "ZooKeeper connect string (default: $NSVPN_ZK or ${DEFAULT-VALUE}).")
  String connectString;

  @Option(
      names = "--embedded",
      paramLabel = "DIR",
      description =
          "Run an embedded ZooKeeper server on data directory DIR for this invocation instead of connecting to --zk.")
  Path embeddedDir;

  @Option(
      names = "--root",
      defaultValue = TopologyStore.DEFAULT_ROOT,
      description = "Store root path (default ${DEFAULT-VALUE}).")
  String root;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      defaultValue = "${env:NSVPN_HOME:-/var/lib/nsvpn}",
      description =
          "nsvpn state directory holding secrets.auth (default: $NSVPN_HOME or ${DEFAULT-VALUE}).")
  Path home;

  @Option(
      names = "--secrets-auth",
      paramLabel = "FILE",
      description =
          "Credential file (user:password, mode 0600) for reading and writing PSKs; created if absent (default: HOME/secrets.auth).")
  Path secretsAuth;

  @Option(
      names = "--connect-timeout",
      defaultValue = "10",
      description = "Seconds to wait for ZooKeeper (default ${DEFAULT-VALUE}).")
  int connectTimeout;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Optional<SecretSource> secretOverride;

  NsvpnCli(InputStream in, PrintStream out, PrintStream err, Optional<SecretSource> secrets) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.secretOverride = secrets;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err, Optional.empty()));
  }

  /** Runs the CLI with these streams; returns the exit code. Tests call this directly. */
  static int run(
      String[] args,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Optional<SecretSource> secrets) {
    CommandLine cl = new CommandLine(new NsvpnCli(in, out, err, secrets));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExitCodeExceptionMapper(e -> UNAVAILABLE);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("error: " + ex.getMessage());
          err.println("try: nsvpn-cli --help");
          return USAGE;
        });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    if (script != null && !commands.isEmpty()) {
      err.println("error: give -e or -f, not both");
      return USAGE;
    }
    EmbeddedZooKeeper embedded = null;
    try {
      String connect = connectString;
      if (embeddedDir != null) {
        embedded = EmbeddedZooKeeper.start(embeddedDir, "127.0.0.1", 0, Duration.ofSeconds(30));
        connect = embedded.connectString();
      }
      Optional<SecretsCredential> credential = credential();
      try (CuratorFramework client =
              ZooKeeperClients.connect(connect, credential, Duration.ofSeconds(connectTimeout));
          TopologyStore store = TopologyStore.open(client, root, credential)) {
        return runCommands(store);
      }
    } catch (StoreException e) {
      err.println("error: " + e.getMessage());
      return UNAVAILABLE;
    } catch (org.nsvpn.chainrules.InvalidValueException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private Optional<SecretsCredential> credential() {
    Path file = secretsAuth != null ? secretsAuth : home.resolve("secrets.auth");
    try {
      return Optional.of(SecretsCredential.loadOrCreate(file));
    } catch (StoreException e) {
      if (secretsAuth != null) {
        throw e;
      }
      return Optional.empty();
    }
  }

  private int runCommands(TopologyStore store) {
    if (!commands.isEmpty()) {
      Interpreter interpreter = new Interpreter(store, secretSource(true));
      for (String command : commands) {
        if (!runOne(interpreter, command, "")) {
          return REFUSED;
        }
      }
      return OK;
    }
    if (script != null) {
      boolean fromStdin = script.toString().equals("-");
      Interpreter interpreter = new Interpreter(store, secretSource(!fromStdin));
      try (BufferedReader reader =
          fromStdin
              ? new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              : Files.newBufferedReader(script, StandardCharsets.UTF_8)) {
        return runScript(interpreter, reader, fromStdin ? "stdin" : script.toString());
      } catch (IOException e) {
        err.println("error: cannot read " + script + ": " + e.getMessage());
        return USAGE;
      }
    }
    if (System.console() != null && in == System.in && secretOverride.isEmpty()) {
      return Shell.run(store, out, err);
    }
    Interpreter interpreter = new Interpreter(store, secretSource(false));
    return runScript(
        interpreter,
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
        "stdin");
  }

  private int runScript(Interpreter interpreter, BufferedReader reader, String name) {
    try {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (!runOne(interpreter, line, name + ":" + number + ": ")) {
          return REFUSED;
        }
      }
      return OK;
    } catch (IOException e) {
      err.println("error: cannot read " + name + ": " + e.getMessage());
      return USAGE;
    }
  }

  /** Runs one line; prints its output or its error. False when it was refused. */
  private boolean runOne(Interpreter interpreter, String line, String where) {
    try {
      interpreter.execute(line).forEach(out::println);
      return true;
    } catch (CliException e) {
      err.println(where + "error: " + e.getMessage());
      return false;
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
