package org.nsvpn.agentplugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.nsvpn.agentplugin.datapath.Datapath;
import org.nsvpn.agentplugin.datapath.DatapathStats;
import org.nsvpn.agentplugin.datapath.DatapathStats.PortCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the datapath's counters to a JSON file in the run directory at a fixed interval, replacing
 * it atomically, so that operators, scripts/demo and the multi-host tests can read how many frames
 * this host simulated, tunnelled and received over the overlay, and why it dropped any. Removed on
 * close.
 *
 * <pre>
 * {"simulated":N,"not-local":N,"send-errors":N,"oversize":N,
 *  "drops":{"REASON":N,...},
 *  "overlay":{"tx-frames":N,"tx-bytes":N,"rx-frames":N,"rx-bytes":N,"drops":{"REASON":N,...}},
 *  "ports":{"PORT-UUID":{"rx-frames":N,"rx-bytes":N,"tx-frames":N,"tx-bytes":N},...}}
 * </pre>
 */
final class DatapathStatsFile implements AutoCloseable {
  static final String NAME = "datapath-stats.json";
  private static final Logger log = LoggerFactory.getLogger(DatapathStatsFile.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Datapath datapath;
  private final Path file;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nsvpn-datapath-stats"));
  private volatile boolean failedOnce;

  private DatapathStatsFile(Datapath datapath, Path file) {
    this.datapath = datapath;
    this.file = file;
  }

  /** Writes the file once now (it exists when this returns), then every {@code interval}. */
  static DatapathStatsFile start(Datapath datapath, Path file, Duration interval) {
    DatapathStatsFile writer = new DatapathStatsFile(datapath, file);
    writer.write();
    writer.timer.scheduleWithFixedDelay(
        writer::write, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return writer;
  }

  private void write() {
    try {
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(NAME + ".partial");
      JSON.writeValue(partial.toFile(), encode(datapath.stats()));
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      failedOnce = false;
    } catch (IOException | RuntimeException e) {
      if (!failedOnce) {
        log.warn("cannot write the datapath counters to {}: {}", file, e.toString());
        failedOnce = true;
      }
    }
  }

  static ObjectNode encode(DatapathStats stats) {
    ObjectNode out = JSON.createObjectNode();
    out.put("simulated", stats.simulated());
    out.put("fenced", stats.fenced());
    out.put("not-local", stats.notLocal());
    out.put("send-errors", stats.sendErrors());
    out.put("oversize", stats.oversize());
    ObjectNode drops = out.putObject("drops");
    stats.drops().forEach((reason, n) -> drops.put(reason.name(), n));
    ObjectNode overlay = out.putObject("overlay");
    PortCounters traffic = stats.overlay().traffic();
    overlay.put("tx-frames", traffic.txFrames());
    overlay.put("tx-bytes", traffic.txBytes());
    overlay.put("rx-frames", traffic.rxFrames());
    overlay.put("rx-bytes", traffic.rxBytes());
    ObjectNode overlayDrops = overlay.putObject("drops");
    stats.overlay().drops().forEach((reason, n) -> overlayDrops.put(reason.name(), n));
    ObjectNode ports = out.putObject("ports");
    stats
        .ports()
        .forEach(
            (port, c) -> {
              ObjectNode p = ports.putObject(port.toString());
              p.put("rx-frames", c.rxFrames());
              p.put("rx-bytes", c.rxBytes());
              p.put("tx-frames", c.txFrames());
              p.put("tx-bytes", c.txBytes());
            });
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", file, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
