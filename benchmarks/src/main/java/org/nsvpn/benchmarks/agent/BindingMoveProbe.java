package org.nsvpn.benchmarks.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.nsvpn.chainrules.id.EntityId;
import org.nsvpn.chainrules.id.HostId;
import org.nsvpn.chainrules.id.PortId;
import org.nsvpn.chainrules.model.BridgePort;
import org.nsvpn.chainrules.model.Host;
import org.nsvpn.chainrules.model.HostBinding;
import org.nsvpn.chainrules.model.Port;
import org.nsvpn.chainrules.model.RouterPort;
import org.nsvpn.topology.ObjectKind;
import org.nsvpn.topology.SecretsCredential;
import org.nsvpn.topology.StoreSnapshot;
import org.nsvpn.topology.StoreTransaction;
import org.nsvpn.topology.TopologyStore;
import org.nsvpn.topology.Versioned;
import org.nsvpn.topology.ZooKeeperClients;

/**
 * Moves one port's binding and prints, in epoch milliseconds, the moment the commit returned: the
 * start of the clock for {@code scripts/bench-overlay}'s "commit -> traffic follows", which a CLI
 * invocation cannot give (its JVM start and shutdown surround the commit by hundreds of ms). The
 * connection is made before the clock starts.
 *
 * <p>Usage: {@code BindingMoveProbe ZK_CONNECT SECRETS_AUTH ROUTER_ALIAS PORT_ALIAS HOST_NAME
 * INTERFACE}, e.g. {@code ... router0 port1 host3-ab12cd vmb3}.
 */
public final class BindingMoveProbe {
  private BindingMoveProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: BindingMoveProbe ZK_CONNECT SECRETS_AUTH ROUTER_ALIAS PORT_ALIAS HOST_NAME IF");
      System.exit(2);
    }
    SecretsCredential credential = SecretsCredential.load(Path.of(args[1]));
    try (CuratorFramework client =
            ZooKeeperClients.connect(args[0], Optional.of(credential), Duration.ofSeconds(30));
        TopologyStore store =
            TopologyStore.open(client, TopologyStore.DEFAULT_ROOT, Optional.of(credential))) {
      StoreSnapshot s = store.refresh();
      EntityId router =
          s.byAlias(ObjectKind.ROUTER, Optional.empty(), args[2])
              .orElseThrow(() -> missing(args[2]));
      PortId portId =
          (PortId)
              s.byAlias(ObjectKind.PORT, Optional.of(router), args[3])
                  .orElseThrow(() -> missing(args[3]));
      HostId host =
          s.list(ObjectKind.HOST).stream()
              .map(Versioned::value)
              .filter(h -> h.name().equals(args[4]))
              .map(Host::id)
              .findFirst()
              .orElseThrow(() -> missing(args[4]));
      Versioned<Port> port = s.get(ObjectKind.PORT, portId).orElseThrow();
      Optional<HostBinding> binding = Optional.of(new HostBinding(host, args[5]));
      Port moved =
          port.value() instanceof RouterPort rp
              ? rp.withBinding(binding)
              : ((BridgePort) port.value()).withBinding(binding);
      store.commit(StoreTransaction.builder().update(moved, port.version()).build());
      System.out.println(System.currentTimeMillis());
    }
  }

  private static IllegalArgumentException missing(String what) {
    return new IllegalArgumentException("no " + what + " in the topology");
  }
}
