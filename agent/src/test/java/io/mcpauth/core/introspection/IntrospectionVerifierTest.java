package io.mcpauth.core.introspection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.gate.BearerGate;
import io.mcpauth.core.gate.Reply;
import io.mcpauth.core.introspection.StubIntrospectionEndpoint.Answer;
import io.mcpauth.core.keys.HttpFetcher;
import io.mcpauth.core.logging.CapturedLog;
import io.mcpauth.core.token.TestTokens;
import io.mcpauth.core.token.TestTokens.MutableClock;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenRejectedException.Kind;
import io.mcpauth.core.token.VerifiedToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IntrospectionVerifier against a real HTTP endpoint on loopback: the verdicts of RS-SEC-52..56, the
 * bounds on time, size, redirects, concurrency and memory, caching no longer than min(exp, TTL), and
 * neither the token nor the client secret in any log line or exception message.
 */
class IntrospectionVerifierTest {

  private static final long NOW = TestTokens.NOW.getEpochSecond();

  private StubIntrospectionEndpoint endpoint;
  private final MutableClock clock = new MutableClock(TestTokens.NOW);
  private final Background background = new Background();
  private final List<String> exceptionMessages = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    endpoint = new StubIntrospectionEndpoint();
  }

  @AfterEach
  void stop() {
    endpoint.close();
    background.shutdownNow();
  }

  /** Runs the verifier's background calls, and lets a test wait until all of them have finished. */
  private static final class Background implements Executor {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Future<?>> tasks = new CopyOnWriteArrayList<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(threads.submit(task));
    }

    int handedOver() {
      return tasks.size();
    }

    void awaitAll() throws Exception {
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    }

    void shutdownNow() {
      threads.shutdownNow();
    }
  }

  private AgentConfig config(String... extra) {
    List<String> keyValues = new ArrayList<>(List.of(
        "mcpauth.introspection.uri", endpoint.url(),
        "mcpauth.introspection.client-id", StubIntrospectionEndpoint.CLIENT_ID,
        "mcpauth.introspection.client-secret", StubIntrospectionEndpoint.CLIENT_SECRET,
        "mcpauth.http.timeout", "800ms"));
    keyValues.addAll(Arrays.asList(extra));
    return TestTokens.config(keyValues.toArray(String[]::new));
  }

  private IntrospectionVerifier verifier(String... extra) {
    AgentConfig config = config(extra);
    return new IntrospectionVerifier(config, config.issuer().toString(), config.introspection(),
        new HttpFetcher(config.httpTimeout(), config.maxDocumentBytes()), background, clock);
  }

  /** An active response that passes every check, with {@code keyValues} changed (a null value removes). */
  private static String activeResponse(Object... keyValues) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("active", true);
    response.put("iss", TestTokens.ISSUER);
    response.put("aud", TestTokens.RESOURCE);
    response.put("sub", "alice");
    response.put("client_id", "inspector");
    response.put("scope", "mcp:tools mcp:read");
    response.put("token_type", "Bearer");
    response.put("iat", NOW - 10);
    response.put("exp", NOW + 300);
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) {
        response.remove((String) keyValues[i]);
      } else {
        response.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return JsonUtil.toJson(response);
  }

  private TokenRejectedException rejected(IntrospectionVerifier verifier, String token, Kind kind) {
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token, true));
    assertEquals(kind, e.kind(), e.getMessage());
    exceptionMessages.add(e.getMessage());
    return e;
  }

  @Test
  @DisplayName("an active token is accepted with its subject, client and scopes; the answer is reused")
  void activeToken() throws Exception {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("opaque-1", activeResponse());
    VerifiedToken token = verifier.verify("opaque-1", true);
    assertEquals(TestTokens.ISSUER, token.issuer());
    assertEquals("alice", token.subject());
    assertEquals("inspector", token.clientId());
    assertEquals(Set.of("mcp:tools", "mcp:read"), token.scopes());
    assertEquals(NOW + 300, token.expiresAtEpochSecond());
    assertSame(token, verifier.verify("opaque-1", true), "served from the cache");
    assertEquals(1, endpoint.calls());
  }

  @Test
  @DisplayName("without client_id the client is azp, as Keycloak's introspection names it, then cid")
  void clientFromAzp() throws Exception {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("opaque-azp", activeResponse("client_id", null, "azp", "kc-client"));
    assertEquals("kc-client", verifier.verify("opaque-azp", true).clientId());
    endpoint.answer("opaque-cid", activeResponse("client_id", null, "cid", "okta-client"));
    assertEquals("okta-client", verifier.verify("opaque-cid", true).clientId());
    endpoint.answer("opaque-bad", activeResponse("client_id", null, "azp", 7));
    rejected(verifier, "opaque-bad", Kind.INVALID);
  }

  @Test
  @DisplayName("RS-SEC-52: active false, missing, the string \"true\" or 1 is refused (401)")
  void notActive() {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("t-false", "{\"active\":false}");
    endpoint.answer("t-missing", activeResponse("active", null));
    endpoint.answer("t-string", activeResponse("active", "true"));
    endpoint.answer("t-number", activeResponse("active", 1));
    for (String token : List.of("t-false", "t-missing", "t-string", "t-number")) {
      rejected(verifier, token, Kind.INVALID);
    }
  }

  @Test
  @DisplayName("RS-SEC-54: active but for another resource, from another issuer, or expired is refused")
  void activeButWrong() {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("aud-other", activeResponse("aud", "https://other.example.com/mcp"));
    endpoint.answer("aud-missing", activeResponse("aud", null));
    endpoint.answer("aud-variant", activeResponse("aud", TestTokens.RESOURCE + "/"));
    endpoint.answer("aud-bad-entry", activeResponse("aud", List.of(TestTokens.RESOURCE, 7)));
    endpoint.answer("iss-other", activeResponse("iss", "https://evil.example.com"));
    endpoint.answer("iss-case", activeResponse("iss", "https://AS.example.com"));
    endpoint.answer("expired", activeResponse("exp", NOW - 61));
    endpoint.answer("exp-string", activeResponse("exp", "tomorrow"));
    endpoint.answer("nbf-future", activeResponse("nbf", NOW + 600));
    endpoint.answer("iat-future", activeResponse("iat", NOW + 600));
    endpoint.answer("refresh", activeResponse("token_type", "refresh_token"));
    endpoint.answer("dpop", activeResponse("token_type", "DPoP"));
    endpoint.answer("cnf", activeResponse("cnf", Map.of("jkt", "abc")));
    endpoint.answer("scope-number", activeResponse("scope", 5));
    for (String token : List.of("aud-other", "aud-missing", "aud-variant", "aud-bad-entry", "iss-other", "iss-case",
        "expired", "exp-string", "nbf-future", "iat-future", "refresh", "dpop", "cnf", "scope-number")) {
      rejected(verifier, token, Kind.INVALID);
    }
  }

  @Test
  @DisplayName("optional members: no iss, no exp, aud as an array, scp as an array, expiry within the clock skew")
  void optionalMembers() throws Exception {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("no-iss", activeResponse("iss", null));
    endpoint.answer("no-exp", activeResponse("exp", null));
    endpoint.answer("aud-array", activeResponse("aud", List.of("https://other.example.com", TestTokens.RESOURCE)));
    endpoint.answer("scp", activeResponse("scope", null, "scp", List.of("a", "b")));
    endpoint.answer("skew", activeResponse("exp", NOW - 30, "iat", NOW - 330));
    assertEquals("alice", verifier.verify("no-iss", true).subject());
    assertEquals(NOW + 60, verifier.verify("no-exp", true).expiresAtEpochSecond(), "without exp: the end of the TTL");
    verifier.verify("aud-array", true);
    assertEquals(Set.of("a", "b"), verifier.verify("scp", true).scopes());
    verifier.verify("skew", true);
  }

  @Test
  @DisplayName("RS-SEC-53: 500, 401, a redirect, an oversized or malformed answer, or a silent server is 503, never an accept")
  void failuresAreUnavailable() {
    IntrospectionVerifier verifier = verifier("mcpauth.jwks.max-bytes", "2048");
    endpoint.answer("status-500", new Answer(500, activeResponse(), 0));
    endpoint.answer("status-401", new Answer(401, activeResponse(), 0));
    endpoint.answer("redirect", new Answer(302, endpoint.redirectTarget(), 0));
    endpoint.answer("huge", Answer.json(activeResponse("padding", "x".repeat(10_000))));
    endpoint.answer("malformed", Answer.json("{\"active\":true,"));
    endpoint.answer("not-object", Answer.json("[true]"));
    endpoint.answer("html", Answer.json("<html>active</html>"));
    endpoint.answer("slow", new Answer(200, activeResponse(), 3_000));
    for (String token : List.of("status-500", "status-401", "redirect", "huge", "malformed", "not-object", "html")) {
      rejected(verifier, token, Kind.UNAVAILABLE);
    }
    assertEquals(0, endpoint.redirectTargetHits(), "the redirect is not followed");
    // the late answer is an active token: only the 800 ms deadline can turn it into a refusal
    rejected(verifier, "slow", Kind.UNAVAILABLE);
  }

  @Test
  @DisplayName("RS-SEC-53: a failure is not remembered: the next request asks again, and succeeds once the server is back")
  void failuresAreNotCached() throws Exception {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("flaky", new Answer(503, "{}", 0));
    rejected(verifier, "flaky", Kind.UNAVAILABLE);
    rejected(verifier, "flaky", Kind.UNAVAILABLE);
    assertEquals(2, endpoint.calls("flaky"));
    endpoint.answer("flaky", activeResponse());
    assertEquals("alice", verifier.verify("flaky", true).subject());
  }

  @Test
  @DisplayName("the gate answers 503 with Retry-After when the endpoint fails, and 401 when the token is inactive")
  void throughTheGate() {
    BearerGate gate = new BearerGate(config(), verifier());
    endpoint.answer("down", new Answer(500, "{}", 0));
    Reply unavailable = gate.check("POST", "/mcp", Collections.enumeration(List.of("Bearer down")));
    assertEquals(503, unavailable.status);
    assertEquals("Retry-After", unavailable.headers[0]);
    Reply invalid = gate.check("POST", "/mcp", Collections.enumeration(List.of("Bearer inactive")));
    assertEquals(401, invalid.status);
    endpoint.answer("fine", activeResponse());
    assertEquals(null, gate.check("POST", "/mcp", Collections.enumeration(List.of("Bearer fine"))));
  }

  @Test
  @DisplayName("RS-SEC-54: an active answer is reused no longer than the TTL")
  void cachedNoLongerThanTtl() throws Exception {
    IntrospectionVerifier verifier = verifier("mcpauth.introspection.cache-ttl", "30s");
    endpoint.answer("t", activeResponse("exp", NOW + 3600));
    verifier.verify("t", true);
    clock.advanceSeconds(29);
    verifier.verify("t", true);
    assertEquals(1, endpoint.calls("t"));
    clock.advanceSeconds(1);
    endpoint.answer("t", "{\"active\":false}"); // revoked meanwhile
    rejected(verifier, "t", Kind.INVALID);
    assertEquals(2, endpoint.calls("t"));
  }

  @Test
  @DisplayName("RS-SEC-54: an active answer is reused no longer than the token's exp")
  void cachedNoLongerThanExp() throws Exception {
    IntrospectionVerifier verifier = verifier("mcpauth.introspection.cache-ttl", "1h", "mcpauth.clock-skew", "0s");
    endpoint.answer("t", activeResponse("exp", NOW + 10));
    verifier.verify("t", true);
    clock.advanceSeconds(9);
    verifier.verify("t", true);
    assertEquals(1, endpoint.calls("t"));
    clock.advanceSeconds(1);
    rejected(verifier, "t", Kind.INVALID); // asked again: the server still says active, but exp has passed
    assertEquals(2, endpoint.calls("t"));
  }

  @Test
  @DisplayName("a TTL of 0 asks on every request")
  void ttlZero() throws Exception {
    IntrospectionVerifier verifier = verifier("mcpauth.introspection.cache-ttl", "0");
    endpoint.answer("t", activeResponse());
    verifier.verify("t", true);
    verifier.verify("t", true);
    assertEquals(2, endpoint.calls("t"));
  }

  @Test
  @DisplayName("an inactive token is remembered for the TTL, so a client retrying it does not reach the server")
  void negativeCaching() {
    IntrospectionVerifier verifier = verifier("mcpauth.introspection.cache-ttl", "20s");
    for (int i = 0; i < 5; i++) {
      rejected(verifier, "dead", Kind.INVALID);
    }
    assertEquals(1, endpoint.calls("dead"));
    clock.advanceSeconds(20);
    rejected(verifier, "dead", Kind.INVALID);
    assertEquals(2, endpoint.calls("dead"));
  }

  @Test
  @DisplayName("a flood of random tokens fills only the bounded refused side, never evicting a live caller")
  void floodIsBounded() throws Exception {
    IntrospectionVerifier verifier = verifier("mcpauth.token-cache.size", "10");
    endpoint.answer("live", activeResponse());
    verifier.verify("live", true);
    for (int i = 0; i < 200; i++) {
      rejected(verifier, "random-" + i, Kind.INVALID);
    }
    assertTrue(verifier.cachedResults() <= 20, "cached " + verifier.cachedResults());
    verifier.verify("live", true);
    assertEquals(1, endpoint.calls("live"), "the live token's answer was not pushed out");
  }

  @Test
  @DisplayName("RS-SEC-55: the token is form-encoded, so '&token=' inside it adds no parameter")
  void noParameterSmuggling() throws Exception {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("valid", activeResponse());
    rejected(verifier, "x&token=valid", Kind.INVALID);
    assertEquals(0, endpoint.calls("valid"));
    assertEquals(1, endpoint.calls("x&token=valid"));
    endpoint.answer("a+b/c==", activeResponse());
    verifier.verify("a+b/c==", true);
    assertTrue(endpoint.forms().contains("token=a%2Bb%2Fc%3D%3D&token_type_hint=access_token"), endpoint.forms().toString());
  }

  @Test
  @DisplayName("a token over mcpauth.token.max-length is refused without asking")
  void overlong() {
    IntrospectionVerifier verifier = verifier("mcpauth.token.max-length", "256");
    rejected(verifier, "a".repeat(257), Kind.INVALID);
    assertEquals(0, endpoint.calls());
  }

  @Test
  @DisplayName("concurrent requests with one token make one call")
  void coalesced() throws Exception {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("shared", new Answer(200, activeResponse(), 300));
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<VerifiedToken>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(callers.submit(() -> {
          go.await();
          return verifier.verify("shared", true);
        }));
      }
      go.countDown();
      for (Future<VerifiedToken> result : results) {
        assertEquals("alice", result.get(5, TimeUnit.SECONDS).subject());
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(1, endpoint.calls("shared"));
  }

  @Test
  @DisplayName("WebFlux: a thread that must not wait gets 503 at once; the background call fills the cache for the retry")
  void eventLoopNeverWaits() throws Exception {
    IntrospectionVerifier verifier = verifier();
    endpoint.answer("t", activeResponse());
    endpoint.hold();
    // a thread that waited would get the active answer (or a timeout), never this reason
    TokenRejectedException first = assertThrows(TokenRejectedException.class, () -> verifier.verify("t", false));
    assertEquals(Kind.UNAVAILABLE, first.kind());
    assertEquals("introspection started in the background (this thread must not wait)", first.getMessage());
    assertEquals(1, background.handedOver());
    assertEquals(Kind.UNAVAILABLE, assertThrows(TokenRejectedException.class, () -> verifier.verify("t", false)).kind());
    assertEquals(1, background.handedOver(), "the retry joins the call in flight");
    endpoint.release();
    background.awaitAll();
    assertEquals("alice", verifier.verify("t", false).subject());
    assertEquals(1, endpoint.calls("t"), "one background call for all those requests");
    endpoint.answer("dead-bg", "{\"active\":false}");
    assertThrows(TokenRejectedException.class, () -> verifier.verify("dead-bg", false));
    background.awaitAll();
    assertEquals(Kind.INVALID, assertThrows(TokenRejectedException.class, () -> verifier.verify("dead-bg", false)).kind());
  }

  @Test
  @DisplayName("at most 32 calls run at once; beyond that a new token gets 503 instead of a queue")
  void concurrencyIsBounded() throws Exception {
    IntrospectionVerifier verifier = verifier("mcpauth.http.timeout", "5s");
    endpoint.hold();
    int unavailableAtOnce = 0;
    for (int i = 0; i < 40; i++) {
      try {
        verifier.verify("burst-" + i, false);
      } catch (TokenRejectedException e) {
        assertEquals(Kind.UNAVAILABLE, e.kind());
        if (e.getMessage().contains("too many")) {
          unavailableAtOnce++;
        }
      }
    }
    assertEquals(40 - IntrospectionVerifier.MAX_IN_FLIGHT, unavailableAtOnce);
    endpoint.release();
    background.awaitAll();
    assertTrue(endpoint.maxConcurrent() <= IntrospectionVerifier.MAX_IN_FLIGHT, "max " + endpoint.maxConcurrent());
    assertEquals(IntrospectionVerifier.MAX_IN_FLIGHT, endpoint.calls());
  }

  @Test
  @DisplayName("the client secret may come from a file, read at start with its final newline removed")
  void secretFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, StubIntrospectionEndpoint.CLIENT_SECRET + "\n");
    AgentConfig config = TestTokens.config(
        "mcpauth.introspection.uri", endpoint.url(),
        "mcpauth.introspection.client-id", StubIntrospectionEndpoint.CLIENT_ID,
        "mcpauth.introspection.client-secret-file", file.toString());
    IntrospectionVerifier verifier = new IntrospectionVerifier(config, TestTokens.ISSUER, config.introspection(),
        new HttpFetcher(config.httpTimeout(), config.maxDocumentBytes()), background, clock);
    endpoint.answer("t", activeResponse());
    assertEquals("alice", verifier.verify("t", true).subject(), "the stub checks the Basic credentials");
  }

  @Test
  @DisplayName("wrong client credentials are an outage of this server's set-up (503), never an accept")
  void wrongCredentials() {
    AgentConfig config = TestTokens.config(
        "mcpauth.introspection.uri", endpoint.url(),
        "mcpauth.introspection.client-id", StubIntrospectionEndpoint.CLIENT_ID,
        "mcpauth.introspection.client-secret", "wrong-secret");
    IntrospectionVerifier verifier = new IntrospectionVerifier(config, TestTokens.ISSUER, config.introspection(),
        new HttpFetcher(config.httpTimeout(), config.maxDocumentBytes()), background, clock);
    endpoint.answer("t", activeResponse());
    rejected(verifier, "t", Kind.UNAVAILABLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"status-500", "malformed", "slow", "inactive", "active"})
  @DisplayName("RS-SEC-61: neither the token nor the client secret appears in a log line or an exception message")
  void noSecretsInLogsOrMessages(String kind) throws Exception {
    String token = "tok-" + kind + "-9f8e7d6c5b4a";
    endpoint.answer(token, switch (kind) {
      case "status-500" -> new Answer(500, "{\"echo\":\"" + token + "\"}", 0);
      case "malformed" -> Answer.json("{\"token\":\"" + token + "\"");
      case "slow" -> new Answer(200, activeResponse(), 3_000);
      case "inactive" -> Answer.json("{\"active\":false}");
      default -> Answer.json(activeResponse());
    });
    try (CapturedLog log = new CapturedLog()) {
      IntrospectionVerifier verifier = verifier();
      try {
        verifier.verify(token, true);
      } catch (TokenRejectedException e) {
        exceptionMessages.add(e.getMessage());
      }
      String logged = log.text() + "\n" + String.join("\n", exceptionMessages) + "\n" + config() + "\n" + verifier;
      assertFalse(logged.contains(token), logged);
      assertFalse(logged.contains(StubIntrospectionEndpoint.CLIENT_SECRET), logged);
      assertFalse(logged.contains("s3cr3t"), logged);
    }
    assertNotSame(null, kind);
  }
}
