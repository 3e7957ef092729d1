package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gate on the streamable transport (SDK 2.1.0), request by request: what gets through, what
 * is refused, and what the refusal says. The IDs are explained in docs/requirement-ids.md.
 */
class GateBehaviourTest {

  private static TestIdentityProvider idp;
  private static Fixture server;
  private static String metadataUrl;

  @BeforeAll
  static void start() {
    idp = TestIdentityProvider.start();
    idp.addKey(unpinnedRsaKey(), true);
    server = Fixture.builder().protectedBy(idp)
        .property("mcpauth.scopes.required", "mcp:tools")
        // below Jetty's 8 KiB header limit, so the agent's own limit is what answers
        .property("mcpauth.token.max-length", "4096")
        // RS384 left out, so that a token only the list refuses can be made (algorithmOutsideTheList)
        .property("mcpauth.algorithms", "RS256,PS256,ES256,EdDSA")
        .start();
    metadataUrl = server.baseUrl() + "/.well-known/oauth-protected-resource/mcp";
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      LogHygiene.assertNoTokenLogged(server, idp);
    }
    if (idp != null) {
      idp.close();
    }
  }

  private static HttpResponse<String> initialize(String... headers) {
    return Http.post(server.url(), Http.INITIALIZE, headers);
  }

  private static String valid() {
    return idp.token(server.resourceUri()).sign();
  }

  /** An RSA key published without {@code alg}: it verifies any RSA algorithm on the list. */
  private static org.jose4j.jwk.PublicJsonWebKey unpinnedRsaKey() {
    try {
      org.jose4j.jwk.PublicJsonWebKey key = TestIdentityProvider.rsaKey("rsa-unpinned");
      key.setAlgorithm(null);
      return key;
    } catch (org.jose4j.lang.JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** 401 invalid_token, and the agent's log names {@code code} and {@code reason}: no other check refused it. */
  private static void assertInvalidTokenFor(String token, String code, String reason) {
    String line = " 401 " + code + " (" + reason;
    awaitQuietLog(); // lines of earlier denials, written on the agent's log thread, must not count as this one's
    long before = logLines(line);
    assertInvalidToken(initialize("Authorization", bearer(token)));
    awaitLogLines(line, before + 1);
  }

  /** Waits (5 s at most) until the agent's log has grown by no line over 150 ms. */
  private static void awaitQuietLog() {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int size = server.agentLog().size();
    int quietPolls = 0;
    while (quietPolls < 3 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      int now = server.agentLog().size();
      quietPolls = now == size ? quietPolls + 1 : 0;
      size = now;
    }
  }

  private static long logLines(String text) {
    return server.agentLog().stream().filter(line -> line.contains(text)).count();
  }

  /** The agent logs on a thread of its own: waits (5 s at most) for its {@code count}th line with {@code text}. */
  private static void awaitLogLines(String text, long count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (logLines(text) < count && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertEquals(count, logLines(text), "log lines with '" + text + "':\n" + String.join("\n", server.agentLog()));
  }

  private static void assertInvalidToken(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response::body);
    String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertTrue(challenge.startsWith("Bearer error=\"invalid_token\""), challenge);
    assertTrue(challenge.contains("resource_metadata=\"" + metadataUrl + "\""), challenge);
  }

  @Test
  @DisplayName("RS-SEC-01 / RS-03 / RS-10: no token gives 401 with resource_metadata and scope, no error code")
  void noToken() {
    HttpResponse<String> response = initialize();
    assertEquals(401, response.statusCode());
    assertEquals("Bearer resource_metadata=\"" + metadataUrl + "\", scope=\"mcp:tools\"",
        response.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertFalse(response.body().contains("protocolVersion"), "the dispatch must not have run");
  }

  @Test
  @DisplayName("RS-07/08: a valid token reaches the MCP server")
  void validToken() {
    HttpResponse<String> response = initialize("Authorization", bearer(valid()));
    assertEquals(200, response.statusCode(), response::body);
    assertTrue(response.body().contains("protocolVersion"), response.body());
    assertTrue(response.headers().firstValue("Mcp-Session-Id").isPresent());
  }

  @Test
  @DisplayName("RS-SEC-02/03: the scheme is case-insensitive and may be followed by several spaces")
  void schemeVariants() {
    String token = valid();
    for (String header : List.of("bearer " + token, "BEARER " + token, "bEaReR   " + token)) {
      assertEquals(200, initialize("Authorization", header).statusCode(), header.substring(0, 10));
    }
  }

  @Test
  @DisplayName("RS-SEC-04/05: malformed Authorization headers give 400 invalid_request")
  void malformedHeaders() {
    String token = valid();
    for (String header : List.of("Bearer", "Bearer\t" + token, token + " x", "Bearer " + token + ", Bearer " + token)) {
      String value = header.startsWith("Bearer") ? header : "Bearer " + header;
      HttpResponse<String> response = initialize("Authorization", value);
      assertEquals(400, response.statusCode(), value.substring(0, Math.min(12, value.length())));
      assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"invalid_request\""));
    }
    HttpResponse<String> twoFields = initialize("Authorization", bearer(token), "Authorization", bearer(token));
    assertEquals(400, twoFields.statusCode(), "two Authorization fields (H13)");
  }

  @Test
  @DisplayName("RS-SEC-06/07/08: tokens in the query, in a form body, or under another scheme are not credentials")
  void tokenElsewhereIsIgnored() {
    String token = valid();
    HttpResponse<String> query = Http.post(server.url() + "?access_token=" + token, Http.INITIALIZE);
    assertEquals(401, query.statusCode());
    assertFalse(query.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error="));

    HttpResponse<String> form = Http.send("POST", server.url(), "access_token=" + token,
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(401, form.statusCode());

    assertEquals(401, initialize("Authorization", "Basic dXNlcjpwYXNz").statusCode());
    assertEquals(401, initialize("Authorization", "DPoP " + token).statusCode());
    // H24: with a header token, a query token is simply ignored
    assertEquals(200, Http.post(server.url() + "?access_token=other", Http.INITIALIZE, "Authorization", bearer(token)).statusCode());
  }

  @Test
  @DisplayName("RS-SEC-09/10/20: oversized, non-token68 and non-canonical tokens give 401 invalid_token")
  void malformedTokens() {
    String token = valid();
    assertInvalidToken(initialize("Authorization", "Bearer " + "A".repeat(5000)));
    assertInvalidToken(initialize("Authorization", "Bearer eyJ%2E.x.y"));
    assertInvalidToken(initialize("Authorization", "Bearer " + token + "="));
    assertInvalidToken(initialize("Authorization", "Bearer " + token.substring(0, token.length() - 2)));
  }

  @Test
  @DisplayName("RS-SEC-13/14/15: alg none, HS256 with the public key, and attacker keys in the header")
  void hostileHeaders() throws Exception {
    String[] parts = valid().split("\\.");
    String noneHeader = b64("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
    assertInvalidToken(initialize("Authorization", bearer(noneHeader + "." + parts[1] + ".")));
    assertInvalidToken(initialize("Authorization", bearer(noneHeader + "." + parts[1] + "." + parts[2])));

    // HS256 "signed" with the RSA public key as the MAC secret (key confusion). HS* can never be
    // enabled (mcpauth.algorithms refuses it), so the algorithm list is the one defence to test here.
    String hsHeader = b64("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"rsa-1\"}");
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(
        idp.publicJwkJson("rsa-1").getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    String hsSigningInput = hsHeader + "." + parts[1];
    String hsSignature = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(hsSigningInput.getBytes()));
    assertInvalidTokenFor(hsSigningInput + "." + hsSignature, "algorithm_refused", "algorithm not allowed");

    // an embedded jwk / jku / x5u header is never followed, even on a token our key signed
    assertInvalidToken(initialize("Authorization", bearer(idp.token(server.resourceUri())
        .header("jku", idp.jwksUri()).sign())));
    assertInvalidToken(initialize("Authorization", bearer(idp.token(server.resourceUri())
        .header("x5u", idp.issuer() + "/x5u").sign())));
    assertInvalidToken(initialize("Authorization", bearer(idp.token(server.resourceUri())
        .header("crit", List.of("x-foo")).header("x-foo", "1").sign())));
  }

  @Test
  @DisplayName("RS-SEC-12: a flipped signature bit is refused")
  void badSignature() {
    String token = valid();
    char last = token.charAt(token.length() - 5);
    String tampered = token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4);
    assertInvalidTokenFor(tampered, "signature_invalid", "signature invalid");
  }

  @Test
  @DisplayName("RS-SEC-17: an algorithm outside mcpauth.algorithms is refused, even signed by a key that fits it")
  void algorithmOutsideTheList() {
    // rsa-unpinned has no alg, so it verifies RS384: only the configured list can refuse this token
    assertInvalidTokenFor(idp.token(server.resourceUri()).key("rsa-unpinned").alg("RS384").sign(),
        "algorithm_refused", "algorithm not allowed");
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri()).key("rsa-unpinned").alg("RS256")
        .sign())).statusCode(), "the same key with a listed algorithm");
  }

  @Test
  @DisplayName("RS-SEC-36/38: expired, missing exp, and beyond the maximum lifetime")
  void lifetime() {
    assertInvalidTokenFor(idp.token(server.resourceUri()).expiresIn(-120).sign(), "token_expired", "token expired");
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri()).expiresIn(-30).sign())).statusCode(),
        "within the 60 s clock skew");
    assertInvalidTokenFor(idp.token(server.resourceUri()).claim("exp", null).sign(), "lifetime_refused", "exp is missing");
    assertInvalidTokenFor(idp.token(server.resourceUri()).expiresIn(3 * 86400).sign(), "lifetime_refused",
        "exp lies beyond mcpauth.token.max-lifetime");
    long now = System.currentTimeMillis() / 1000;
    assertInvalidTokenFor(idp.token(server.resourceUri()).claim("nbf", now + 600).sign(), "token_not_yet_valid",
        "token not yet valid (nbf)");
  }

  @Test
  @DisplayName("RS-SEC-42/43/45: wrong issuer or audience (another MCP server of the same AS)")
  void issuerAndAudience() {
    String audience = "aud does not name this resource";
    assertInvalidTokenFor(idp.token("http://127.0.0.1:1/mcp").sign(), "audience_mismatch", audience);
    assertInvalidTokenFor(idp.token(server.resourceUri() + "/").sign(), "audience_mismatch", audience);
    assertInvalidTokenFor(idp.token(server.resourceUri()).claim("aud", null).sign(), "audience_mismatch", audience);
    assertInvalidTokenFor(idp.token(server.resourceUri()).claim("iss", idp.issuer() + "/").sign(), "issuer_untrusted",
        "iss is not the configured issuer");
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri())
        .claim("aud", List.of("https://other.example", server.resourceUri())).sign())).statusCode(), "RS-SEC-44");
  }

  @Test
  @DisplayName("RS-SEC-40/41: typ at+jwt is required by default")
  void tokenType() {
    assertInvalidTokenFor(idp.token(server.resourceUri()).header("typ", "JWT").sign(), "typ_not_accepted",
        "typ is not an accepted access-token type");
    assertInvalidTokenFor(idp.token(server.resourceUri()).header("typ", null).sign(), "typ_not_accepted", "no typ header");
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri())
        .header("typ", "application/at+jwt").sign())).statusCode());
  }

  @Test
  @DisplayName("ES256 and EdDSA tokens from the issuer's JWKS are accepted")
  void otherAlgorithms() {
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri()).key("ec-1").sign())).statusCode());
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri()).key("ed-1").sign())).statusCode());
    // RS-SEC-18: a key published for RS256 never verifies another algorithm. The PS256 signature is
    // made by that very key, so only the JWK's alg can refuse it: from a key without alg it passes.
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri()).key("rsa-unpinned").alg("PS256")
        .sign())).statusCode());
    assertInvalidTokenFor(idp.token(server.resourceUri()).key("rsa-1").alg("PS256").sign(),
        "key_unknown", "the key named by kid does not allow PS256");
    // and an EC key never verifies an RSA algorithm, refused before the signature is looked at
    assertInvalidTokenFor(idp.token(server.resourceUri()).key("rsa-1").kidHeader("ec-1").sign(),
        "key_unknown", "the key named by kid does not allow RS256");
  }

  @Test
  @DisplayName("a session the agent does not know gets the gate's 404, as another caller's session does (SessionProbe)")
  void unknownSession() {
    String denial = "denied POST /mcp: 404";
    long before = logLines(denial);
    HttpResponse<String> response = Http.post(server.url(), Http.TOOLS_LIST, "Authorization", bearer(valid()),
        "Mcp-Session-Id", java.util.UUID.randomUUID().toString());
    assertEquals(404, response.statusCode(), response.body());
    // the SDK says 404 of unknown sessions too: the log line shows that the gate answered
    awaitLogLines(denial, before + 1);
  }

  @Test
  @DisplayName("RS-SEC-47 / RS-11: a valid token without the required scope gets 403 insufficient_scope")
  void insufficientScope() {
    HttpResponse<String> response = initialize("Authorization",
        bearer(idp.token(server.resourceUri()).claim("scope", "mcp:read").sign()));
    assertEquals(403, response.statusCode());
    assertEquals("Bearer error=\"insufficient_scope\", resource_metadata=\"" + metadataUrl + "\", scope=\"mcp:tools\"",
        response.headers().firstValue("WWW-Authenticate").orElseThrow());
    // RS-SEC-48: scp as an array counts the same
    assertEquals(200, initialize("Authorization", bearer(idp.token(server.resourceUri())
        .claim("scope", null).claim("scp", List.of("mcp:tools", "x")).sign())).statusCode());
    // RS-SEC-50: near misses do not satisfy the scope
    assertEquals(403, initialize("Authorization", bearer(idp.token(server.resourceUri())
        .claim("scope", "mcp:toolsx MCP:TOOLS").sign())).statusCode());
  }

  @Test
  @DisplayName("RS-SEC-11: nothing from the request is reflected into the challenge")
  void challengeNotReflected() {
    HttpResponse<String> response = Http.post(server.url(), Http.INITIALIZE,
        "Authorization", "Bearer \"x\"", "X-Forwarded-Host", "evil.example");
    String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertFalse(challenge.contains("evil") || challenge.contains("\"x\""), challenge);
    assertTrue(challenge.contains(metadataUrl));
  }

  @Test
  @DisplayName("DELETE and GET on the MCP endpoint are gated like POST")
  void otherMethods() {
    HttpResponse<String> delete = Http.send("DELETE", server.url(), null, "Mcp-Session-Id", "anything");
    assertEquals(401, delete.statusCode());
    HttpResponse<String> get = Http.get(server.url(), "Accept", "text/event-stream", "Mcp-Session-Id", "anything");
    assertEquals(401, get.statusCode());
  }

  @Test
  @DisplayName("one log line per denied request with its status, reason code and reason; the start-up line names transports, issuer and resource")
  void logs() {
    initialize("Authorization", bearer(idp.token(server.resourceUri()).expiresIn(-3600).sign()));
    server.awaitLog(": 401 token_expired (token expired)", Duration.ofSeconds(5));
    String startup = server.awaitLog("protecting MCP transports", Duration.ofSeconds(5));
    assertTrue(startup.contains("HttpServletStreamableServerTransportProvider")
        && startup.contains("HttpServletSseServerTransportProvider")
        && startup.contains("HttpServletStatelessServerTransport"), startup);
    assertTrue(startup.contains(idp.issuer()) && startup.contains(server.resourceUri()), startup);
    server.awaitLog("protecting io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider",
        Duration.ofSeconds(5));
  }

  private static String b64(String json) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
