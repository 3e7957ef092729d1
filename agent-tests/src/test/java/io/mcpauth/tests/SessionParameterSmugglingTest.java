package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Session takeover by reading the session parameter differently from the transport. The SDK's
 * legacy SSE transports find the session with the container's own parameter decoding
 * ({@code getParameter("sessionId")}, Spring's {@code param}/{@code queryParam}), which decodes
 * names too and merges a form body in; the gate must judge the very same value, and refuse a name
 * given more than once. Every attempt below is made with the attacker's valid token against the
 * victim's session: none may be answered 2xx, and nothing may reach the victim's stream.
 */
class SessionParameterSmugglingTest extends WithIdentityProvider {

  /** Spellings of the victim's session in the message URL's query; {@code V} is the victim's id, {@code A} the attacker's. */
  private static final List<String> QUERIES = List.of(
      "sessionId=V",
      "session%49d=V",
      "%73essionId=V",
      "%73%65%73%73%69%6f%6e%49%64=V",
      "session%49d=V&sessionId=A",
      "sessionId=A&session%49d=V",
      "sessionId=A&sessionId=V",
      "sessionId=V&sessionId=A",
      "%73essionId=A&sessionId=V",
      "sessionId=A&sessionId=V&x=1",
      "sessionId=%56",
      "sessionId=A%26sessionId%3DV",
      "SessionId=V",
      "session%2549d=V",
      "sessionId&sessionId=V",
      "sessionId=&sessionId=V",
      "sessionId%3D=V",
      "%20sessionId=V",
      "sessionId%20=V",
      "sessionId%5B%5D=V",
      ";sessionId=V",
      "sessionId=V;x=1",
      "sessionId=V%00",
      "sessionId=V%20",
      "x=1&&sessionId=A&&sessionId=V");

  @ParameterizedTest(name = "{0}")
  @CsvSource({"servlet-jetty", "servlet-tomcat", "servlet-jetty-sdk017", "spring-webmvc-sdk018", "spring-webflux-sdk018"})
  void theGateReadsTheSessionAsTheTransportDoes(String module) throws Exception {
    try (Fixture server = Fixture.builder().module(module).transport("sse").protectedBy(idp).start()) {
      String victimToken = idp.token(server.resourceUri()).claim("sub", "victim").sign();
      String attackerToken = idp.token(server.resourceUri()).claim("sub", "attacker").sign();
      try (SseSession victim = SseSession.open(server, victimToken);
           SseSession attacker = SseSession.open(server, attackerToken)) {
        List<String> answered = new ArrayList<>();
        int attempt = 0;
        for (String query : QUERIES) {
          String id = "attack-" + (++attempt);
          String url = victim.messagePath + "?" + query.replace("=V", "=" + victim.sessionId)
              .replace("=A", "=" + attacker.sessionId).replace("%56", encodeAll(victim.sessionId));
          int status = Http.post(url, ping(id), "Authorization", "Bearer " + attackerToken).statusCode();
          if (status >= 200 && status < 300) {
            answered.add(query + " -> " + status);
          }
        }
        // The session named in a form body, which getParameter merges in (the SDK's own read)
        String form = "sessionId=" + victim.sessionId;
        int formStatus = Http.send("POST", victim.messagePath, form, "Authorization", "Bearer " + attackerToken,
            "Content-Type", "application/x-www-form-urlencoded").statusCode();
        if (formStatus >= 200 && formStatus < 300) {
          answered.add("form body " + form + " -> " + formStatus);
        }
        int mixed = Http.send("POST", victim.messagePath + "?sessionId=" + attacker.sessionId, form,
            "Authorization", "Bearer " + attackerToken, "Content-Type", "application/x-www-form-urlencoded").statusCode();
        if (mixed >= 200 && mixed < 300) {
          answered.add("query sessionId=A, form body sessionId=V -> " + mixed);
        }
        assertEquals(List.of(), answered, "the attacker's messages accepted for the victim's session");

        // The victim still owns its session, and its stream carried none of the attacker's messages
        assertTrue(isSuccess(victim.post(ping("victim-final"))), "the victim still uses its session");
        victim.awaitLine("victim-final", Duration.ofSeconds(10));
        assertFalse(victim.lines.stream().anyMatch(line -> line.contains("attack-")),
            "the victim's stream carried an answer to the attacker: " + victim.lines);
        // and the attacker's own session still works with the plain spelling
        assertTrue(isSuccess(attacker.post(ping("attacker-own"))), "the attacker's own session");
      }
      server.close();
      LogHygiene.assertNoTokenLogged(server, idp);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"servlet-jetty, streamable", "servlet-tomcat, streamable", "spring-webmvc-sdk018, streamable",
      "spring-webflux-springai, streamable"})
  void aSessionHeaderOrOriginGivenTwiceIsRefused(String module, String transport) {
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp).start()) {
      String token = idp.token(server.resourceUri()).claim("sub", "owner").sign();
      HttpResponse<String> initialized = Http.post(server.url(), Http.INITIALIZE, "Authorization", "Bearer " + token);
      assertEquals(200, initialized.statusCode(), initialized.body());
      String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
      HttpResponse<String> twice = Http.post(server.url(), Http.TOOLS_LIST, "Authorization", "Bearer " + token,
          "Mcp-Session-Id", session, "Mcp-Session-Id", "another-session");
      assertEquals(400, twice.statusCode(), twice.body());
      assertTrue(twice.body().contains("more than once"), twice.body());
      HttpResponse<String> origins = Http.post(server.url(), Http.TOOLS_LIST, "Authorization", "Bearer " + token,
          "Mcp-Session-Id", session, "Origin", server.baseUrl(), "Origin", "http://evil.example");
      assertEquals(400, origins.statusCode(), origins.body());
      int once = Http.post(server.url(), Http.TOOLS_LIST, "Authorization", "Bearer " + token,
          "Mcp-Session-Id", session).statusCode();
      assertEquals(200, once, "one session header is served");
    }
  }

  private static boolean isSuccess(HttpResponse<String> response) {
    return response.statusCode() >= 200 && response.statusCode() < 300;
  }

  private static String ping(String id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"ping\"}";
  }

  private static String encodeAll(String value) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      encoded.append('%').append(String.format("%02X", b & 0xff));
    }
    return encoded.toString();
  }

  /** One caller's legacy SSE session: its stream, read into {@link #lines}, and its message endpoint. */
  private static final class SseSession implements AutoCloseable {
    final String messagePath;
    final String sessionId;
    final String token;
    final List<String> lines;
    private final InputStream in;

    private SseSession(String messagePath, String sessionId, String token, List<String> lines, InputStream in) {
      this.messagePath = messagePath;
      this.sessionId = sessionId;
      this.token = token;
      this.lines = lines;
      this.in = in;
    }

    static SseSession open(Fixture server, String token) throws Exception {
      HttpRequest open = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sse"))
          .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET().build();
      CompletableFuture<HttpResponse<InputStream>> stream =
          HttpClient.newHttpClient().sendAsync(open, HttpResponse.BodyHandlers.ofInputStream());
      HttpResponse<InputStream> response = stream.get(10, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
      String endpoint = null;
      for (String line = in.readLine(); line != null && endpoint == null; line = in.readLine()) {
        if (line.startsWith("data:") && line.contains("sessionId=")) {
          endpoint = line.substring(5).trim();
        }
      }
      assertNotNull(endpoint, "the SSE stream announced its message endpoint");
      String url = endpoint.startsWith("http") ? endpoint : server.baseUrl() + endpoint;
      int query = url.indexOf('?');
      String sessionId = url.substring(url.indexOf("sessionId=", query) + "sessionId=".length());
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (Exception ended) {
          // the stream is cancelled when the session closes
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
      SseSession session = new SseSession(url.substring(0, query), sessionId, token, lines, response.body());
      assertTrue(isSuccess(session.post(Http.INITIALIZE)), "initialize");
      assertTrue(isSuccess(session.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")), "initialized");
      return session;
    }

    HttpResponse<String> post(String body) {
      return Http.post(messagePath + "?sessionId=" + sessionId, body, "Authorization", "Bearer " + token);
    }

    void awaitLine(String text, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (lines.stream().noneMatch(line -> line.contains(text))) {
        assertTrue(System.nanoTime() < deadline, "no line with " + text + " on the stream within " + timeout);
        Thread.sleep(20);
      }
    }

    /** Closes the stream under the reader, not the reader, whose lock its thread holds while it waits. */
    @Override
    public void close() throws java.io.IOException {
      in.close();
    }
  }
}
