package io.mcpauth.core.token;

import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;

/** One public key from a filtered JWKS, with what the JWKS says it may be used for. */
record VerificationKey(String kid, PublicKey key, String keyType, String curve, String algorithm) {

  /**
   * The algorithm is pinned to the key: to its JWK {@code alg} when present (Wycheproof tc
   * 332-340: a PS512 key must not verify RS256), otherwise to its key type and curve.
   */
  boolean allows(JwsAlgorithm candidate) {
    if (algorithm != null) {
      return algorithm.equals(candidate.name());
    }
    if (!keyType.equals(candidate.keyType)) {
      return false;
    }
    return candidate.curve == null || candidate.curve.equals(curve);
  }

  /** The signature length the key produces, or -1 when the algorithm fixes it. */
  int signatureLength(JwsAlgorithm candidate) {
    if (candidate.signatureLength > 0) {
      return candidate.signatureLength;
    }
    if (key instanceof RSAPublicKey rsa) {
      return (rsa.getModulus().bitLength() + 7) / 8;
    }
    return "Ed448".equals(curve) ? 114 : 64;
  }
}
