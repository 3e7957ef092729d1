package io.mcpauth.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.config.MetricsConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /metrics only, on the configured address. */
class MetricsEndpointTest {

  private final AgentMetrics metrics = new AgentMetrics();
  private final HttpClient client = HttpClient.newHttpClient();
  private MetricsEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint = MetricsEndpoint.start(new MetricsConfig(InetAddress.getLoopbackAddress(), 0, false), metrics);
  }

  @AfterEach
  void stop() {
    endpoint.stop();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheCountersAsTheyMove() throws Exception {
    HttpResponse<String> before = send("GET", "/metrics");
    assertEquals(200, before.statusCode());
    assertEquals(PrometheusText.CONTENT_TYPE, before.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(before.body().contains("mcpauth_requests_total{outcome=\"success\"} 0\n"), before.body());
    metrics.admitted();
    metrics.admitted();
    assertTrue(send("GET", "/metrics").body().contains("mcpauth_requests_total{outcome=\"success\"} 2\n"));
  }

  @Test
  void getOnMetricsOnly() throws Exception {
    assertEquals(405, send("POST", "/metrics").statusCode());
    assertEquals(405, send("DELETE", "/metrics").statusCode());
    assertEquals(404, send("GET", "/").statusCode());
    assertEquals(404, send("GET", "/metrics/x").statusCode());
    assertEquals(404, send("GET", "/metricsx").statusCode());
  }
}
