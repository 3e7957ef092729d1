package io.mcpauth.core.token;

import static io.mcpauth.core.token.TestTokens.ISSUER;
import static io.mcpauth.core.token.TestTokens.NOW;
import static io.mcpauth.core.token.TestTokens.claims;
import static io.mcpauth.core.token.TestTokens.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.token.TestTokens.Signer;
import io.mcpauth.core.token.TokenCheckup.Rule;
import io.mcpauth.core.token.TokenCheckup.Status;
import io.mcpauth.core.token.TokenCheckup.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every rule a token breaks, each judged by the verifier's own rule, and in agreement with {@link TokenVerifier#verify}. */
class TokenCheckupTest {

  private final Signer rsa = TestTokens.rsa();
  private final TokenVerifier verifier = TestTokens.verifier(TestTokens.keys(rsa.publicJwk()));

  private static Map<Rule, Verdict> byRule(TokenCheckup.Report report) {
    return report.verdicts().stream().collect(Collectors.toMap(Verdict::rule, verdict -> verdict));
  }

  private static List<ReasonCode> failures(TokenCheckup.Report report) {
    return report.verdicts().stream().filter(v -> v.status() == Status.FAIL).map(Verdict::reason).toList();
  }

  @Test
  void aGoodTokenPassesEveryRule() {
    TokenCheckup.Report report = TokenCheckup.examine(verifier, rsa.mint());
    assertTrue(report.passed(), report.toString());
    assertEquals(List.of(Rule.values()), report.verdicts().stream().map(Verdict::rule).toList());
    assertEquals(ISSUER, report.claims().get("iss"));
    assertEquals("RS256", report.header().get("alg"));
  }

  @Test
  void reportsEveryBrokenRuleNotJustTheFirst() {
    Map<String, Object> header = new LinkedHashMap<>(rsa.header());
    header.put("typ", "JWT");
    Map<String, Object> claims = with(claims(), "iss", ISSUER + "/", "aud", "https://other.example.com",
        "exp", NOW.getEpochSecond() - 3600, "iat", NOW.getEpochSecond() - 7200);
    String token = rsa.mint(header, claims);

    TokenCheckup.Report report = TokenCheckup.examine(verifier, token);

    assertEquals(List.of(ReasonCode.TYP_NOT_ACCEPTED, ReasonCode.ISSUER_UNTRUSTED, ReasonCode.AUDIENCE_MISMATCH,
        ReasonCode.TOKEN_EXPIRED), failures(report));
    assertEquals(Status.PASS, byRule(report).get(Rule.SIGNATURE).status());
    // the verifier stops at the first of them, with the same reason
    TokenRejectedException first = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    assertEquals(ReasonCode.TYP_NOT_ACCEPTED, first.reason());
  }

  @Test
  void anAlgorithmThatIsNotAllowedStillHasItsKeyAndSignatureChecked() {
    TokenVerifier esOnly = TestTokens.verifier(TestTokens.keys(rsa.publicJwk()), "mcpauth.algorithms", "ES256");
    TokenCheckup.Report report = TokenCheckup.examine(esOnly, rsa.mint());
    assertEquals(List.of(ReasonCode.ALGORITHM_REFUSED), failures(report));
    assertEquals(Status.PASS, byRule(report).get(Rule.KEY).status());
    assertEquals(Status.PASS, byRule(report).get(Rule.SIGNATURE).status());
  }

  @Test
  void anUnknownKidSkipsTheSignature() {
    Map<String, Object> header = with(rsa.header(), "kid", "not-published");
    TokenCheckup.Report report = TokenCheckup.examine(verifier, rsa.mint(header, claims()));
    assertEquals(List.of(ReasonCode.KEY_UNKNOWN), failures(report));
    assertEquals(Status.SKIPPED, byRule(report).get(Rule.SIGNATURE).status());
  }

  @Test
  void hmacSkipsKeyAndSignature() {
    String token = TestTokens.b64("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}") + "."
        + TestTokens.b64("{\"iss\":\"" + ISSUER + "\"}") + "." + TestTokens.b64("sig");
    TokenCheckup.Report report = TokenCheckup.examine(verifier, token);
    assertEquals(Status.FAIL, byRule(report).get(Rule.ALGORITHM).status());
    assertEquals(Status.SKIPPED, byRule(report).get(Rule.KEY).status());
    assertEquals(Status.SKIPPED, byRule(report).get(Rule.SIGNATURE).status());
    assertTrue(failures(report).contains(ReasonCode.AUDIENCE_MISMATCH), report.toString());
  }

  @Test
  void noKeysAtAllIsKeysUnavailable() {
    TokenVerifier keyless = TestTokens.verifier(KeySet.fixed(null));
    TokenCheckup.Report report = TokenCheckup.examine(keyless, rsa.mint());
    assertEquals(List.of(ReasonCode.KEYS_UNAVAILABLE), failures(report));
  }

  @Test
  void notAJwsStopsAtTheForm() {
    TokenCheckup.Report report = TokenCheckup.examine(verifier, "opaque-token-value");
    assertEquals(List.of(Rule.LENGTH, Rule.FORM), report.verdicts().stream().map(Verdict::rule).toList());
    assertEquals(List.of(ReasonCode.TOKEN_MALFORMED), failures(report));
    assertTrue(report.header().isEmpty() && report.claims().isEmpty());
  }

  /** The checkup and the verifier never disagree about whether a token passes. */
  @Test
  void agreesWithVerifyOnEachSingleBrokenRule() {
    List<String> tokens = List.of(
        rsa.mint(),
        rsa.mint(with(rsa.header(), "typ", "JWT"), claims()),
        rsa.mint(with(claims(), "iss", "https://evil.example.com")),
        rsa.mint(with(claims(), "aud", "x")),
        rsa.mint(with(claims(), "exp", NOW.getEpochSecond() - 61)),
        rsa.mint(with(claims(), "iat", NOW.getEpochSecond() + 61)),
        rsa.mint(with(claims(), "cnf", Map.of("jkt", "x"))),
        rsa.mint(with(rsa.header(), "jku", "https://evil.example.com"), claims()),
        TestTokens.attackerRsa().mint());
    for (String token : tokens) {
      TokenCheckup.Report report = TokenCheckup.examine(verifier, token);
      ReasonCode verdict;
      try {
        verifier.verify(token);
        verdict = null;
      } catch (TokenRejectedException e) {
        verdict = e.reason();
      }
      List<ReasonCode> failures = failures(report);
      assertEquals(verdict == null, failures.isEmpty(), failures.toString());
      if (verdict != null) {
        assertEquals(verdict, failures.get(0), "the verifier's reason is the checkup's first failure");
      }
      assertFalse(report.toString().contains(token));
    }
  }
}
