package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.json.StrictJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every rule a token breaks, not just the first: for {@code doctor}. Each verdict comes from the
 * {@link TokenVerifier} rule the gate runs, called on its own; where one rule needs what an earlier
 * one refused (a key needs a known algorithm, a signature needs a key), the later one is skipped.
 */
public final class TokenCheckup {

  /** The rules, in the verifier's order. */
  public enum Rule { LENGTH, FORM, HEADER_PARAMETERS, ALGORITHM, TYPE, ISSUER, KEY, SIGNATURE, AUDIENCE, TIMES, BEARER }

  public enum Status { PASS, FAIL, SKIPPED }

  /**
   * @param reason the verifier's reason, for a failure; null otherwise
   * @param message the verifier's message for a failure, or why the rule was skipped
   */
  public record Verdict(Rule rule, Status status, ReasonCode reason, String message) {}

  /**
   * @param header the decoded JWS header, or empty when the token is no compact JWS
   * @param claims the decoded claims, or empty when they could not be read
   */
  public record Report(List<Verdict> verdicts, Map<String, Object> header, Map<String, Object> claims) {

    public boolean passed() {
      return verdicts.stream().allMatch(verdict -> verdict.status() != Status.FAIL);
    }
  }

  private TokenCheckup() {}

  /** The verdict of each of {@code verifier}'s rules on {@code token}, with its keys as they are now (it may fetch them). */
  public static Report examine(TokenVerifier verifier, String token) {
    List<Verdict> verdicts = new ArrayList<>();
    check(verdicts, Rule.LENGTH, () -> verifier.checkLength(token));
    CompactJws jws;
    Map<String, Object> header;
    try {
      jws = CompactJws.parse(token);
      header = TokenVerifier.json(jws.header, "header");
    } catch (TokenRejectedException e) {
      verdicts.add(new Verdict(Rule.FORM, Status.FAIL, e.reason(), e.getMessage()));
      return new Report(verdicts, Map.of(), Map.of());
    }
    Map<String, Object> claims;
    try {
      claims = StrictJson.parseObject(jws.payload, "claims");
      verdicts.add(pass(Rule.FORM));
    } catch (StrictJson.MalformedJsonException e) {
      claims = null;
      verdicts.add(new Verdict(Rule.FORM, Status.FAIL, ReasonCode.TOKEN_MALFORMED, "malformed token: " + e.getMessage()));
    }
    check(verdicts, Rule.HEADER_PARAMETERS, () -> verifier.checkHeaderParameters(header));
    JwsAlgorithm algorithm;
    try {
      algorithm = verifier.allowedAlgorithm(header);
      verdicts.add(pass(Rule.ALGORITHM));
    } catch (TokenRejectedException e) {
      verdicts.add(fail(Rule.ALGORITHM, e));
      // A known algorithm that is merely not allowed can still show whether key and signature hold.
      algorithm = header.get("alg") instanceof String name ? JwsAlgorithm.of(name) : null;
    }
    check(verdicts, Rule.TYPE, () -> verifier.checkType(header.get("typ")));
    Map<String, Object> claimSet = claims;
    if (claimSet == null) {
      verdicts.add(skipped(Rule.ISSUER, "the claims cannot be read"));
    } else {
      check(verdicts, Rule.ISSUER, () -> verifier.checkIssuer(claimSet));
    }
    VerificationKey key = null;
    if (algorithm == null) {
      verdicts.add(skipped(Rule.KEY, "no algorithm a key could be used with"));
    } else {
      try {
        key = verifier.key(header.get("kid"), algorithm, true);
        verdicts.add(pass(Rule.KEY));
      } catch (TokenRejectedException e) {
        verdicts.add(fail(Rule.KEY, e));
      }
    }
    if (key == null) {
      verdicts.add(skipped(Rule.SIGNATURE, "no key to check it with"));
    } else {
      JwsAlgorithm keyAlgorithm = algorithm;
      VerificationKey signingKey = key;
      check(verdicts, Rule.SIGNATURE, () -> TokenVerifier.verifySignature(jws, keyAlgorithm, signingKey));
    }
    if (claimSet == null) {
      verdicts.add(skipped(Rule.AUDIENCE, "the claims cannot be read"));
      verdicts.add(skipped(Rule.TIMES, "the claims cannot be read"));
      verdicts.add(skipped(Rule.BEARER, "the claims cannot be read"));
      return new Report(List.copyOf(verdicts), Collections.unmodifiableMap(header), Map.of());
    }
    check(verdicts, Rule.AUDIENCE, () -> verifier.checkAudience(claimSet.get("aud")));
    check(verdicts, Rule.TIMES, () -> verifier.checkTimes(claimSet));
    check(verdicts, Rule.BEARER, () -> TokenVerifier.checkNotSenderConstrained(claimSet));
    return new Report(List.copyOf(verdicts), Collections.unmodifiableMap(header), Collections.unmodifiableMap(claimSet));
  }

  private interface Check {
    void run() throws TokenRejectedException;
  }

  private static void check(List<Verdict> verdicts, Rule rule, Check check) {
    try {
      check.run();
      verdicts.add(pass(rule));
    } catch (TokenRejectedException e) {
      verdicts.add(fail(rule, e));
    }
  }

  private static Verdict pass(Rule rule) {
    return new Verdict(rule, Status.PASS, null, null);
  }

  private static Verdict fail(Rule rule, TokenRejectedException e) {
    return new Verdict(rule, Status.FAIL, e.reason(), e.getMessage());
  }

  private static Verdict skipped(Rule rule, String why) {
    return new Verdict(rule, Status.SKIPPED, null, why);
  }
}
