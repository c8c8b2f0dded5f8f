package org.nsvpn.namespacemanager.netns;

/** A network namespace of that name (or a file at its path) already exists. */
public final class NamespaceExistsException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String name;

  public NamespaceExistsException(String name) {
    super("network namespace '" + name + "' already exists");
    this.name = name;
  }

  public String name() {
    return name;
  }
}
