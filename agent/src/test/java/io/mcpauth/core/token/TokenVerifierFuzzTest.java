package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcpauth.core.denial.ReasonCode;
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
 *
 * <p>Signing (an RSA signature costs about a millisecond) is done only where it can change the
 * verdict. A token to sign is first verified with a placeholder signature of the right length: the
 * verifier reads the signature only at its signature check, so a refusal before it (a malformed
 * header, an algorithm, a kid, an issuer) is the signed token's refusal too, and the input is done.
 * A placeholder refused at the signature check is signed and verified for real. One input in 16
 * (by its hash, so a corpus replay decides alike) is signed anyway and must be refused for the same
 * reason, which keeps checking that a refusal before the signature check never depends on it.
 */
class TokenVerifierFuzzTest {

  static final long NOW = TestTokens.NOW.getEpochSecond();
  static final long SKEW = 60;
  static final long MAX_LIFETIME = 24 * 3600;
  private static final Set<String> FORBIDDEN = Set.of("jwk", "jku", "x5u", "x5c", "crit", "zip", "enc", "b64", "cty");
  private static final TokenVerifier VERIFIER = verifier();
  /** A zero signature of each signer's length (RSA 2048: 256 bytes; ES256 and Ed25519: 64). */
  private static final List<String> PLACEHOLDERS = FuzzKeys.SIGNERS.stream()
      .map(signer -> TestTokens.b64(new byte[signer.sign(new byte[] {0}).length])).toList();

  /** The default configuration over the fuzz keys, at TestTokens.NOW. */
  static TokenVerifier verifier() {
    return new TokenVerifier(
        TestTokens.config(), new TestTokens.CountingKeySource(TestTokens.keySet(FuzzKeys.PUBLIC_JWKS)), TestTokens.CLOCK);
  }

  /** The token a fuzz input stands for. */
  static String token(byte[] input) {
    int signer = signer(input);
    return signer < 0 ? raw(input) : FuzzKeys.SIGNERS.get(signer).signEncoded(encodedHeader(input), encodedPayload(input));
  }

  /** Which of the four keys signs the input's header and payload; -1 for a token taken as given. */
  private static int signer(byte[] input) {
    return input.length == 0 || (input[0] & 0xFF) % 5 == 0 ? -1 : (input[0] & 0xFF) % 5 - 1;
  }

  private static String raw(byte[] input) {
    return new String(input, Math.min(1, input.length), Math.max(0, input.length - 1), StandardCharsets.UTF_8);
  }

  private static int nul(byte[] input) {
    int nul = 1;
    while (nul < input.length && input[nul] != 0) {
      nul++;
    }
    return nul;
  }

  private static String encodedHeader(byte[] input) {
    return TestTokens.b64(Arrays.copyOfRange(input, 1, nul(input)));
  }

  private static String encodedPayload(byte[] input) {
    int nul = nul(input);
    return TestTokens.b64(nul < input.length ? Arrays.copyOfRange(input, nul + 1, input.length) : new byte[0]);
  }

  @FuzzTest
  void acceptedTokensAreSignedAndValid(byte[] input) throws Exception {
    int signer = signer(input);
    if (signer >= 0) {
      String placeholder = encodedHeader(input) + "." + encodedPayload(input) + "." + PLACEHOLDERS.get(signer);
      ReasonCode early = refusal(placeholder);
      if (early != null && early != ReasonCode.SIGNATURE_INVALID) {
        if (Arrays.hashCode(input) % 16 == 0) {
          assertEquals(early, refusal(token(input)), "a refusal before the signature check changed with the signature");
        }
        return;
      }
      if (early == null) {
        assertAccepted(placeholder, VERIFIER.verify(placeholder)); // a zero signature accepted: fails the JCA check
        return;
      }
    }
    String token = token(input);
    VerifiedToken verified;
    try {
      verified = VERIFIER.verify(token);
    } catch (TokenRejectedException refused) {
      return;
    }
    assertAccepted(token, verified);
  }

  /** Why the verifier refuses {@code token}, or null when it accepts it. */
  private static ReasonCode refusal(String token) {
    try {
      VERIFIER.verify(token);
      return null;
    } catch (TokenRejectedException refused) {
      return refused.reason();
    }
  }

  private static void assertAccepted(String token, VerifiedToken verified) throws Exception {
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
    // The client: client_id, else azp, else cid; the first one present (not null) is read, a string.
    Object client = claims.get("client_id") != null ? claims.get("client_id")
        : claims.get("azp") != null ? claims.get("azp") : claims.get("cid");
    assertTrue(client == null || client instanceof String, "client claim");
    assertEquals(client, verified.clientId());
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
