package org.nsvpn.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nsvpn.chainrules.InvalidValueException;
import org.nsvpn.chainrules.SafeText;
import org.nsvpn.chainrules.id.VpnServiceId;
import org.nsvpn.topology.StoreException;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.status.VpnServiceStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nsvpn-swanctl SERVICE [SWANCTL-ARGUMENTS]}: runs strongSwan's own {@code swanctl} against
 * the charon of one VPN service on this host, found by the service's alias, name or id. Each
 * service's charon listens on a VICI socket of its own under the agent's run directory (not the
 * system-wide default that {@code swanctl} looks for), which the agent reports in the service's
 * status; this command reads it from there and adds {@code --uri unix://PATH} to the arguments
 * ({@code --list-sas} when there are none). Everything after SERVICE goes to swanctl unchanged.
 *
 * <p>Exit codes: swanctl's own when it ran; 1 the service is unknown, has no running charon, or
 * runs on another host (the message names it); 2 bad options; 3 the store is unreachable; 127
 * swanctl cannot be started.
 */
@Command(
    name = "nsvpn-swanctl",
    mixinStandardHelpOptions = true,
    description = "Runs swanctl against the charon of one nsvpn VPN service on this host.",
    footer = {
      "",
      "Example: nsvpn-swanctl vpn0 --list-sas --ike vpn0-conn0",
      "Exit codes: swanctl's own; 1 service unknown, not running or on another host; 2 usage;"
          + " 3 store unreachable; 127 swanctl missing."
    })
public final class SwanctlCommand implements Callable<Integer> {
  static final int NOT_HERE = 1;
  static final int NO_SWANCTL = 127;

  @Mixin StoreOptions storeOptions;

  @Option(
      names = "--swanctl",
      paramLabel = "PATH",
      defaultValue = "swanctl",
      description = "The swanctl program (default: ${DEFAULT-VALUE} on PATH).")
  String swanctl;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "alias, name or id")
  String service;

  @Parameters(
      index = "1..*",
      paramLabel = "SWANCTL-ARGUMENT",
      description = "passed to swanctl (default: --list-sas)")
  List<String> arguments = new ArrayList<>();

  private final PrintStream err;

  SwanctlCommand(PrintStream err) {
    this.err = err;
  }

  public static void main(String[] args) {
    CliLogging.select();
    java.util.logging.LogManager.getLogManager().reset();
    System.exit(run(args, System.err));
  }

  static int run(String[] args, PrintStream err) {
    CommandLine cl =
        NsvpnCli.commandLine(new SwanctlCommand(err), "nsvpn-swanctl", System.out, err);
    cl.setStopAtPositional(true);
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    Path socket;
    try (StoreOptions.Opened opened = storeOptions.open(Optional.empty())) {
      StoreSnapshot snapshot = opened.store().refresh();
      VpnServiceId id = new Refs(snapshot).vpnService("vpn-service", service);
      String label = snapshot.label(id);
      Optional<VpnServiceStatus> status = opened.store().status().serviceStatus(id);
      if (status.isEmpty()) {
        return refuse(
            "vpn-service " + label + ": no agent has reported on it; it runs nowhere yet");
      }
      String host = snapshot.label(status.get().host());
      if (status.get().viciSocket().isEmpty()) {
        return refuse(
            "vpn-service "
                + label
                + ": its charon is not running (state "
                + status.get().state().text()
                + " on host "
                + host
                + ")");
      }
      socket = Path.of(status.get().viciSocket().get());
      if (!Files.exists(socket)) {
        return refuse(
            "vpn-service "
                + label
                + " runs on host "
                + host
                + ": its VICI socket "
                + socket
                + " is not on this machine; run nsvpn-swanctl there");
      }
    } catch (CliException | InvalidValueException e) {
      return refuse(e.getMessage());
    } catch (StoreException e) {
      err.println(SafeText.escape("error: " + e.getMessage()));
      return NsvpnCli.UNAVAILABLE;
    }
    List<String> command = new ArrayList<>();
    command.add(swanctl);
    command.addAll(arguments.isEmpty() ? List.of("--list-sas") : arguments);
    command.add("--uri");
    command.add("unix://" + socket);
    try {
      return new ProcessBuilder(command).inheritIO().start().waitFor();
    } catch (IOException e) {
      err.println(
          SafeText.escape(
              "error: cannot run "
                  + swanctl
                  + " ("
                  + e.getMessage()
                  + "); install it with: sudo scripts/install-deps"));
      return NO_SWANCTL;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NsvpnCli.UNAVAILABLE;
    }
  }

  private int refuse(String message) {
    err.println(SafeText.escape("error: " + message));
    return NOT_HERE;
  }
}
