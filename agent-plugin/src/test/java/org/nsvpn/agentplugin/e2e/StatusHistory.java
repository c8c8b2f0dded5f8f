package org.nsvpn.agentplugin.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.nsvpn.chainrules.id.IpsecSiteConnectionId;

/**
 * Every version of the connection status records the agent writes to ZooKeeper, as a ZooKeeper
 * watch sees them (an independent reader of the store, the way any consumer would follow status):
 * per connection, {@code up} or the reason code, in order. ZooKeeper watches may coalesce versions
 * written in quick succession, so a state shorter than a watch round trip can be missed; the tests
 * use it for states that last.
 */
final class StatusHistory implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/nsvpn/status/ipsec-site-connections";

  private final CuratorCache cache;
  private final Map<String, List<String>> seen = new ConcurrentHashMap<>();
  private final List<Integer> versions = new CopyOnWriteArrayList<>();

  private StatusHistory(CuratorFramework client) {
    this.cache = CuratorCache.build(client, PATH);
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forCreatesAndChanges(
                    (before, node) -> {
                      if (node.getPath().length() > PATH.length()) {
                        record(node.getPath().substring(PATH.length() + 1), node.getData());
                        versions.add(node.getStat().getVersion());
                      }
                    })
                .build());
    cache.start();
  }

  static StatusHistory follow(CuratorFramework client) {
    return new StatusHistory(client);
  }

  private void record(String connection, byte[] data) {
    try {
      JsonNode json = JSON.readTree(data);
      String what =
          json.hasNonNull("reason-code")
              ? json.get("reason-code").asText()
              : json.get("state").asText();
      seen.computeIfAbsent(connection, c -> new CopyOnWriteArrayList<>()).add(what);
    } catch (IOException e) {
      seen.computeIfAbsent(connection, c -> new CopyOnWriteArrayList<>()).add("unreadable");
    }
  }

  /** {@code up} or the reason code of each version seen, oldest first. */
  List<String> of(IpsecSiteConnectionId connection) {
    return List.copyOf(seen.getOrDefault(connection.toString(), List.of()));
  }

  /** How many versions of all records were seen. */
  int writesSeen() {
    return versions.size();
  }

  @Override
  public void close() {
    cache.close();
  }
}
