package io.mcpauth.core.doctor;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.token.Claims;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.TokenCheckup;
import io.mcpauth.core.token.TokenCheckup.Verdict;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JWT held to every rule of the issuer's {@link TokenVerifier}, with the keys doctor loaded:
 * one line per rule, and the scopes every request needs. Prints the token's header and claim names
 * and the non-secret values a user needs, never the token or its signature.
 */
final class TokenRules {

  private TokenRules() {}

  static void report(AgentConfig config, IssuerChecks issuers, String issuer, String token, DoctorOutput output,
      Clock clock) {
    KeySet keys = issuers.keys(issuer);
    TokenVerifier verifier = new TokenVerifier(config, issuer, config.audiences(), KeySet.fixed(keys), clock);
    TokenCheckup.Report report = TokenCheckup.examine(verifier, token);
    Map<String, Object> header = report.header();
    Map<String, Object> claims = report.claims();
    long now = clock.instant().getEpochSecond();
    if (!header.isEmpty()) {
      output.note("token header: alg " + TokenFixes.quoted(header.get("alg")) + ", typ " + TokenFixes.quoted(header.get("typ"))
          + ", kid " + TokenFixes.quoted(header.get("kid")) + "; parameters " + header.keySet());
    }
    if (!claims.isEmpty()) {
      output.note("token claims: iss " + TokenFixes.quoted(claims.get("iss")) + ", aud " + TokenFixes.quoted(claims.get("aud"))
          + ", iat " + TokenFixes.time(claims.get("iat")) + ", exp " + TokenFixes.time(claims.get("exp"))
          + " (now " + TokenFixes.time(now) + "); names "
          + claims.keySet());
    }
    TokenFixes fixes = new TokenFixes(config, header, claims, now);
    Set<String> kids = new LinkedHashSet<>(keys == null ? List.of() : keys.kids());
    for (Verdict verdict : report.verdicts()) {
      String check = "token " + name(verdict.rule());
      switch (verdict.status()) {
        case PASS -> output.ok(check, passed(verdict.rule(), header, claims, issuer));
        case SKIPPED -> output.skip(check, verdict.message());
        case FAIL -> output.fail(check, verdict.reason().code() + ": " + fixes.problem(verdict, issuer, kids),
            fixes.fix(verdict.reason(), issuer));
      }
    }
    if (!claims.isEmpty()) {
      checkScopes(config, claims, output);
    }
  }

  /** The scopes every request needs ({@code mcpauth.scopes.required}), as the gate judges them. */
  private static void checkScopes(AgentConfig config, Map<String, Object> claims, DoctorOutput output) {
    List<String> needed = config.scopePolicy().everyRequest();
    if (needed.isEmpty()) {
      return;
    }
    try {
      Set<String> granted = Claims.scopes(claims);
      if (config.scopePolicy().grants(granted, needed)) {
        output.ok("token scope", "holds every scope each request needs (" + String.join(" ", needed) + ")");
      } else {
        output.fail("token scope", "insufficient_scope: the token's scopes " + granted + " lack some of "
            + String.join(" ", needed) + " (mcpauth.scopes.required)",
            "have the client ask for them (the scope parameter) and the identity provider grant them");
      }
    } catch (TokenRejectedException e) {
      output.fail("token scope", e.getMessage(), "scope must be a space-separated string (or scp an array of strings)");
    }
  }

  private static String name(TokenCheckup.Rule rule) {
    return switch (rule) {
      case LENGTH -> "length";
      case FORM -> "form";
      case HEADER_PARAMETERS -> "header";
      case ALGORITHM -> "alg";
      case TYPE -> "typ";
      case ISSUER -> "iss";
      case KEY -> "kid";
      case SIGNATURE -> "signature";
      case AUDIENCE -> "aud";
      case TIMES -> "time";
      case BEARER -> "cnf";
    };
  }

  private static String passed(TokenCheckup.Rule rule, Map<String, Object> header, Map<String, Object> claims,
      String issuer) {
    return switch (rule) {
      case LENGTH -> "within mcpauth.token.max-length";
      case FORM -> "a compact JWS whose header and claims are JSON objects";
      case HEADER_PARAMETERS -> "no refused header parameter";
      case ALGORITHM -> TokenFixes.quoted(header.get("alg")) + " is allowed";
      case TYPE -> TokenFixes.quoted(header.get("typ")) + " is accepted";
      case ISSUER -> "the configured issuer " + TokenFixes.quoted(issuer);
      case KEY -> (header.get("kid") == null ? "the one key that fits" : TokenFixes.quoted(header.get("kid"))) + " is in the JWKS";
      case SIGNATURE -> "valid";
      case AUDIENCE -> TokenFixes.quoted(claims.get("aud")) + " names an accepted audience";
      case TIMES -> "exp " + TokenFixes.time(claims.get("exp")) + " is ahead, and iat/nbf not in the future";
      case BEARER -> "a bearer token (no cnf)";
    };
  }
}
