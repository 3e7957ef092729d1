package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TokenVerifier against jose4j configured as strictly as it allows, over valid tokens of the four
 * {@link FuzzKeys} and mutations of them (header, claims, encoding, signature). Every token that
 * one accepts and the other refuses must fall under a difference explained in docs/fuzzing.md;
 * the test fails on any other, and on any token jose4j refuses that the verifier accepts.
 */
class Jose4jDifferentialTest {

  private static final int TOKENS = 1_200;
  private static final TokenVerifier OURS = TokenVerifierFuzzTest.verifier();

  /**
   * The documented differences: mcpauth refuses, jose4j accepts, for a rule jose4j has no
   * setting for. Keyed by the start of mcpauth's refusal reason.
   */
  static final Map<String, String> EXPLAINED = explained();

  private static Map<String, String> explained() {
    Map<String, String> explained = new LinkedHashMap<>();
    explained.put("malformed token: non-canonical base64url", "D1 base64url: jose4j decodes non-canonical trailing bits");
    explained.put("malformed token: padded base64url", "D1 base64url: jose4j decodes padding");
    explained.put("malformed token: character outside base64url", "D1 base64url: jose4j skips characters outside the alphabet");
    explained.put("header parameter '", "D2 header allow-list: jose4j ignores jku/x5u/x5c/jwk (the key comes from the JWKS) and cty/b64/zip");
    explained.put("sender-constrained token (cnf)", "D3 cnf: jose4j does not know RFC 9449 sender-constrained tokens");
    explained.put("scope is neither", "D4 scope types: jose4j does not read scope/scp");
    explained.put("scp has a non-string entry", "D4 scope types: jose4j does not read scope/scp");
    explained.put("malformed token: claims has an escaped lone surrogate", "D5 lone surrogates: jose4j's JSON reader keeps them");
    explained.put("malformed token: header has an escaped lone surrogate", "D5 lone surrogates: jose4j's JSON reader keeps them");
    explained.put("malformed token: invalid UTF-8", "D6 UTF-8: jose4j decodes invalid UTF-8 with replacement characters");
    explained.put("exp lies beyond mcpauth.token.max-lifetime",
        "D7 max lifetime: jose4j allows the clock skew on top of setMaxFutureValidityInMinutes, mcpauth does not");
    return explained;
  }

  static JwtConsumer jose4j() {
    try {
      return new JwtConsumerBuilder()
          .setRequireExpirationTime()
          .setMaxFutureValidityInMinutes((int) (TokenVerifierFuzzTest.MAX_LIFETIME / 60))
          .setAllowedClockSkewInSeconds((int) TokenVerifierFuzzTest.SKEW)
          .setIssuedAtRestrictions((int) TokenVerifierFuzzTest.SKEW, Integer.MAX_VALUE)
          .setExpectedIssuer(TestTokens.ISSUER)
          .setExpectedAudience(TestTokens.RESOURCE)
          .setExpectedType(true, "at+jwt")
          .setEvaluationTime(NumericDate.fromSeconds(TokenVerifierFuzzTest.NOW))
          .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
              "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
          .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(FuzzKeys.PUBLIC_JWKS).getJsonWebKeys()))
          .build();
    } catch (org.jose4j.lang.JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Both verdicts on one token, and when they differ, the explanation or null. */
  record Verdict(boolean ours, String ourReason, boolean theirs, String theirReason) {
    String explanation() {
      if (ours == theirs) {
        return "agree";
      }
      if (ours && theirReason.contains("ClassCastException") && theirReason.contains("\"x5t\":")) {
        return "D8 x5t: jose4j selects keys by x5t and fails on one that is not a string; mcpauth selects by kid only";
      }
      if (!ours) {
        for (Map.Entry<String, String> entry : EXPLAINED.entrySet()) {
          if (ourReason.startsWith(entry.getKey())) {
            return entry.getValue();
          }
        }
      }
      return null;
    }
  }

  static Verdict verdict(JwtConsumer jose4j, String token) {
    boolean ours;
    String ourReason = "accepted";
    try {
      OURS.verify(token);
      ours = true;
    } catch (TokenRejectedException e) {
      ours = false;
      ourReason = e.getMessage();
    }
    boolean theirs;
    String theirReason = "accepted";
    try {
      jose4j.processToClaims(token);
      theirs = true;
    } catch (Exception e) {
      theirs = false;
      theirReason = String.valueOf(e.getMessage());
    }
    return new Verdict(ours, ourReason, theirs, theirReason);
  }

  @Test
  @DisplayName("differential: generated and mutated tokens, every disagreement with jose4j explained")
  void agreesWithJose4jOrExplains() {
    JwtConsumer jose4j = jose4j();
    Random random = new Random(20261207L);
    Map<String, Integer> tally = new TreeMap<>();
    List<String> unexplained = new ArrayList<>();
    int accepted = 0;
    for (int i = 0; i < TOKENS; i++) {
      String token = i < 40 ? DifferentialTokens.valid(random, i % 4) : DifferentialTokens.mutated(random);
      Verdict verdict = verdict(jose4j, token);
      String explanation = verdict.explanation();
      if (verdict.ours() && verdict.theirs()) {
        accepted++;
      }
      if (explanation == null) {
        unexplained.add((verdict.ours() ? "only mcpauth accepts" : "only jose4j accepts") + " (mcpauth: "
            + verdict.ourReason() + "; jose4j: " + verdict.theirReason() + "): " + token);
      } else {
        tally.merge(explanation.equals("agree") ? (verdict.ours() ? "agree: both accept" : "agree: both refuse")
            : explanation, 1, Integer::sum);
      }
    }
    tally.forEach((what, count) -> System.out.printf("  %5d  %s%n", count, what));
    unexplained.forEach(System.out::println);
    assertEquals(List.of(), unexplained);
    assertTrue(accepted >= 40, "the valid tokens must be accepted by both: " + accepted);
  }

  /**
   * The Wycheproof JWS vectors at the signature layer (their payloads are no claim sets): mcpauth
   * as {@link WycheproofJwsTest} classifies it, jose4j's JsonWebSignature with the same ten
   * algorithms and the vector's JWKS through JwksVerificationKeyResolver.
   */
  @Test
  @DisplayName("differential: Wycheproof JWS vectors at the signature layer, every disagreement with jose4j explained")
  void wycheproofAgreesWithJose4jOrExplains() {
    Map<String, Integer> tally = new TreeMap<>();
    List<String> unexplained = new ArrayList<>();
    for (String file : List.of("json_web_signature_test.json", "json_web_crypto_test.json", "json_web_key_test.json")) {
      for (Map<String, Object> group : TestData.list(TestData.json("wycheproof/" + file).get("testGroups"))) {
        Map<String, Object> key = TestData.map(group.containsKey("public") ? group.get("public") : group.get("private"));
        String jwks = org.jose4j.json.JsonUtil.toJson(Map.of("keys", key.containsKey("keys") ? key.get("keys") : List.of(key)));
        for (Map<String, Object> test : TestData.list(group.get("tests"))) {
          if (!(test.get("jws") instanceof String jws)) {
            continue;
          }
          WycheproofJwsTest.Outcome ours = WycheproofJwsTest.outcome(jwks, jws);
          boolean theirs = jose4jSignatureHolds(jwks, jws);
          String what;
          if (ours.accepted() == theirs) {
            what = ours.accepted() ? "agree: both accept" : "agree: both refuse";
          } else if (!ours.accepted()) {
            what = WYCHEPROOF_EXPLAINED.entrySet().stream().filter(e -> ours.reason().startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
          } else {
            what = null;
          }
          if (what == null) {
            unexplained.add(file + " tc " + test.get("tcId") + ": mcpauth " + ours.reason() + ", jose4j " + (theirs ? "accepts" : "refuses"));
          } else {
            tally.merge(what, 1, Integer::sum);
          }
        }
      }
    }
    tally.forEach((what, count) -> System.out.printf("  %5d  %s%n", count, what));
    unexplained.forEach(System.out::println);
    assertEquals(List.of(), unexplained);
  }

  /** Refusal reasons of mcpauth on a Wycheproof vector that jose4j's signature layer accepts. */
  private static final Map<String, String> WYCHEPROOF_EXPLAINED = Map.of(
      "malformed token: empty or truncated part", "W1 empty payload: never a JWT claim set",
      "malformed token: invalid UTF-8", "D6 UTF-8: a payload that is not UTF-8 is never a JWT claim set",
      "malformed token: character outside base64url", "D1 base64url: jose4j skips characters outside the alphabet",
      "malformed token: non-canonical base64url", "D1 base64url: jose4j decodes non-canonical trailing bits",
      "the key named by kid does not allow", "W2 alg pinned to the JWK alg (RS-SEC-18): jose4j verifies with a key whose JWK alg differs from the token's",
      "JWKS has no usable key", "W3 JWKS filter: keys jose4j uses and mcpauth leaves out (JwksParser)",
      "JWKS refused", "W3 JWKS filter: keys jose4j uses and mcpauth leaves out (JwksParser)",
      "no typ header", "W4 typ: the vectors carry none; jose4j's JWS layer does not look at typ");

  private static boolean jose4jSignatureHolds(String jwks, String jws) {
    try {
      org.jose4j.jws.JsonWebSignature signature = new org.jose4j.jws.JsonWebSignature();
      signature.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"));
      signature.setCompactSerialization(jws);
      signature.setKey(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()).resolveKey(signature, List.of()));
      return signature.verifySignature();
    } catch (Exception | LinkageError e) {
      return false;
    }
  }
}
