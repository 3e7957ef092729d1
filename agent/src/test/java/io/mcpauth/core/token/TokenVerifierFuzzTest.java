package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcpauth.core.json.ReferenceJson;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TokenVerifier with the fixed keys of {@link FuzzKeys}. The first input byte picks the shape: a
 * token as given (byte 0 mod 5 = 0), or a header and a payload (split at the first NUL byte) that
 * the harness signs with one of the four keys, so that mutated JSON reaches the claim checks.
 * Whatever the verifier accepts must have a signature the JCA verifies over the token's exact
 * signing input with the key its kid names (or the one key for its alg), a header and claims that
 * Jackson reads without duplicates, and claims that pass every rule, checked here independently.
 */
class TokenVerifierFuzzTest {

  static final long NOW = TestTokens.NOW.getEpochSecond();
  static final long SKEW = 60;
  static final long MAX_LIFETIME = 24 * 3600;
  private static final Set<String> FORBIDDEN = Set.of("jwk", "jku", "x5u", "x5c", "crit", "zip", "enc", "b64", "cty");
  private static final TokenVerifier VERIFIER = verifier();

  /** The default configuration over the fuzz keys, at TestTokens.NOW. */
  static TokenVerifier verifier() {
    return new TokenVerifier(
        TestTokens.config(), new TestTokens.CountingKeySource(TestTokens.keySet(FuzzKeys.PUBLIC_JWKS)), TestTokens.CLOCK);
  }

  /** The token a fuzz input stands for. */
  static String token(byte[] input) {
    if (input.length == 0 || (input[0] & 0xFF) % 5 == 0) {
      return new String(input, Math.min(1, input.length), Math.max(0, input.length - 1), StandardCharsets.UTF_8);
    }
    TestTokens.Signer signer = FuzzKeys.SIGNERS.get((input[0] & 0xFF) % 5 - 1);
    int nul = 1;
    while (nul < input.length && input[nul] != 0) {
      nul++;
    }
    byte[] header = Arrays.copyOfRange(input, 1, nul);
    byte[] payload = nul < input.length ? Arrays.copyOfRange(input, nul + 1, input.length) : new byte[0];
    return signer.signEncoded(TestTokens.b64(header), TestTokens.b64(payload));
  }

  @FuzzTest
  void acceptedTokensAreSignedAndValid(byte[] input) throws Exception {
    String token = token(input);
    VerifiedToken verified;
    try {
      verified = VERIFIER.verify(token);
    } catch (TokenRejectedException refused) {
      return;
    }
    String[] parts = token.split("\\.", -1);
    assertEquals(3, parts.length);
    Map<?, ?> header = (Map<?, ?>) ReferenceJson.read(Base64.getUrlDecoder().decode(parts[0]));
    Map<?, ?> claims = (Map<?, ?>) ReferenceJson.read(Base64.getUrlDecoder().decode(parts[1]));
    assertNotNull(header, "Jackson refuses the accepted header");
    assertNotNull(claims, "Jackson refuses the accepted claims");

    // The signature, by the JCA, over the exact signing input, with the key the header names.
    JwsAlgorithm algorithm = JwsAlgorithm.of((String) header.get("alg"));
    assertNotNull(algorithm);
    PublicKey key = header.containsKey("kid") ? FuzzKeys.publicKey((String) header.get("kid")) : onlyKeyFor(algorithm);
    assertNotNull(key, "no published key for the accepted token");
    byte[] signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    assertTrue(algorithm.verify(key, signingInput, Base64.getUrlDecoder().decode(parts[2])), "JCA signature check");

    // The header rules.
    for (String name : FORBIDDEN) {
      assertFalse(header.containsKey(name), name);
    }
    String typ = ((String) header.get("typ")).toLowerCase(java.util.Locale.ROOT);
    assertTrue(typ.equals("at+jwt") || typ.equals("application/at+jwt"), typ);

    // The claim rules.
    assertEquals(TestTokens.ISSUER, claims.get("iss"));
    Object aud = claims.get("aud");
    assertTrue(TestTokens.RESOURCE.equals(aud) || aud instanceof List<?> list && list.contains(TestTokens.RESOURCE)
        && list.stream().allMatch(String.class::isInstance), "aud");
    long exp = numericDate(claims.get("exp"));
    assertTrue(NOW - SKEW < exp && exp - NOW <= MAX_LIFETIME, "exp");
    if (claims.containsKey("nbf")) {
      assertTrue(numericDate(claims.get("nbf")) <= NOW + SKEW, "nbf");
    }
    if (claims.containsKey("iat")) {
      assertTrue(numericDate(claims.get("iat")) <= NOW + SKEW && numericDate(claims.get("iat")) <= exp, "iat");
    }
    assertFalse(claims.containsKey("cnf"));
    assertEquals(exp, verified.expiresAtEpochSecond());
    assertEquals(claims.get("sub"), verified.subject());
    assertEquals(claims.get("client_id"), verified.clientId());
    assertEquals(claims.get("jti"), verified.jti());
    Object scope = claims.containsKey("scope") ? claims.get("scope") : claims.get("scp");
    assertTrue(scope == null || scope instanceof String
        || scope instanceof List<?> list && !claims.containsKey("scope") && list.stream().allMatch(String.class::isInstance), "scope");
  }

  private static PublicKey onlyKeyFor(JwsAlgorithm algorithm) {
    PublicKey only = null;
    for (TestTokens.Signer signer : FuzzKeys.SIGNERS) {
      boolean fits = signer.jwk.getAlgorithm() != null ? signer.jwk.getAlgorithm().equals(algorithm.name())
          : signer.jwk.getKeyType().equals(algorithm.keyType);
      if (fits) {
        assertTrue(only == null, "two keys fit a token without kid");
        only = signer.jwk.getPublicKey();
      }
    }
    return only;
  }

  /** RFC 7519 NumericDate as a double-reading JOSE library takes it: the floor of the JSON number. */
  private static long numericDate(Object value) {
    assertTrue(value instanceof Long || value instanceof Double d && Double.isFinite(d), "NumericDate " + value);
    return value instanceof Long l ? l : (long) Math.floor((Double) value);
  }
}
