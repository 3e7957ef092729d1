package io.mcpauth.tests;

import static io.mcpauth.tests.support.RawSession.toolsCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.RawSession;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RS-SEC-57: with per-message rules the gate reads each body before the server, and refuses what
 * it cannot judge the way the server would read it (vectors J01-J19 run as unit tests; these are
 * the same refusals end to end, on a servlet and on the WebFlux event loop). Every bad body gets
 * its own status and reason, and the server keeps serving.
 */
class MessageBodyTest extends WithIdentityProvider {

  private static final String ECHO = toolsCall("echo");

  @ParameterizedTest(name = "{0}")
  @CsvSource({"servlet-jetty", "servlet-jetty-sdk017", "spring-webflux-springai", "spring-webmvc-springai"})
  void badBodiesAreRefusedAndTheServerKeepsServing(String module) throws Exception {
    try (Fixture server = Fixture.builder().module(module).transport("stateless").protectedBy(idp)
        .property("mcpauth.scopes.tool.whoami", "admin")
        .property("mcpauth.max-body-bytes", "2048")
        .start()) {
      String token = idp.token(server.resourceUri()).claim("scope", "mcp:tools").sign();
      String auth = "Bearer " + token;
      assertRefused(415, "the Content-Type is not application/json in UTF-8",
          send(server, ECHO, "Authorization", auth, "Content-Type", "text/plain"));
      assertRefused(415, "the Content-Type is not application/json in UTF-8",
          send(server, ECHO, "Authorization", auth, "Content-Type", "application/json; charset=ISO-8859-1"));
      assertRefused(415, "the body has a Content-Encoding",
          send(server, ECHO, "Authorization", auth, "Content-Type", "application/json", "Content-Encoding", "gzip"));
      assertRefused(400, "JSON-RPC batches are not accepted",
          send(server, "[" + ECHO + "]", "Authorization", auth, "Content-Type", "application/json"));
      HttpResponse<String> duplicate = send(server,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}",
          "Authorization", auth, "Content-Type", "application/json");
      assertEquals(400, duplicate.statusCode(), duplicate.body());
      HttpResponse<String> nulSuffixed = send(server,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"method\\u0000\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}",
          "Authorization", auth, "Content-Type", "application/json");
      assertEquals(400, nulSuffixed.statusCode(), nulSuffixed.body());
      String large = toolsCall("echo").replace("\"hi\"", "\"" + "x".repeat(3000) + "\"");
      assertRefused(413, "the body is larger than 2048 bytes",
          send(server, large, "Authorization", auth, "Content-Type", "application/json"));
      assertRefused(413, "the body is larger than 2048 bytes", chunked(server, large, auth));
      // the limit is the limit: a body just under it is served, chunked too
      String fits = toolsCall("echo").replace("\"hi\"", "\"" + "y".repeat(1800) + "\"");
      assertEquals(200, chunked(server, fits, auth).statusCode());
      // a refused body never reaches the server: the fixture's tools ran only for the admitted calls
      RawSession session = RawSession.open(server, token);
      HttpResponse<String> echo = session.post(ECHO);
      assertEquals(200, echo.statusCode(), echo.body());
      assertTrue(echo.body().contains("\"text\":\"hi\""), echo.body());
      assertEquals(403, session.post(toolsCall("whoami")).statusCode());
      server.close();
      assertEquals(List.of("echo", "echo"), server.toolCalls(), "only the two admitted calls reached a tool");
      LogHygiene.assertNoTokenLogged(server, idp);
    }
  }

  private static void assertRefused(int status, String reason, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("{\"error\":\"invalid_request\",\"error_description\":\"" + reason + "\"}", response.body());
  }

  private static HttpResponse<String> send(Fixture server, String body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Accept";
    all[1] = "application/json, text/event-stream";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return Http.send("POST", server.url(), body, all);
  }

  /** A body without Content-Length (chunked transfer coding): only reading it tells its size. */
  private static HttpResponse<String> chunked(Fixture server, String body, String auth) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url())).timeout(Duration.ofSeconds(10))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
