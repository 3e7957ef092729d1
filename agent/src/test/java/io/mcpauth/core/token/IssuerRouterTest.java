package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.token.TestTokens.CountingKeySource;
import io.mcpauth.core.token.TestTokens.Signer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several issuers: the unverified iss picks the one verifier that may judge a token, keys never
 * cross issuers, opaque tokens go to the one introspecting issuer, and nothing falls back.
 */
class IssuerRouterTest {

  private static final String ISSUER_A = TestTokens.ISSUER;
  private static final String ISSUER_B = "https://partner.example.com";
  private static final String ISSUER_C = "https://opaque.example.com";

  // Both keys are published under the same kid, rsa-1: only the issuer can tell them apart.
  private final Signer signerA = TestTokens.rsa();
  private final Signer signerB = TestTokens.attackerRsa();
  private final CountingKeySource keysA = TestTokens.keys(signerA.publicJwk());
  private final CountingKeySource keysB = TestTokens.keys(signerB.publicJwk());
  private final AgentConfig config = TestTokens.config();
  private final TokenVerifier verifierA = new TokenVerifier(config, ISSUER_A, config.audiences(), keysA, TestTokens.CLOCK);
  private final TokenVerifier verifierB = new TokenVerifier(config, ISSUER_B, config.audiences(), keysB, TestTokens.CLOCK);
  private final Introspected introspected = new Introspected();

  /** Stands in for an introspection verifier: accepts "opaque-good", counts every call. */
  static final class Introspected implements AccessTokenVerifier {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public VerifiedToken verify(String token, boolean mayWait) throws TokenRejectedException {
      calls.incrementAndGet();
      if (!token.equals("opaque-good") && !token.startsWith("ey")) {
        throw new TokenRejectedException(ReasonCode.TOKEN_INACTIVE, "the authorization server says the token is not active");
      }
      return new VerifiedToken(ISSUER_C, "bob", "c", Set.of("mcp:tools"), TestTokens.NOW.getEpochSecond() + 60, null, Map.of());
    }
  }

  private IssuerRouter router(AccessTokenVerifier opaqueTokens) {
    Map<String, AccessTokenVerifier> byIssuer = new LinkedHashMap<>();
    byIssuer.put(ISSUER_A, verifierA);
    byIssuer.put(ISSUER_B, verifierB);
    byIssuer.put(ISSUER_C, introspected);
    return new IssuerRouter(byIssuer, opaqueTokens, config.tokenMaxLength());
  }

  private static String token(Signer signer, String issuer) {
    return signer.mint(TestTokens.with(TestTokens.claims(), "iss", issuer));
  }

  private static TokenRejectedException refused(IssuerRouter router, String token) {
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> router.verify(token, true));
    assertEquals(TokenRejectedException.Kind.INVALID, e.kind(), e.getMessage());
    return e;
  }

  @Test
  @DisplayName("RS-07: each trusted issuer's tokens are accepted, each checked with that issuer's own keys")
  void eachIssuer() throws Exception {
    IssuerRouter router = router(introspected);
    assertEquals(ISSUER_A, router.verify(token(signerA, ISSUER_A), true).issuer());
    assertEquals(1, keysA.calls());
    assertEquals(0, keysB.calls());
    assertEquals(ISSUER_B, router.verify(token(signerB, ISSUER_B), true).issuer());
    assertEquals(1, keysB.calls());
    assertEquals(0, introspected.calls.get());
  }

  @Test
  @DisplayName("RS-SEC-35: a token claiming issuer A signed with issuer B's key (same kid) is refused, and the reverse")
  void keysNeverCrossIssuers() {
    IssuerRouter router = router(introspected);
    assertEquals("signature invalid", refused(router, token(signerB, ISSUER_A)).getMessage());
    assertEquals("signature invalid", refused(router, token(signerA, ISSUER_B)).getMessage());
    assertEquals(0, introspected.calls.get(), "no fallback to introspection (RS-SEC-56)");
  }

  @Test
  @DisplayName("RS-SEC-42: an iss that is not trusted exactly (unknown, case, trailing slash, missing) is refused unchecked")
  void unknownIssuer() {
    IssuerRouter router = router(introspected);
    for (String iss : List.of("https://evil.example.com", "https://AS.example.com", ISSUER_A + "/", "http://as.example.com")) {
      assertEquals("iss is not a trusted issuer", refused(router, token(signerA, iss)).getMessage());
    }
    refused(router, signerA.mint(TestTokens.without(TestTokens.claims(), "iss")));
    refused(router, signerA.mint(TestTokens.with(TestTokens.claims(), "iss", 42)));
    assertEquals(0, keysA.calls() + keysB.calls() + introspected.calls.get());
  }

  @Test
  @DisplayName("a JWT of an introspected issuer goes to its introspection endpoint, never to a JWKS")
  void jwtOfIntrospectedIssuer() throws Exception {
    IssuerRouter router = router(introspected);
    assertEquals(ISSUER_C, router.verify(token(signerA, ISSUER_C), true).issuer());
    assertEquals(1, introspected.calls.get());
    assertEquals(0, keysA.calls() + keysB.calls());
  }

  @Test
  @DisplayName("opaque tokens (dotted or not) go to the one introspecting issuer; a refusal there is final")
  void opaqueTokens() throws Exception {
    IssuerRouter router = router(introspected);
    assertEquals("bob", router.verify("opaque-good", true).subject());
    for (String opaque : List.of("opaque-bad", "abc.def.ghi", "a.b", "Zm9v.YmFy.YmF6", "x.y.z.w", ".eyJ.x")) {
      refused(router, opaque);
    }
    assertEquals(7, introspected.calls.get());
    assertEquals(0, keysA.calls() + keysB.calls(), "no fallback to the JWT path (RS-SEC-56)");
  }

  @Test
  @DisplayName("without exactly one introspecting issuer an opaque token cannot be routed and is refused")
  void opaqueWithoutIntrospection() {
    IssuerRouter router = router(null);
    assertTrue(refused(router, "opaque-good").getMessage().contains("not a JWT"));
    assertEquals(0, introspected.calls.get());
  }

  @Test
  @DisplayName("a token shaped like a JWT is held to the JWT rules: a bad part is refused, not treated as opaque")
  void malformedJwt() {
    IssuerRouter router = router(introspected);
    String good = token(signerA, ISSUER_A);
    String[] parts = good.split("\\.");
    refused(router, parts[0] + "." + parts[1] + ".a=b");
    refused(router, parts[0] + "." + TestTokens.b64("not json") + "." + parts[2]);
    refused(router, parts[0] + "." + parts[1] + "=." + parts[2]);
    assertEquals(0, introspected.calls.get());
  }

  @Test
  @DisplayName("RS-SEC-09: an overlong token is refused before it is parsed")
  void overlong() {
    IssuerRouter router = router(introspected);
    refused(router, "a".repeat(config.tokenMaxLength() + 1));
    assertEquals(0, introspected.calls.get());
  }
}
