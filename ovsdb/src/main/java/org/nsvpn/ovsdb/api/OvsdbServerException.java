package org.nsvpn.ovsdb.api;

import java.util.Optional;

/**
 * The server answered with an RFC 7047 error object: a short {@link #error() error} string (such as
 * {@code unknown database}, {@code constraint violation}, {@code referential integrity violation})
 * and optional human-readable {@link #details() details}.
 */
public class OvsdbServerException extends OvsdbException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final String error;
  private final String details;

  public OvsdbServerException(String method, String error, Optional<String> details) {
    this(method, error, details, method + ": " + error + details.map(d -> ": " + d).orElse(""));
  }

  protected OvsdbServerException(
      String method, String error, Optional<String> details, String message) {
    super(message);
    this.method = method;
    this.error = error;
    this.details = details.orElse(null);
  }

  /** The JSON-RPC method that failed. */
  public String method() {
    return method;
  }

  /** OVSDB's error string, e.g. {@code constraint violation}. */
  public String error() {
    return error;
  }

  /** OVSDB's details, when it gave any. */
  public Optional<String> details() {
    return Optional.ofNullable(details);
  }
}
