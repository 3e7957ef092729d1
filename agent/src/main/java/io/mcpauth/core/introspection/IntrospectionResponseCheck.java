package io.mcpauth.core.introspection;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.text.Ascii;
import io.mcpauth.core.token.Claims;
import io.mcpauth.core.token.TimeClaims;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.VerifiedToken;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Judges an RFC 7662 introspection response as strictly as a JWT's claims: the authorization server
 * vouches for the token's liveness, the resource server still checks that it was issued for it.
 * <ul>
 *   <li>{@code active} must be the JSON value {@code true} (§2.2; a string "true" is not: RS-SEC-52);
 *   <li>{@code aud} is required and must name this resource or one of {@code mcpauth.audience}: without
 *       it a token for another resource at the same server would pass (RS-08, RS-SEC-45, RS-SEC-54);
 *   <li>{@code iss}, when present, must equal the issuer whose endpoint was asked (a mix-up otherwise);
 *   <li>{@code exp}, {@code nbf} and {@code iat}, when present, are held to the clock like a JWT's ({@link TimeClaims});
 *   <li>a refresh token or a sender-constrained token ({@code token_type} DPoP, a {@code cnf}) is refused;
 *   <li>{@code scope} and {@code scp} are read as in a JWT.
 * </ul>
 * A response that is not a JSON object means the server could not be understood: that is an outage
 * (503), not a verdict on the token.
 */
final class IntrospectionResponseCheck {

  private final String issuer;
  private final Set<String> audiences;
  private final TimeClaims timeClaims;

  IntrospectionResponseCheck(String issuer, Set<String> audiences, Duration clockSkew) {
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException("introspection needs the resource's audiences");
    }
    this.issuer = issuer;
    this.audiences = audiences;
    this.timeClaims = TimeClaims.ofIntrospection(clockSkew);
  }

  /**
   * @param fallbackExpiry the {@link VerifiedToken#expiresAtEpochSecond()} of a token whose response
   *     has no {@code exp}: the end of the time its result may be reused
   */
  VerifiedToken judge(String body, long now, long fallbackExpiry) throws TokenRejectedException {
    Map<String, Object> response;
    try {
      response = StrictJson.parseObject(body, "introspection response");
    } catch (StrictJson.MalformedJsonException e) {
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE, e.getMessage());
    }
    Object active = response.get("active");
    if (Boolean.FALSE.equals(active)) {
      throw new TokenRejectedException(ReasonCode.TOKEN_INACTIVE, "the authorization server says the token is not active");
    }
    if (!Boolean.TRUE.equals(active)) {
      throw new TokenRejectedException(ReasonCode.TOKEN_INACTIVE, "introspection response without active: true");
    }
    checkTokenType(response);
    if (response.containsKey("iss") && !issuer.equals(response.get("iss"))) {
      throw new TokenRejectedException(ReasonCode.ISSUER_UNTRUSTED, "introspection response names another issuer");
    }
    if (!response.containsKey("aud")) {
      throw new TokenRejectedException(ReasonCode.AUDIENCE_MISMATCH, "introspection response has no aud, so the token may be for another resource");
    }
    if (!Claims.audienceNamesAny(response.get("aud"), audiences)) {
      throw new TokenRejectedException(ReasonCode.AUDIENCE_MISMATCH, "aud does not name this resource");
    }
    Long exp = timeClaims.check(response, now);
    Map<String, Object> kept = Claims.kept(response);
    return new VerifiedToken(
        issuer,
        Claims.optionalString(kept, "sub"),
        Claims.clientId(kept),
        Claims.scopes(response),
        exp != null ? exp : fallbackExpiry,
        Claims.optionalString(kept, "jti"),
        kept);
  }

  private static void checkTokenType(Map<String, Object> response) throws TokenRejectedException {
    String type = Claims.optionalString(response, "token_type");
    if (type != null) {
      String lower = Ascii.toLowerCase(type);
      if (lower.equals("refresh_token")) {
        throw new TokenRejectedException(ReasonCode.TYP_NOT_ACCEPTED, "a refresh token sent as an access token");
      }
      if (lower.equals("dpop")) {
        throw new TokenRejectedException(ReasonCode.SENDER_CONSTRAINED, "sender-constrained token (DPoP) sent as bearer");
      }
    }
    if (response.containsKey("cnf")) {
      // RFC 9449 §7 / RFC 8705 §3: a token bound to a key must come with proof of that key.
      throw new TokenRejectedException(ReasonCode.SENDER_CONSTRAINED, "sender-constrained token (cnf) sent as bearer");
    }
  }
}
