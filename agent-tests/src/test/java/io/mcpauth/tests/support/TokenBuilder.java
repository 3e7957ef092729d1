package io.mcpauth.tests.support;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/** Mints one signed JWT access token (RFC 9068 shape by default). */
public final class TokenBuilder {

  private final TestIdentityProvider provider;
  private final JwtClaims claims = new JwtClaims();
  private final Map<String, Object> headers = new LinkedHashMap<>();
  private String kid = "rsa-1";
  private String kidHeader = "rsa-1";
  private String alg;

  TokenBuilder(TestIdentityProvider provider, String issuer, String audience) {
    this.provider = provider;
    long now = System.currentTimeMillis() / 1000;
    claims.setIssuer(issuer);
    claims.setAudience(audience);
    claims.setSubject("alice");
    claims.setClaim("client_id", "test-client");
    claims.setClaim("scope", "mcp:tools");
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now));
    claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now + 300));
    claims.setGeneratedJwtId();
    headers.put("typ", "at+jwt");
  }

  /** Signs with this key of the provider (and names it in the kid header). */
  public TokenBuilder key(String kid) {
    this.kid = kid;
    this.kidHeader = kid;
    return this;
  }

  /** Overrides the kid header only (null removes it). */
  public TokenBuilder kidHeader(String kidHeader) {
    this.kidHeader = kidHeader;
    return this;
  }

  public TokenBuilder alg(String alg) {
    this.alg = alg;
    return this;
  }

  public TokenBuilder header(String name, Object value) {
    if (value == null) {
      headers.remove(name);
    } else {
      headers.put(name, value);
    }
    return this;
  }

  public TokenBuilder claim(String name, Object value) {
    if (value == null) {
      claims.unsetClaim(name);
    } else {
      claims.setClaim(name, value);
    }
    return this;
  }

  /** A token that expired ({@code seconds} &lt; 0) was issued 5 minutes before it expired: exp never precedes iat. */
  public TokenBuilder expiresIn(long seconds) {
    long now = System.currentTimeMillis() / 1000;
    claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now + seconds));
    if (seconds < 0) {
      claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now + seconds - 300));
    }
    return this;
  }

  public String sign() {
    PublicJsonWebKey key = provider.key(kid);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setAlgorithmHeaderValue(alg != null ? alg : key.getAlgorithm());
    if (kidHeader != null) {
      jws.setKeyIdHeaderValue(kidHeader);
    }
    headers.forEach((name, value) -> jws.getHeaders().setObjectHeaderValue(name, value));
    try {
      String token = jws.getCompactSerialization();
      provider.minted(token);
      return token;
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }
}
