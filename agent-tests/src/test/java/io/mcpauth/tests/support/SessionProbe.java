package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session opened with one caller's token, then used with another's (RS session binding): the
 * other caller gets 404, the owner is served. Raw HTTP, so that both tokens meet one session id.
 */
public final class SessionProbe {

  private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  private SessionProbe() {}

  public static void assertBoundToItsOwner(Fixture server, String owner, String other) {
    if (server.transport().equals("sse")) {
      legacySse(server, owner, other);
    } else {
      streamable(server, owner, other);
    }
  }

  private static void streamable(Fixture server, String owner, String other) {
    HttpResponse<String> initialized = Http.post(server.url(), Http.INITIALIZE, "Authorization", "Bearer " + owner);
    assertEquals(200, initialized.statusCode(), initialized.body());
    String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
    // the owner speaks first: Spring transports bind a session on its first use
    int ownerStatus = Http.post(server.url(), INITIALIZED, "Authorization", "Bearer " + owner, "Mcp-Session-Id", session)
        .statusCode();
    assertTrue(ownerStatus == 200 || ownerStatus == 202, "the owner uses its session: " + ownerStatus);
    HttpResponse<String> stolen = Http.post(server.url(), Http.TOOLS_LIST, "Authorization", "Bearer " + other,
        "Mcp-Session-Id", session);
    assertEquals(404, stolen.statusCode(), "another caller's token on the session: " + stolen.body());
    assertEquals(404, Http.send("DELETE", server.url(), null, "Authorization", "Bearer " + other,
        "Mcp-Session-Id", session).statusCode(), "nor may it delete the session");
    int again = Http.post(server.url(), INITIALIZED, "Authorization", "Bearer " + owner, "Mcp-Session-Id", session)
        .statusCode();
    assertTrue(again == 200 || again == 202, "the owner still has its session: " + again);
  }

  private static void legacySse(Fixture server, String owner, String other) {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest open = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sse"))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + owner).GET().build();
    CompletableFuture<HttpResponse<InputStream>> stream = client.sendAsync(open, HttpResponse.BodyHandlers.ofInputStream());
    try {
      HttpResponse<InputStream> response = stream.get(10, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      String endpoint = null;
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null && endpoint == null; line = lines.readLine()) {
          if (line.startsWith("data:") && line.contains("sessionId=")) {
            endpoint = line.substring(5).trim();
          }
        }
        assertNotNull(endpoint, "the SSE stream announced its message endpoint");
        String url = endpoint.startsWith("http") ? endpoint : server.baseUrl() + endpoint;
        int first = Http.post(url, Http.INITIALIZE, "Authorization", "Bearer " + owner).statusCode();
        assertTrue(first >= 200 && first < 300, "the owner posts to its session: " + first);
        HttpResponse<String> stolen = Http.post(url, Http.TOOLS_LIST, "Authorization", "Bearer " + other);
        assertEquals(404, stolen.statusCode(), "another caller's token on the session: " + stolen.body());
      }
    } catch (Exception e) {
      throw new AssertionError("legacy SSE session probe failed: " + e, e);
    } finally {
      stream.cancel(true);
    }
  }
}
