package io.mcpauth.core.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpauth.core.config.MetricsConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} in the Prometheus text format, on the JDK's HTTP server (as the embedded
 * authorization server serves), bound only where configured, on one daemon thread. Any other path
 * is 404 and any other method 405; the answer holds counters only, no secrets.
 */
public final class MetricsEndpoint {

  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  public static MetricsEndpoint start(MetricsConfig config, AgentMetrics metrics) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 16);
    server.createContext("/", exchange -> answer(exchange, metrics));
    server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mcpauth-metrics");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
    return new MetricsEndpoint(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange exchange, AgentMetrics metrics) throws IOException {
    try {
      if (!exchange.getRequestURI().getRawPath().equals("/metrics")) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found; the metrics are at /metrics\n", false);
      } else if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, "text/plain; charset=utf-8", "only GET\n", false);
      } else {
        send(exchange, 200, PrometheusText.CONTENT_TYPE, PrometheusText.of(metrics.families()), true);
      }
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body, boolean noStore)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (noStore) {
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
