package org.nsvpn.strongswan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;
import org.nsvpn.chainrules.status.ConnectionStatus;
import org.nsvpn.strongswan.vici.ViciClient;

/**
 * A handle on the charon of one network namespace, from {@link StrongSwan#startOrAdopt}.
 *
 * <p>Lifecycle: {@link InstanceState#RUNNING} until one of {@link #close()} (detach: charon keeps
 * running with its SAs, for the next handle to adopt, which is what an agent restart does), {@link
 * #stop()} (charon is stopped: SIGTERM, then SIGKILL after the configured timeout), or charon
 * ending by itself ({@link InstanceState#EXITED}, noticed within milliseconds through a pidfd also
 * for an adopted charon, reported to listeners and as the reason of every connection; starting a
 * new charon is the caller's decision). All final; methods other than {@link #status()} then fail
 * with {@link IllegalStateException}.
 *
 * <p>Thread-safe and non-blocking: every method returns at once; results come as futures completed
 * on the instance's own serial executor (never a Netty event loop).
 */
public interface CharonInstance extends AutoCloseable {

  String namespace();

  /** charon's process id. */
  long pid();

  /** True when this handle found charon already running instead of starting it. */
  boolean adopted();

  Backend backend();

  /** The instance directory (pid file, sockets, log, strongswan.conf). */
  Path directory();

  /**
   * charon's VICI socket, in the host's file system: {@code swanctl --uri unix://PATH} talks to
   * this charon from any namespace.
   */
  Path viciSocket();

  InstanceState state();

  /**
   * Makes charon run exactly {@code connections}, changing only what differs: connections that are
   * new or whose configuration changed are loaded (their PSK first, with load-shared), connections
   * no longer listed or administratively down are unloaded (their SAs close), and unchanged ones
   * are not touched, so their SAs keep their SPIs. PSKs are compared by keyed digest in memory
   * only; a changed PSK is reloaded without touching the connection. A change of what is negotiated
   * replaces the SAs make-before-break (see {@link ConnectionApplier}). Bi-directional connections
   * without an SA are initiated, unless they wait out a retry delay after a failure (the instance
   * initiates them itself when it ends): call this once the path to the peers exists. Applies run
   * one after another in call order.
   *
   * @throws org.nsvpn.chainrules.InvalidValueException at once, naming the field, when a connection
   *     cannot be run with this instance's backend or an id is listed twice; nothing is changed
   */
  CompletableFuture<ApplyResult> apply(List<ConnectionSpec> connections, PresharedKeys keys);

  /** The latest status of every configured connection (a snapshot; never blocks). */
  Map<IpsecSiteConnectionId, ConnectionStatus> status();

  /** Lists the SAs now and completes with the statuses that result. */
  CompletableFuture<Map<IpsecSiteConnectionId, ConnectionStatus>> refresh();

  void addListener(StatusListener listener);

  void removeListener(StatusListener listener);

  /** The VICI client, for diagnostics; configure connections only through {@link #apply}. */
  ViciClient vici();

  /** Stops charon (graceful, then forceful); completes when it is gone. Idempotent. */
  CompletableFuture<Void> stop();

  /**
   * Kills charon at once (SIGKILL), without the DELETE notifications a graceful stop sends its
   * peers: for a charon whose namespace was removed, to be replaced at once. The replacement's
   * first IKE_AUTH carries INITIAL_CONTACT, on which the peers drop the old SAs themselves, so both
   * ends do not race to negotiate anew. Completes when it is gone; idempotent with {@link #stop()}.
   */
  CompletableFuture<Void> abandon();

  /**
   * Detaches: closes the VICI and error-notify connections and leaves charon running. Idempotent.
   */
  @Override
  void close();
}
