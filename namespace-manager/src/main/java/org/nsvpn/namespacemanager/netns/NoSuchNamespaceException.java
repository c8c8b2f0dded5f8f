package org.nsvpn.namespacemanager.netns;

/** The named network namespace does not exist (no nsfs bind mount at its path). */
public final class NoSuchNamespaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String name;

  public NoSuchNamespaceException(String name) {
    super("network namespace '" + name + "' does not exist");
    this.name = name;
  }

  public String name() {
    return name;
  }
}
