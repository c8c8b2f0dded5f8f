package org.nsvpn.cli;

import java.io.InputStream;
import java.util.Optional;

/**
 * Where a PSK can come from besides a file. Never the command line: arguments end up in shell
 * history, in the CLI's history file and in process listings.
 */
public interface SecretSource {

  /** Reads a secret from the terminal without echo; empty when there is no terminal. */
  Optional<char[]> prompt(String prompt);

  /** Standard input, when it is free to carry a secret (not the command stream). */
  Optional<InputStream> stdin();

  /** No terminal and no standard input: only {@code psk file:PATH} works. */
  SecretSource NONE =
      new SecretSource() {
        @Override
        public Optional<char[]> prompt(String prompt) {
          return Optional.empty();
        }

        @Override
        public Optional<InputStream> stdin() {
          return Optional.empty();
        }
      };
}
