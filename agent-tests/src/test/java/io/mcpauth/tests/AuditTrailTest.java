package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.OAuthDriver;
import io.mcpauth.tests.support.RawSession;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The audit trail end to end: every kind of request the decision table of docs/requests.md names
 * gets exactly one JSON line with its reason, status and fields (each request carries a traceparent
 * of its own, so its line is found by trace.id); a run through the embedded authorization server
 * gets its events; and no token, secret, password, code or session id used appears anywhere in the trail.
 */
class AuditTrailTest {

  private static final String CALL_ECHO = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
      + "\"arguments\":{\"text\":\"hi\"}}}";
  private static final String CALL_WHOAMI = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}";
  private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  /** One request sent, and what its line must say. */
  private record Expected(String traceId, int status, String reason, Map<String, Object> fields) {}

  private final List<Expected> expected = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();
  private int traces;

  private String nextTrace() {
    return String.format("%032x", 0xa0d17L + ++traces);
  }

  private static String traceparent(String traceId) {
    return "00-" + traceId + "-00f067aa0ba902b7-01";
  }

  /** Sends one request with a traceparent of its own and notes the line it must produce. */
  private HttpResponse<String> expect(int status, String reason, Map<String, Object> fields,
      Function<String, HttpResponse<String>> send) {
    String traceId = nextTrace();
    HttpResponse<String> response = send.apply(traceparent(traceId));
    if (status > 0) {
      assertEquals(status, response.statusCode(), reason + ": " + response.body());
    }
    expected.add(new Expected(traceId, status, reason, fields));
    return response;
  }

  private static Map<String, Object> fields(Object... pairs) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      fields.put((String) pairs[i], pairs[i + 1]);
    }
    return fields;
  }

  private static List<Map<String, Object>> readTrail(Path file, int atLeast) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
      if (lines.size() >= atLeast) {
        break;
      }
      Thread.sleep(100);
    }
    // the writer flushes at least once a second: whatever was still queued is in the file now
    Thread.sleep(1500);
    lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    List<Map<String, Object>> events = new ArrayList<>();
    for (String line : lines) {
      events.add(OAuthDriver.json(line));
    }
    return events;
  }

  private static void assertNoSecretIn(String trail, List<String> secrets) {
    for (String secret : secrets) {
      if (secret == null || secret.length() < 8) {
        continue;
      }
      String[] parts = secret.split("\\.");
      if (trail.contains(secret)) {
        fail("a token, secret, password, code or session id appears in the audit trail");
      }
      for (String part : parts) {
        if (part.length() >= 16 && trail.contains(part)) {
          fail("part of a token or secret appears in the audit trail");
        }
      }
    }
  }

  @Test
  @DisplayName("every decision of the gate is one line with its reason, status and fields; nothing secret is written")
  void gateDecisions() throws Exception {
    Path dir = Files.createTempDirectory("mcpauth-audit");
    Path trail = dir.resolve("audit.log");
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        Fixture server = Fixture.builder().protectedBy(idp)
            .property("mcpauth.scopes.required", "mcp:tools")
            .property("mcpauth.scopes.tool.whoami", "admin")
            .property("mcpauth.max-body-bytes", "1024")
            .property("mcpauth.token.max-length", "4096")
            .property("mcpauth.audit.file", trail.toString())
            .start()) {
      String url = server.url();
      String resource = server.resourceUri();
      String valid = idp.token(resource).claim("sub", "alice").sign();
      String bobs = idp.token(resource).claim("sub", "bob").sign();
      String narrow = idp.token(resource).claim("scope", "mcp:read").sign();
      String auth = bearer(valid);

      // admitted: initialize opens a session, which the later requests use
      HttpResponse<String> init = expect(200, null, fields("user.id", "alice", "mcpauth.client_id", "test-client",
          "mcpauth.issuer", idp.issuer(), "mcp.method", "initialize"),
          tp -> Http.post(url, Http.INITIALIZE, "Authorization", auth, "traceparent", tp));
      String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
      secrets.add(session);
      expect(0, null, fields("mcp.method", "notifications/initialized"),
          tp -> Http.post(url, INITIALIZED, "Authorization", auth, "Mcp-Session-Id", session, "traceparent", tp));
      expect(0, null, fields("mcp.method", "tools/call", "mcp.tool", "echo"),
          tp -> Http.post(url, CALL_ECHO, "Authorization", auth, "Mcp-Session-Id", session, "traceparent", tp));
      String hostileName = "evil\u0001\n{\"event.action\":\"forged\"}";
      expect(0, null, fields("mcp.tool", hostileName),
          tp -> Http.post(url, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"evil\\u0001\\n{\\\"event.action\\\":\\\"forged\\\"}\"}}", "Authorization", auth, "Mcp-Session-Id", session,
              "traceparent", tp));

      // the rows of the decision table, one reason each
      expect(401, "token_missing", fields(), tp -> Http.post(url, Http.INITIALIZE, "traceparent", tp));
      expect(401, "token_missing", fields(), tp -> Http.post(url + "?access_token=" + valid, Http.INITIALIZE, "traceparent", tp));
      expect(401, "token_missing", fields(),
          tp -> Http.post(url, Http.INITIALIZE, "Authorization", "Basic dXNlcjpwYXNz", "traceparent", tp));
      expect(400, "authorization_malformed", fields(),
          tp -> Http.post(url, Http.INITIALIZE, "Authorization", auth, "Authorization", auth, "traceparent", tp));
      expect(401, "token_malformed", fields(),
          tp -> Http.post(url, Http.INITIALIZE, "Authorization", "Bearer eyJ%2E.x.y", "traceparent", tp));
      String[] parts = valid.split("\\.");
      String none = java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
      expect(401, "algorithm_refused", fields(), tp -> Http.post(url, Http.INITIALIZE, "Authorization", bearer(none), "traceparent", tp));
      Map<String, String> hostileTokens = new LinkedHashMap<>();
      hostileTokens.put("header_parameter_refused", idp.token(resource).header("jku", idp.jwksUri()).sign());
      hostileTokens.put("typ_not_accepted", idp.token(resource).header("typ", "JWT").sign());
      hostileTokens.put("key_unknown", idp.token(resource).kidHeader("no-such-key").sign());
      char last = valid.charAt(valid.length() - 5);
      hostileTokens.put("signature_invalid",
          valid.substring(0, valid.length() - 5) + (last == 'A' ? 'B' : 'A') + valid.substring(valid.length() - 4));
      hostileTokens.put("issuer_untrusted", idp.token(resource).claim("iss", idp.issuer() + "/other").sign());
      hostileTokens.put("audience_mismatch", idp.token("http://127.0.0.1:1/mcp").sign());
      hostileTokens.put("token_expired", idp.token(resource).expiresIn(-3600).sign());
      hostileTokens.put("token_not_yet_valid", idp.token(resource).claim("nbf", System.currentTimeMillis() / 1000 + 600).sign());
      hostileTokens.put("lifetime_refused", idp.token(resource).expiresIn(3 * 86400).sign());
      hostileTokens.put("sender_constrained", idp.token(resource).claim("cnf", Map.of("jkt", "abc")).sign());
      for (Map.Entry<String, String> hostile : hostileTokens.entrySet()) {
        expect(401, hostile.getKey(), fields(),
            tp -> Http.post(url, Http.INITIALIZE, "Authorization", bearer(hostile.getValue()), "traceparent", tp));
      }
      expect(403, "insufficient_scope", fields("mcpauth.client_id", "test-client"),
          tp -> Http.post(url, Http.INITIALIZE, "Authorization", bearer(narrow), "traceparent", tp));
      expect(403, "insufficient_scope", fields("mcp.method", "tools/call", "mcp.tool", "whoami", "user.id", "alice"),
          tp -> Http.post(url, CALL_WHOAMI, "Authorization", auth, "Mcp-Session-Id", session, "traceparent", tp));
      expect(400, "body_malformed", fields(), tp -> Http.post(url, "{\"jsonrpc\":", "Authorization", auth, "traceparent", tp));
      expect(413, "body_too_large", fields(),
          tp -> Http.post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"" + "a".repeat(2000) + "\"}",
              "Authorization", auth, "traceparent", tp));
      expect(415, "body_media_type_refused", fields(), tp -> Http.send("POST", url, Http.INITIALIZE,
          "Content-Type", "text/plain", "Accept", "application/json, text/event-stream", "Authorization", auth,
          "traceparent", tp));
      expect(404, "session_not_owned", fields("user.id", "bob"),
          tp -> Http.post(url, Http.TOOLS_LIST, "Authorization", bearer(bobs), "Mcp-Session-Id", session, "traceparent", tp));
      String unknownSession = java.util.UUID.randomUUID().toString();
      secrets.add(unknownSession);
      expect(404, "session_unknown", fields(), tp -> Http.post(url, Http.TOOLS_LIST, "Authorization", auth,
          "Mcp-Session-Id", unknownSession, "traceparent", tp));
      expect(400, "session_ambiguous", fields(), tp -> Http.post(url, Http.TOOLS_LIST, "Authorization", auth,
          "Mcp-Session-Id", session, "Mcp-Session-Id", session, "traceparent", tp));
      expect(403, "origin_refused", fields(), tp -> Http.post(url, Http.INITIALIZE, "Authorization", auth,
          "Origin", "https://evil.example", "traceparent", tp));
      expect(400, "origin_ambiguous", fields(), tp -> Http.post(url, Http.INITIALIZE, "Authorization", auth,
          "Origin", "https://evil.example", "Origin", "https://other.example", "traceparent", tp));
      expect(405, "method_not_allowed", fields("http.request.method", "TRACE"),
          tp -> Http.send("TRACE", url, null, "Authorization", auth, "traceparent", tp));
      expect(0, null, fields("http.request.method", "DELETE"),
          tp -> Http.send("DELETE", url, null, "Authorization", auth, "Mcp-Session-Id", session, "traceparent", tp));

      // the metadata document is no decision: no line
      String metadataTrace = nextTrace();
      assertEquals(200, Http.get(server.baseUrl() + "/.well-known/oauth-protected-resource/mcp",
          "traceparent", traceparent(metadataTrace)).statusCode());
      // a malformed traceparent is ignored, the request still recorded
      HttpResponse<String> badTrace = Http.post(url, Http.INITIALIZE, "traceparent", "00-XYZ-00f067aa0ba902b7-01");
      assertEquals(401, badTrace.statusCode());

      List<Map<String, Object>> events = readTrail(trail, expected.size() + 1);
      secrets.addAll(idp.mintedTokens());
      secrets.add(none);
      secrets.addAll(hostileTokens.values());
      for (Expected want : expected) {
        List<Map<String, Object>> found = events.stream().filter(e -> want.traceId().equals(e.get("trace.id"))).toList();
        assertEquals(1, found.size(), "one line for " + want + ": " + found);
        Map<String, Object> event = found.get(0);
        assertEquals("mcp.request", event.get("event.action"), want.toString());
        assertEquals(want.reason() == null ? "success" : "failure", event.get("event.outcome"), want.toString());
        assertEquals(want.reason(), event.get("event.reason"), want.toString());
        if (want.reason() != null) {
          assertEquals((long) want.status(), event.get("http.response.status_code"), want.toString());
        } else {
          assertNull(event.get("http.response.status_code"), "the server answers an admitted request");
        }
        assertEquals("127.0.0.1", event.get("source.ip"), want.toString());
        assertEquals("/mcp", event.get("url.path"), want.toString());
        assertTrue(event.get("@timestamp") instanceof String, want.toString());
        assertTrue(event.get("event.duration") == null || (Long) event.get("event.duration") >= 0);
        for (Map.Entry<String, Object> field : want.fields().entrySet()) {
          assertEquals(field.getValue(), event.get(field.getKey()), field.getKey() + " of " + want);
        }
      }
      assertTrue(events.stream().noneMatch(e -> metadataTrace.equals(e.get("trace.id"))), "no line for the metadata");
      assertEquals(expected.size() + 1, events.stream().filter(e -> "mcp.request".equals(e.get("event.action"))).count(),
          "one line per decision, the one with a bad traceparent included");
      assertTrue(events.stream().anyMatch(e -> "keys.fetch".equals(e.get("event.action"))
          && "success".equals(e.get("event.outcome")) && idp.issuer().equals(e.get("mcpauth.issuer"))));
      String text = Files.readString(trail, StandardCharsets.UTF_8);
      assertFalse(text.contains("\"event.action\":\"forged\""), "a name cannot forge a field");
      assertNoSecretIn(text, secrets);
    }
  }

  @Test
  @DisplayName("the authorization server's events: register, login (failed, then signed in), consent, token, refresh, reuse, revoke")
  void authorizationServerEvents() throws Exception {
    Path dir = Files.createTempDirectory("mcpauth-audit");
    Path trail = dir.resolve("audit.log");
    try (EmbeddedAuthServer server = EmbeddedAuthServer.start(Fixture.builder()
        .property("mcpauth.as.dcr.per-minute", "1000")
        .property("mcpauth.audit.file", trail.toString()), "alice")) {
      secrets.add(server.password());
      String resource = "http://localhost:" + server.mcpPort() + "/";
      OAuthDriver browser = new OAuthDriver(server.issuer());
      OAuthDriver.Client client = browser.registerPublic("audited client");
      OAuthDriver.Client confidential = browser.registerConfidential("audited confidential", "client_secret_basic",
          "[\"authorization_code\",\"refresh_token\"]");
      secrets.add(confidential.secret());
      OAuthDriver.Pkce pkce = OAuthDriver.pkce();
      secrets.add(pkce.verifier());
      HttpResponse<String> loginPage = browser.authorize(browser.authorizationRequest(client, pkce, resource,
          "mcp:tools offline_access"));
      String wrongPassword = "wrong-password-" + System.nanoTime();
      secrets.add(wrongPassword);
      HttpResponse<String> again = browser.login(loginPage, "alice", wrongPassword);
      HttpResponse<String> consent = browser.follow(browser.login(again, "alice", server.password()));
      HttpResponse<String> redirect = browser.decide(consent, "approve");
      String code = OAuthDriver.query(redirect.headers().firstValue("Location").orElseThrow()).get("code");
      assertNotNull(code);
      secrets.add(code);
      for (java.net.HttpCookie cookie : browser.cookies()) {
        secrets.add(cookie.getValue());
      }
      HttpResponse<String> redeemed = browser.redeem(client, code, pkce, resource);
      assertEquals(200, redeemed.statusCode(), redeemed.body());
      Map<String, Object> tokens = OAuthDriver.json(redeemed.body());
      String access = (String) tokens.get("access_token");
      String refresh = (String) tokens.get("refresh_token");
      secrets.add(access);
      secrets.add(refresh);
      assertEquals(200, Http.post(server.mcpUrl("localhost"), Http.INITIALIZE, "Authorization", bearer(access)).statusCode());
      HttpResponse<String> refreshed = browser.refresh(client, refresh);
      assertEquals(200, refreshed.statusCode(), refreshed.body());
      Map<String, Object> next = OAuthDriver.json(refreshed.body());
      secrets.add((String) next.get("access_token"));
      secrets.add((String) next.get("refresh_token"));
      assertEquals(200, browser.postTo("/revoke", Map.of("token", (String) next.get("access_token"),
          "client_id", client.id())).statusCode());
      assertEquals(400, browser.refresh(client, refresh).statusCode(), "the rotated-out token comes back");

      List<Map<String, Object>> events = readTrail(trail, 11);
      // each exchange's event is published once its response is out, so neighbours may swap places
      List<String> actions = events.stream().map(e -> (String) e.get("event.action"))
          .filter(a -> a.startsWith("as.") || a.equals("security.alert")).sorted().toList();
      assertEquals(List.of("as.consent", "as.login", "as.login", "as.refresh", "as.refresh_reuse", "as.register",
          "as.register", "as.revoke", "as.token", "security.alert"), actions);
      Map<String, Object> failedLogin = events.stream().filter(e -> "as.login".equals(e.get("event.action"))
          && "failure".equals(e.get("event.outcome"))).findFirst().orElseThrow();
      assertEquals("failure", failedLogin.get("event.outcome"));
      assertEquals("login_failed", failedLogin.get("event.reason"));
      assertEquals("alice", failedLogin.get("user.id"));
      assertEquals((long) 200, failedLogin.get("http.response.status_code"), "the login page again");
      Map<String, Object> login = events.stream().filter(e -> "as.login".equals(e.get("event.action"))
          && "success".equals(e.get("event.outcome"))).findFirst().orElseThrow();
      assertEquals("success", login.get("event.outcome"));
      assertEquals("alice", login.get("user.id"));
      assertEquals(client.id(), login.get("mcpauth.client_id"));
      assertEquals(client.id(), find(events, "as.register", 0).get("mcpauth.client_id"));
      assertEquals("alice", find(events, "as.consent", 0).get("user.id"));
      Map<String, Object> token = find(events, "as.token", 0);
      assertEquals("success", token.get("event.outcome"));
      assertEquals("alice", token.get("user.id"));
      assertEquals(server.issuer(), token.get("mcpauth.issuer"));
      assertEquals("success", find(events, "as.refresh", 0).get("event.outcome"));
      assertEquals(client.id(), find(events, "as.revoke", 0).get("mcpauth.client_id"));
      Map<String, Object> reuse = find(events, "as.refresh_reuse", 0);
      assertEquals("failure", reuse.get("event.outcome"));
      assertEquals("refresh_token_reused", reuse.get("event.reason"));
      assertEquals((long) 400, reuse.get("http.response.status_code"));
      assertEquals("refresh_token_reuse", find(events, "security.alert", 0).get("mcpauth.alert"));
      assertTrue(events.stream().anyMatch(e -> "mcp.request".equals(e.get("event.action"))
          && "success".equals(e.get("event.outcome")) && "alice".equals(e.get("user.id"))));
      server.fixture().awaitLog("security alert refresh_token_reuse", Duration.ofSeconds(5));
      assertNoSecretIn(Files.readString(trail, StandardCharsets.UTF_8), secrets);
    }
  }

  @Test
  @DisplayName("block mode fails closed: while the trail cannot be written, MCP requests get 503 audit_unavailable; then serve again")
  void unwritableTrailFailsClosed() throws Exception {
    Path missing = Files.createTempDirectory("mcpauth-audit").resolve("not-yet");
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        Fixture server = Fixture.builder().protectedBy(idp)
            .property("mcpauth.audit.file", missing.resolve("audit.log").toString())
            .start()) {
      String auth = bearer(idp.token(server.resourceUri()).sign());
      HttpResponse<String> refused = awaitStatus(server, auth, 503);
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());
      server.awaitLog("503 audit_unavailable", Duration.ofSeconds(5));
      assertEquals(1, server.agentLog().stream().filter(line -> line.contains(" ERROR ") && line.contains("cannot be written")).count(),
          "the I/O error is logged once");
      Files.createDirectories(missing);
      awaitStatus(server, auth, 200);
      server.awaitLog("is written again", Duration.ofSeconds(5));
      assertTrue(Files.readString(missing.resolve("audit.log")).contains("\"event.reason\":\"audit_unavailable\""),
          "the refusals are on the record once it can be written");
    }
  }

  /** Sends initialize until it is answered {@code status} (10 s at most). */
  private static HttpResponse<String> awaitStatus(Fixture server, String auth, int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> response;
    do {
      response = Http.post(server.url(), Http.INITIALIZE, "Authorization", auth);
      if (response.statusCode() == status) {
        return response;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("never answered " + status + ", last " + response.statusCode() + ": " + response.body());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"spring-webmvc-springai, streamable", "spring-webflux-springai, streamable", "servlet-jetty, sse"})
  @DisplayName("on Spring (the body read on WebFlux's event loop) and legacy SSE, each message is one line naming its tool")
  void otherTransports(String module, String transport) throws Exception {
    Path trail = Files.createTempDirectory("mcpauth-audit").resolve("audit.log");
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp)
            .property("mcpauth.audit.file", trail.toString())
            .start()) {
      String token = idp.token(server.resourceUri()).claim("sub", "carol").sign();
      try (RawSession session = RawSession.open(server, token)) {
        HttpResponse<String> echo = session.post(CALL_ECHO);
        assertTrue(echo.statusCode() == 200 || echo.statusCode() == 202, echo.body());
      }
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode());
      List<Map<String, Object>> events = readTrail(trail, 4);
      List<Map<String, Object>> calls = events.stream().filter(e -> "echo".equals(e.get("mcp.tool"))).toList();
      assertEquals(1, calls.size(), events.toString());
      assertEquals("success", calls.get(0).get("event.outcome"));
      assertEquals("carol", calls.get(0).get("user.id"));
      assertEquals(1, events.stream().filter(e -> "token_missing".equals(e.get("event.reason"))).count(), events.toString());
      assertEquals(1, events.stream().filter(e -> "initialize".equals(e.get("mcp.method"))).count(), events.toString());
      assertNoSecretIn(Files.readString(trail, StandardCharsets.UTF_8), List.of(token));
    }
  }

  private static Map<String, Object> find(List<Map<String, Object>> events, String action, int index) {
    return events.stream().filter(e -> action.equals(e.get("event.action"))).toList().get(index);
  }
}
