package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.store.SigningKeys;
import io.mcpauth.core.json.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mints RFC 9068 JWT access tokens: {@code typ} at+jwt, RS256 with the active signing key, and
 * the claims {@code iss sub aud client_id scope iat exp jti}, plus {@code grant_id}, the grant the
 * token was issued under, so that revoking a grant reaches its access tokens too, or, for a service
 * client, {@code credential_id}, the secret the token was bought with, so that removing the client or
 * rotating its secret reaches its access tokens.
 */
final class AccessTokens {

  /** A minted token and what it was minted with. */
  record Minted(String token, String jti, long expiresAt) {}

  /** Names the enterprise IdP whose identity assertion a token was bought with (the jwt-bearer grant). */
  static final String ASSERTION_ISSUER_CLAIM = "assertion_iss";

  /** Names the service client's secret a token was bought with; see ServiceClients#admits. */
  static final String SERVICE_CREDENTIAL_CLAIM = "credential_id";

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final String issuer;
  private final SigningKeys keys;
  private final long lifetimeSeconds;
  private final Duration keyMaxAge;

  AccessTokens(String issuer, SigningKeys keys, long lifetimeSeconds, Duration keyMaxAge) {
    this.issuer = issuer;
    this.keys = keys;
    this.lifetimeSeconds = lifetimeSeconds;
    this.keyMaxAge = keyMaxAge;
  }

  long lifetimeSeconds() {
    return lifetimeSeconds;
  }

  /**
   * @param credentialId a service client's current credential, else null
   * @param assertionIssuer the IdP of a redeemed identity assertion, else null
   */
  Minted mint(String subject, String clientId, String resource, String scope, String grantId, String credentialId,
      String assertionIssuer, long now) throws IOException {
    // A key past mcpauth.as.signing-key.max-age never signs: it is replaced first.
    keys.rotateIfOlderThan(keyMaxAge, now);
    SigningKeys.SigningKey key = keys.active();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("typ", "at+jwt");
    header.put("kid", key.kid());
    String jti = Secrets.identifier();
    long exp = now + lifetimeSeconds;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("aud", resource);
    claims.put("client_id", clientId);
    claims.put("scope", scope);
    claims.put("iat", now);
    claims.put("exp", exp);
    claims.put("jti", jti);
    if (grantId != null) {
      claims.put("grant_id", grantId);
    }
    if (credentialId != null) {
      claims.put(SERVICE_CREDENTIAL_CLAIM, credentialId);
    }
    if (assertionIssuer != null) {
      claims.put(ASSERTION_ISSUER_CLAIM, assertionIssuer);
    }
    String signingInput = encode(JsonWriter.write(header)) + "." + encode(JsonWriter.write(claims));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key.privateKey());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return new Minted(signingInput + "." + BASE64URL.encodeToString(signature.sign()), jti, exp);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
  }

  private static String encode(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
