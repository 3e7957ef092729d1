package io.mcpauth.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.gate.BearerCredentials.Kind;
import io.mcpauth.core.token.TestData;
import io.mcpauth.core.token.TestTokens;
import io.mcpauth.core.token.TestTokens.CountingKeySource;
import io.mcpauth.core.token.TestTokens.Signer;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Authorization header vectors H01-H24 (mcpauth-vectors/bearer-header-vectors.json, RS-SEC-01..10)
 * through BearerCredentials.parse and the whole BearerGate.
 */
class BearerCredentialsTest {

  private static final Pattern ERROR = Pattern.compile("error=\"([^\"]*)\"");

  private static final Signer SIGNER = TestTokens.rsa();
  private static final String VALID_JWT = SIGNER.mint();

  private final CountingKeySource keys = TestTokens.keys(SIGNER.publicJwk());
  private final AgentConfig config = TestTokens.config();
  private final TokenVerifier verifier = new TokenVerifier(config, keys, TestTokens.CLOCK);
  private final BearerGate gate = new BearerGate(config, verifier, new VerifiedTokenCache(100, TestTokens.CLOCK,
      VerifiedTokenCache.Revocations.NONE));

  static Stream<Arguments> vectors() {
    List<Arguments> out = new ArrayList<>();
    for (Map<String, Object> vector : TestData.list(TestData.json("mcpauth-vectors/bearer-header-vectors.json").get("vectors"))) {
      out.add(Arguments.of(vector.get("id"), vector));
    }
    assertEquals(24, out.size());
    return out.stream();
  }

  /** Placeholders become real values: a valid token, 9000 'A', a non-ASCII byte pair (as ISO-8859-1 text). */
  private static String expand(String header) {
    return header
        .replace("<VALID_JWT>", VALID_JWT)
        .replace("<9000 x 'A'>", "A".repeat(9000))
        .replace("<token with non-ASCII byte 0xC3 0xA9>", VALID_JWT.substring(0, 20) + "\u00c3\u00a9" + VALID_JWT.substring(20));
  }

  @SuppressWarnings("unchecked")
  private static List<String> headers(Map<String, Object> vector) {
    List<String> headers = new ArrayList<>();
    for (Object line : (List<Object>) vector.get("headers")) {
      headers.add(expand((String) line));
    }
    assertTrue(headers.stream().noneMatch(h -> h.contains("<")), "all placeholders expanded: " + headers);
    return headers;
  }

  /** The status and Bearer error code a reply carries: 200/null for "let it through", "" for no error. */
  static Object[] outcome(Reply reply) {
    if (reply == null) {
      return new Object[] {200, null};
    }
    String challenge = "";
    for (int i = 0; i < reply.headers.length; i += 2) {
      if (reply.headers[i].equals("WWW-Authenticate")) {
        challenge = reply.headers[i + 1];
      }
    }
    Matcher m = ERROR.matcher(challenge);
    return new Object[] {reply.status, m.find() ? m.group(1) : ""};
  }

  /** The brief's mapping: the parser's kind decides, or, for a token, the verifier. */
  private Object[] expectedFromKind(BearerCredentials credentials) {
    switch (credentials.kind()) {
      case NONE:
        return new Object[] {401, ""};
      case MALFORMED_REQUEST:
        return new Object[] {400, "invalid_request"};
      case MALFORMED_TOKEN:
        return new Object[] {401, "invalid_token"};
      default:
        try {
          verifier.verify(credentials.token());
          return new Object[] {200, null};
        } catch (TokenRejectedException e) {
          return new Object[] {401, "invalid_token"};
        }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  @DisplayName("RS-SEC-01..10: Authorization header vectors, parser kind and whole gate")
  void headerVector(String id, Map<String, Object> vector) {
    List<String> headers = headers(vector);
    Object[] expected = {((Number) vector.get("status")).intValue(), vector.get("error")};
    if (id.equals("H23")) {
      // "400 if the form method is ever enabled": mcpauth supports only the header, never reads the
      // body, so the header token decides (the vector's note); see bearerGateSeesOnlyTheHeader.
      expected = new Object[] {200, null};
    }
    BearerCredentials credentials = BearerCredentials.parse(Collections.enumeration(headers));
    assertEquals(Arrays.asList(expected), Arrays.asList(expectedFromKind(credentials)), id + " via kind " + credentials.kind());
    assertEquals(Arrays.asList(expected), Arrays.asList(outcome(gate.check("POST", "/mcp", Collections.enumeration(headers)))),
        id + " via BearerGate");
  }

  @Test
  @DisplayName("parser kinds for the single-value form, including the scheme boundary")
  void kinds() {
    assertEquals(Kind.NONE, BearerCredentials.parse((String) null).kind());
    assertEquals(Kind.NONE, BearerCredentials.parse("").kind());
    assertEquals(Kind.NONE, BearerCredentials.parse("Bearerx abc").kind());
    assertEquals(Kind.NONE, BearerCredentials.parse("Basic dXNlcjpwYXNz").kind());
    assertEquals(Kind.MALFORMED_REQUEST, BearerCredentials.parse("Bearer").kind());
    assertEquals(Kind.MALFORMED_REQUEST, BearerCredentials.parse("Bearer \t").kind());
    assertEquals(Kind.MALFORMED_REQUEST, BearerCredentials.parse("Bearer\tabc").kind());
    assertEquals(Kind.MALFORMED_REQUEST, BearerCredentials.parse("Bearer a,b").kind());
    assertEquals(Kind.MALFORMED_TOKEN, BearerCredentials.parse("Bearer a\"b").kind());
    assertEquals(Kind.MALFORMED_TOKEN, BearerCredentials.parse("Bearer a\r\nX:y").kind());
    assertEquals(Kind.MALFORMED_REQUEST, BearerCredentials.parse("Bearer a\r\nX: y").kind(), "the space splits first");
    BearerCredentials ok = BearerCredentials.parse("bEaReR   abc.def-_~+/=  \t");
    assertEquals(Kind.TOKEN, ok.kind());
    assertEquals("abc.def-_~+/=", ok.token());
    assertEquals(Kind.NONE, BearerCredentials.parse((java.util.Enumeration<String>) null).kind());
    assertEquals(Kind.NONE, BearerCredentials.parse(Collections.emptyEnumeration()).kind());
  }

  @Test
  @DisplayName("RS-SEC-06/07 (H21, H22, H24): the gate sees only the Authorization header; query and form tokens are ignored")
  void bearerGateSeesOnlyTheHeader() {
    // H21/H22: the token travels in the query or a form body; the gate gets no Authorization field
    assertEquals(List.of(401, ""), Arrays.asList(outcome(gate.check("POST", "/mcp?access_token=" + VALID_JWT,
        Collections.emptyEnumeration()))));
    // H24: header token plus a junk query token: the header decides
    assertNull(gate.check("POST", "/mcp?access_token=other", Collections.enumeration(List.of("Bearer " + VALID_JWT))));
  }

  @Test
  @DisplayName("RS-SEC-01: a challenge always carries resource_metadata, never the token, and no-store")
  void challengeShape() {
    String hostile = VALID_JWT.substring(0, 30) + "\"x\"";
    for (String header : List.of("Bearer " + hostile, "Bearer abc.def.ghi", "Basic x")) {
      Reply reply = gate.check("POST", "/mcp", Collections.enumeration(List.of(header)));
      assertNotNull(reply);
      String all = String.join("\n", reply.headers) + "\n" + reply.body;
      assertTrue(all.contains("resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\""), all);
      assertFalse(all.contains("abc.def.ghi") || all.contains(hostile), "the token is never reflected");
      assertTrue(all.contains("no-store"));
    }
  }

  @Test
  @DisplayName("RS-SEC-47/50: a valid token without the required scope gets 403 insufficient_scope with scope=")
  void insufficientScope() {
    AgentConfig scoped = TestTokens.config("mcpauth.scopes.required", "tools:read");
    TokenVerifier scopedVerifier = new TokenVerifier(scoped, keys, TestTokens.CLOCK);
    BearerGate scopedGate = new BearerGate(scoped, scopedVerifier,
        new VerifiedTokenCache(100, TestTokens.CLOCK, VerifiedTokenCache.Revocations.NONE));
    for (String scope : List.of("tools:readx", "tools:rea", "TOOLS:READ", "tools:read\tother", "")) {
      String token = SIGNER.mint(TestTokens.with(TestTokens.claims(), "scope", scope));
      Reply reply = scopedGate.check("POST", "/mcp", Collections.enumeration(List.of("Bearer " + token)));
      assertEquals(List.of(403, "insufficient_scope"), Arrays.asList(outcome(reply)), scope);
      assertTrue(String.join(" ", reply.headers).contains("scope=\"tools:read\""));
    }
    String good = SIGNER.mint(TestTokens.with(TestTokens.claims(), "scope", "other tools:read"));
    assertNull(scopedGate.check("POST", "/mcp", Collections.enumeration(List.of("Bearer " + good))));
  }

  @Test
  @DisplayName("keys not available yet: 503 with Retry-After, not 401")
  void unavailable() {
    TokenVerifier noKeys = new TokenVerifier(config, new CountingKeySource(null), TestTokens.CLOCK);
    BearerGate noKeyGate = new BearerGate(config, noKeys,
        new VerifiedTokenCache(100, TestTokens.CLOCK, VerifiedTokenCache.Revocations.NONE));
    Reply reply = noKeyGate.check("POST", "/mcp", Collections.enumeration(List.of("Bearer " + VALID_JWT)));
    assertEquals(503, reply.status);
    assertEquals("Retry-After", reply.headers[0]);
  }
}
