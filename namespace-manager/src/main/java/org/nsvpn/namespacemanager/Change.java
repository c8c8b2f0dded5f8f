package org.nsvpn.namespacemanager;

import java.util.Objects;

/**
 * One change {@link NamespaceManager#ensure} made.
 *
 * @param kind what was done
 * @param subject to what, e.g. {@code 169.254.1.2/30} or {@code net.ipv4.ip_forward=1}
 */
public record Change(ChangeKind kind, String subject) {
  public Change {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
  }

  @Override
  public String toString() {
    return kind + " " + subject;
  }
}
