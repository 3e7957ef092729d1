package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
 * One caller's MCP session over raw HTTP, on any of the three transports, to look at the status
 * and challenge of each POSTed message: stateless posts to the endpoint; streamable initializes
 * first and sends the session id; legacy SSE opens the stream and posts to the endpoint it names.
 */
public final class RawSession implements AutoCloseable {

  private final String token;
  private final String postUrl;
  private final String sessionId;
  private final CompletableFuture<HttpResponse<InputStream>> stream;

  private RawSession(String token, String postUrl, String sessionId, CompletableFuture<HttpResponse<InputStream>> stream) {
    this.token = token;
    this.postUrl = postUrl;
    this.sessionId = sessionId;
    this.stream = stream;
  }

  public static RawSession open(Fixture server, String token) {
    switch (server.transport()) {
      case "stateless":
        return new RawSession(token, server.url(), null, null);
      case "streamable": {
        HttpResponse<String> initialized = Http.post(server.url(), Http.INITIALIZE, "Authorization", "Bearer " + token);
        assertEquals(200, initialized.statusCode(), initialized.body());
        RawSession session = new RawSession(token, server.url(),
            initialized.headers().firstValue("Mcp-Session-Id").orElseThrow(), null);
        session.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
      }
      default:
        return legacySse(server, token);
    }
  }

  private static RawSession legacySse(Fixture server, String token) {
    HttpRequest open = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sse"))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET().build();
    CompletableFuture<HttpResponse<InputStream>> stream =
        HttpClient.newHttpClient().sendAsync(open, HttpResponse.BodyHandlers.ofInputStream());
    try {
      HttpResponse<InputStream> response = stream.get(10, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
      String endpoint = null;
      for (String line = lines.readLine(); line != null && endpoint == null; line = lines.readLine()) {
        if (line.startsWith("data:") && line.contains("sessionId=")) {
          endpoint = line.substring(5).trim();
        }
      }
      assertNotNull(endpoint, "the SSE stream announced its message endpoint");
      RawSession session = new RawSession(token, endpoint.startsWith("http") ? endpoint : server.baseUrl() + endpoint,
          null, stream);
      session.post(Http.INITIALIZE);
      session.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      return session;
    } catch (Exception e) {
      stream.cancel(true);
      throw new AssertionError("could not open a legacy SSE session: " + e, e);
    }
  }

  /** POSTs a JSON-RPC body with this caller's token (and the session id), plus extra header pairs. */
  public HttpResponse<String> post(String body, String... headers) {
    String[] all = new String[headers.length + (sessionId == null ? 2 : 4)];
    all[0] = "Authorization";
    all[1] = "Bearer " + token;
    if (sessionId != null) {
      all[2] = "Mcp-Session-Id";
      all[3] = sessionId;
    }
    System.arraycopy(headers, 0, all, all.length - headers.length, headers.length);
    return Http.post(postUrl, body, all);
  }

  public static String toolsCall(String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
        + "\",\"arguments\":{\"text\":\"hi\"}}}";
  }

  @Override
  public void close() {
    if (stream != null) {
      stream.cancel(true);
    }
  }
}
