package io.mcpauth.core.doctor;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.token.TokenCheckup.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What fixes a broken rule, on the agent's side or the identity provider's: one text per verdict,
 * built from the configuration and the token's non-secret header and claims. The wording follows
 * docs/identity-providers.md.
 */
final class TokenFixes {

  private final AgentConfig config;
  private final Map<String, Object> header;
  private final Map<String, Object> claims;
  private final long now;

  TokenFixes(AgentConfig config, Map<String, Object> header, Map<String, Object> claims, long now) {
    this.config = config;
    this.header = header;
    this.claims = claims;
    this.now = now;
  }

  /** The problem as the user should read it (the verifier's reason, with the values that matter). */
  String problem(Verdict verdict, String issuer, Set<String> kids) {
    ReasonCode reason = verdict.reason();
    return switch (reason) {
      case TYP_NOT_ACCEPTED -> (header.get("typ") == null ? "the token has no typ header" : "typ " + quoted(header.get("typ")))
          + " is not in mcpauth.token.types (" + String.join(",", config.tokenTypes()) + ")";
      case ALGORITHM_REFUSED -> "alg " + quoted(header.get("alg")) + " is not allowed (mcpauth.algorithms: "
          + String.join(",", config.algorithms()) + ")";
      case ISSUER_UNTRUSTED -> "iss " + quoted(claims.get("iss")) + " is not the configured issuer " + quoted(issuer);
      case AUDIENCE_MISMATCH -> "aud " + quoted(claims.get("aud")) + " does not name any accepted audience "
          + quoted(String.join(",", config.audiences()));
      case KEY_UNKNOWN -> verdict.message() + (header.get("kid") == null ? "" : " " + quoted(header.get("kid")))
          + "; the JWKS has kid(s) " + (kids.isEmpty() ? "(none)" : String.join(", ", kids));
      case TOKEN_EXPIRED -> "exp " + time(claims.get("exp")) + " is " + ago(claims.get("exp")) + " ago (clock skew allowed: "
          + config.clockSkew().toSeconds() + "s)";
      case TOKEN_NOT_YET_VALID -> verdict.message() + ": " + futureTimes() + " (clock skew allowed: "
          + config.clockSkew().toSeconds() + "s)";
      default -> verdict.message();
    };
  }

  /** The fix, or null when there is nothing to say beyond the problem. */
  String fix(ReasonCode reason, String issuer) {
    return switch (reason) {
      case TYP_NOT_ACCEPTED -> typFix();
      case ALGORITHM_REFUSED -> algorithmFix();
      case ISSUER_UNTRUSTED -> issuerFix(claims.get("iss"), issuer);
      case AUDIENCE_MISMATCH -> audienceFix();
      case KEY_UNKNOWN -> "the token was signed by a key this issuer does not publish: it comes from another realm, tenant"
          + " or issuer, or from a key the identity provider has not published yet; check mcpauth.issuer and"
          + " mcpauth.jwks.uri name the provider that issued it";
      case SIGNATURE_INVALID -> "the signature does not hold with the key its kid names: the token was altered, or another"
          + " key with the same kid signed it; get a fresh token from the identity provider";
      case TOKEN_EXPIRED -> "get a fresh token; if it was issued just now, this machine's clock and the identity provider's"
          + " differ" + (claims.get("exp") instanceof Number ? " by about " + ago(claims.get("exp")) : "")
          + ": synchronise both clocks (NTP), or raise mcpauth.clock-skew (at most 10m)";
      case TOKEN_NOT_YET_VALID -> "this machine's clock is behind the identity provider's: synchronise both clocks (NTP),"
          + " or raise mcpauth.clock-skew above the difference (at most 10m)";
      case LIFETIME_REFUSED -> claims.get("exp") == null ? "the identity provider must put exp in its access tokens"
          : "raise mcpauth.token.max-lifetime (now " + config.tokenMaxLifetime() + "), or shorten the access-token"
              + " lifetime at the identity provider";
      case HEADER_PARAMETER_REFUSED -> "the identity provider must not send this header parameter; the agent never trusts"
          + " key material or processing instructions carried by the token";
      case SENDER_CONSTRAINED -> "the token is bound to a key (cnf: DPoP or mTLS) and the agent accepts bearer tokens only:"
          + " have the identity provider issue this client bearer tokens";
      case TOKEN_MALFORMED -> "the agent reads compact JWS access tokens (or asks an introspection endpoint,"
          + " mcpauth.introspection.uri, for opaque ones)";
      case KEYS_UNAVAILABLE -> "the issuer's keys could not be loaded: see the jwks line above";
      default -> null;
    };
  }

  private String typFix() {
    Object typ = header.get("typ");
    if (typ == null) {
      return "add none to mcpauth.token.types (mcpauth.token.types=" + String.join(",", config.tokenTypes()) + ",none)";
    }
    if (typ instanceof String text && text.equalsIgnoreCase("jwt")) {
      return "add jwt to mcpauth.token.types (mcpauth.token.types=" + String.join(",", config.tokenTypes()) + ",jwt),"
          + " or on Keycloak 26.2+ turn on the client's RFC 9068 option (Advanced > Fine grain OpenID Connect"
          + " configuration > Use \"at+jwt\" as access token header type); an ID token is never an access token";
    }
    return "if this is your identity provider's access-token type, add it to mcpauth.token.types; an ID token is never"
        + " an access token";
  }

  private String algorithmFix() {
    Object alg = header.get("alg");
    if (!(alg instanceof String name) || name.equalsIgnoreCase("none") || name.regionMatches(true, 0, "HS", 0, 2)) {
      return "unsigned and HMAC (HS*) tokens are never accepted: have the identity provider sign access tokens with an"
          + " asymmetric key (RS256, ES256, EdDSA)";
    }
    return "add " + name + " to mcpauth.algorithms, or have the identity provider sign with one of the allowed algorithms";
  }

  static String issuerFix(Object iss, String issuer) {
    if (iss instanceof String text && differsByTrailingSlash(text, issuer)) {
      return "they differ only by a trailing slash, and issuers are compared exactly: set mcpauth.issuer=" + text
          + " (copy the issuer value from the provider's discovery document, character for character)";
    }
    if (iss == null) {
      return "the identity provider must put iss in its access tokens";
    }
    return "if you trust this issuer, set mcpauth.issuer to it (or add it with mcpauth.additional-issuers);"
        + " otherwise the token comes from the wrong identity provider";
  }

  private String audienceFix() {
    String expected = String.join(",", config.audiences());
    return "make the token's aud name " + quoted(expected) + ": on Keycloak, an Audience mapper (included.custom.audience="
        + expected + ") in a default client scope; on Auth0, request the token with the audience parameter set to an"
        + " API whose identifier is " + expected + "; on Entra ID, aud is the API's client ID (or its application ID"
        + " URI): set mcpauth.audience to that value, which must name this MCP server and never a client that signs"
        + " users in";
  }

  static boolean differsByTrailingSlash(String a, String b) {
    return a != null && b != null && !a.equals(b) && (a.equals(b + "/") || b.equals(a + "/"));
  }

  /** Time claims in the future, with how far ahead they lie. */
  private String futureTimes() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("nbf", "iat")) {
      if (claims.get(name) instanceof Number value && value.longValue() > now) {
        out.append(out.length() == 0 ? "" : ", ").append(name).append(' ').append(time(value))
            .append(" is ").append(value.longValue() - now).append("s ahead of this machine's clock");
      }
    }
    return out.toString();
  }

  private String ago(Object epochSeconds) {
    return epochSeconds instanceof Number value ? (now - value.longValue()) + "s" : "?";
  }

  static String time(Object epochSeconds) {
    return epochSeconds instanceof Number value ? Instant.ofEpochSecond(value.longValue()).toString() : quoted(epochSeconds);
  }

  /** A claim or header value as text a log may carry (control characters escaped, length bounded). */
  static String quoted(Object value) {
    if (value == null) {
      return "(absent)";
    }
    String text = value instanceof List<?> list ? list.toString() : String.valueOf(value);
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return "'" + LogText.printable(text) + "'";
  }
}
