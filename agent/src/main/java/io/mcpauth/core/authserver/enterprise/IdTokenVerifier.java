package io.mcpauth.core.authserver.enterprise;

import io.mcpauth.core.token.Claims;
import io.mcpauth.core.token.KeySource;
import io.mcpauth.core.token.TimeClaims;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates the upstream provider's ID tokens (OpenID Connect Core §3.1.3.7) with the access-token
 * verifier's machinery: signature with the provider's keys only, the algorithm allow-list, {@code iss}
 * exactly the configured issuer, {@code exp}. On top: {@code aud} is our client id alone, {@code azp}
 * if present is our client id, {@code iat} is recent, {@code sub} is present, and the {@code nonce}
 * of the sign-in is echoed. The {@code typ} may be {@code JWT} or absent, never {@code at+jwt} or an
 * assertion type: an access token never passes for an ID token.
 */
public final class IdTokenVerifier {

  /** An ID token issued longer ago than this (beyond the clock skew) is stale: sign-in takes minutes, not hours. */
  static final long MAX_AGE_SECONDS = 600;
  private static final Duration MAX_LIFETIME = Duration.ofDays(1);

  private final TokenVerifier verifier;
  private final String clientId;
  private final long skewSeconds;
  private final Clock clock;

  public IdTokenVerifier(String issuer, String clientId, Set<String> algorithms, Duration clockSkew, int maxLength,
      KeySource keys, Clock clock) {
    this.verifier = new TokenVerifier(issuer, Set.of(clientId), algorithms, Set.of("jwt", "none"),
        TimeClaims.ofJwt(clockSkew, MAX_LIFETIME), maxLength, keys, clock);
    this.clientId = clientId;
    this.skewSeconds = clockSkew.toSeconds();
    this.clock = clock;
  }

  /**
   * The claims of a valid ID token.
   *
   * @param nonce the sign-in's nonce, which the token must carry; null for a token from a refresh
   *     (OpenID Connect Core §12.2), whose caller then checks that it names the same user
   */
  public Map<String, Object> verify(String idToken, String nonce) throws AssertionRejectedException {
    Map<String, Object> claims;
    try {
      claims = verifier.verify(idToken).claims();
    } catch (TokenRejectedException e) {
      throw new AssertionRejectedException("the ID token is not valid: " + e.getMessage());
    }
    Object aud = claims.get("aud");
    if (!(aud instanceof String) && !(aud instanceof List<?> list && list.size() == 1)) {
      throw new AssertionRejectedException("the ID token names other audiences besides this server");
    }
    Object azp = claims.get("azp");
    if (azp != null && !clientId.equals(azp)) {
      throw new AssertionRejectedException("the ID token's azp is not this server's client id");
    }
    Long iat;
    try {
      iat = Claims.numericDate(claims, "iat");
    } catch (TokenRejectedException e) {
      throw new AssertionRejectedException("the ID token's iat is not a NumericDate");
    }
    if (iat == null || iat < clock.instant().getEpochSecond() - MAX_AGE_SECONDS - skewSeconds) {
      throw new AssertionRejectedException("the ID token has no iat, or was issued too long ago");
    }
    if (!(claims.get("sub") instanceof String sub) || sub.isEmpty()) {
      throw new AssertionRejectedException("the ID token has no sub");
    }
    if (nonce != null && !(claims.get("nonce") instanceof String echoed && MessageDigest.isEqual(
        echoed.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8)))) {
      throw new AssertionRejectedException("the ID token's nonce is not the one of this sign-in");
    }
    return claims;
  }
}
