package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;
import java.time.Duration;
import java.util.Map;

/**
 * exp, nbf and iat held to the clock: one rule for a JWT's claims and an introspection answer
 * (RFC 7519 §4.1.4-4.1.6, RFC 7662 §2.2). Each is a NumericDate as {@link Claims#numericDate}
 * reads it. With leeway L, a token is expired from exp + L on (at exp itself when L is 0: "on or
 * after" expires it), not yet valid while nbf lies more than L ahead, and refused while iat does.
 * A JWT must carry exp and may not outlive the configured maximum lifetime; an introspection
 * answer may leave exp out, as the server vouches for the token when asked. An exp before iat is
 * refused, as jose4j refuses it.
 */
public final class TimeClaims {

  private final long leewaySeconds;
  private final boolean expRequired;
  private final long maxLifetimeSeconds;

  private TimeClaims(Duration leeway, boolean expRequired, long maxLifetimeSeconds) {
    if (leeway.isNegative()) {
      throw new IllegalArgumentException("a negative leeway");
    }
    this.leewaySeconds = leeway.toSeconds();
    this.expRequired = expRequired;
    this.maxLifetimeSeconds = maxLifetimeSeconds;
  }

  /** A JWT access token: exp required, and at most {@code maxLifetime} ahead. */
  public static TimeClaims ofJwt(Duration leeway, Duration maxLifetime) {
    return new TimeClaims(leeway, true, maxLifetime.toSeconds());
  }

  /** An RFC 7662 answer: exp optional, no bound on how far ahead it lies. */
  public static TimeClaims ofIntrospection(Duration leeway) {
    return new TimeClaims(leeway, false, Long.MAX_VALUE);
  }

  /**
   * Refuses {@code claims} whose time claims do not hold at {@code now} (epoch seconds).
   *
   * @return exp, or null when it is absent and not required
   */
  public Long check(Map<String, Object> claims, long now) throws TokenRejectedException {
    Long exp = Claims.numericDate(claims, "exp");
    if (exp == null) {
      if (expRequired) {
        throw new TokenRejectedException(ReasonCode.LIFETIME_REFUSED, "exp is missing");
      }
    } else {
      if (now - leewaySeconds >= exp) {
        throw new TokenRejectedException(ReasonCode.TOKEN_EXPIRED, "token expired");
      }
      if (exp - now > maxLifetimeSeconds) {
        throw new TokenRejectedException(ReasonCode.LIFETIME_REFUSED, "exp lies beyond mcpauth.token.max-lifetime");
      }
    }
    Long nbf = Claims.numericDate(claims, "nbf");
    if (nbf != null && nbf > now + leewaySeconds) {
      throw new TokenRejectedException(ReasonCode.TOKEN_NOT_YET_VALID, "token not yet valid (nbf)");
    }
    Long iat = Claims.numericDate(claims, "iat");
    if (iat != null && iat > now + leewaySeconds) {
      throw new TokenRejectedException(ReasonCode.TOKEN_NOT_YET_VALID, "iat lies in the future");
    }
    if (iat != null && exp != null && exp < iat) {
      // No clock can make this right: the issuer says it expired before it was issued.
      throw new TokenRejectedException(ReasonCode.LIFETIME_REFUSED, "exp lies before iat");
    }
    return exp;
  }
}
