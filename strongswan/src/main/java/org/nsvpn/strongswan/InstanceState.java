package org.nsvpn.strongswan;

/** The lifecycle of a {@link CharonInstance} handle. */
public enum InstanceState {
  /** charon runs and this handle drives it. */
  RUNNING,
  /** charon ended without being asked to (crash, kill); final for this handle. */
  EXITED,
  /** charon was stopped through {@link CharonInstance#stop()}; final. */
  STOPPED,
  /** The handle was closed; charon was left running for the next handle to adopt; final. */
  CLOSED
}
