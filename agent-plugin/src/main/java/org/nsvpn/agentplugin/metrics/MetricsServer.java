package org.nsvpn.agentplugin.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.nsvpn.agentplugin.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoint (the JDK's own server, one thread): {@code GET /metrics} in the
 * Prometheus text format (the registry scraped at each request), {@code GET /healthz} (200 while
 * the process serves requests) and {@code GET /readyz} (200 when every {@link Readiness} check
 * passes, 503 otherwise), both with a JSON body. Anything else is 404. Bind it to loopback unless
 * the network to the scraper is trusted: it has no authentication.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("nsvpn-metrics"));
  private final PrometheusRegistry registry;
  private final Readiness readiness;
  private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();

  private MetricsServer(HttpServer server, PrometheusRegistry registry, Readiness readiness) {
    this.server = server;
    this.registry = registry;
    this.readiness = readiness;
  }

  /**
   * Binds {@code address} (port 0: any free port) and serves until closed.
   *
   * @throws UncheckedIOException when the address cannot be bound (in use, not this host's)
   */
  public static MetricsServer start(
      InetSocketAddress address, PrometheusRegistry registry, Readiness readiness) {
    HttpServer http;
    try {
      http = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address + ": " + e, e);
    }
    MetricsServer server = new MetricsServer(http, registry, readiness);
    http.setExecutor(server.thread);
    http.createContext("/", server::handle);
    http.start();
    log.info(
        "metrics and health on http://{}:{}/metrics",
        server.address().getAddress().getHostAddress(),
        server.address().getPort());
    return server;
  }

  /** Where the server listens (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "text/plain; charset=utf-8", bytes("only GET\n"));
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/metrics" -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          text.write(body, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
          respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
        }
        case "/healthz" -> {
          ObjectNode body = JSON.createObjectNode().put("status", "alive");
          respond(exchange, 200, "application/json", JSON.writeValueAsBytes(body));
        }
        case "/readyz" -> {
          Map<String, Readiness.Check> checks = readiness.checks();
          boolean ready = checks.values().stream().allMatch(Readiness.Check::ok);
          ObjectNode body = JSON.createObjectNode().put("ready", ready);
          ObjectNode each = body.putObject("checks");
          checks.forEach(
              (name, c) -> each.putObject(name).put("ok", c.ok()).put("detail", c.detail()));
          respond(exchange, ready ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
        }
        default -> respond(exchange, 404, "text/plain; charset=utf-8", bytes("not found\n"));
      }
    } catch (RuntimeException e) {
      log.warn("metrics: request {} failed: {}", exchange.getRequestURI(), e.toString());
      throw e;
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
