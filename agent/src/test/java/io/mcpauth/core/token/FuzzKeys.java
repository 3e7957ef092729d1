package io.mcpauth.core.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The fixed keys of the token fuzz targets and the jose4j differential (test key material, made
 * for these tests): RS256 rsa-1, PS256 rsa-pss, ES256 ec-1 and EdDSA ed-1 (the last two without a
 * JWK alg). Fixed, so that a committed corpus token verifies on every run.
 */
final class FuzzKeys {

  static final List<TestTokens.Signer> SIGNERS;
  static final String PUBLIC_JWKS;

  static {
    try (InputStream in = FuzzKeys.class.getResourceAsStream("fuzz-keys.json")) {
      JsonWebKeySet set = new JsonWebKeySet(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      List<JsonWebKey> keys = set.getJsonWebKeys();
      SIGNERS = List.of(
          signer(keys.get(0), "RS256"), signer(keys.get(1), "PS256"), signer(keys.get(2), "ES256"), signer(keys.get(3), "EdDSA"));
      PUBLIC_JWKS = set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    } catch (IOException | JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private FuzzKeys() {}

  private static TestTokens.Signer signer(JsonWebKey key, String alg) {
    return new TestTokens.Signer((PublicJsonWebKey) key, alg, key.getKeyId());
  }

  /** The public key published under {@code kid}, or null. */
  static PublicKey publicKey(String kid) {
    for (TestTokens.Signer signer : SIGNERS) {
      if (signer.kid.equals(kid)) {
        return signer.jwk.getPublicKey();
      }
    }
    return null;
  }
}
