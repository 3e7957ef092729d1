package io.mcpauth.core.token;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The asymmetric JWS algorithms the verifier knows (RFC 7518 §3, RFC 8037). There is no HS* and
 * no "none" here at all: a public key can never be used as an HMAC secret.
 */
enum JwsAlgorithm {
  RS256("SHA256withRSA", "RSA", null, 0, null),
  RS384("SHA384withRSA", "RSA", null, 0, null),
  RS512("SHA512withRSA", "RSA", null, 0, null),
  PS256("RSASSA-PSS", "RSA", null, 0, pss("SHA-256", MGF1ParameterSpec.SHA256, 32)),
  PS384("RSASSA-PSS", "RSA", null, 0, pss("SHA-384", MGF1ParameterSpec.SHA384, 48)),
  PS512("RSASSA-PSS", "RSA", null, 0, pss("SHA-512", MGF1ParameterSpec.SHA512, 64)),
  // JWS ECDSA signatures are R || S of fixed length (RFC 7518 §3.4); the JDK's P1363 format takes
  // them as they are. jose4j would also accept shorter ones (malleable), so the length is checked.
  ES256("SHA256withECDSAinP1363Format", "EC", "P-256", 64, null),
  ES384("SHA384withECDSAinP1363Format", "EC", "P-384", 96, null),
  ES512("SHA512withECDSAinP1363Format", "EC", "P-521", 132, null),
  EdDSA("EdDSA", "OKP", null, 0, null);

  private final String jcaName;
  final String keyType;
  /** The only EC curve this algorithm may use, or null. */
  final String curve;
  /** The exact signature length in bytes for ECDSA, else 0 (RSA: the modulus; EdDSA: by curve). */
  final int signatureLength;
  private final AlgorithmParameterSpec parameters;
  private final ThreadLocal<Signature> signatures;

  JwsAlgorithm(String jcaName, String keyType, String curve, int signatureLength, AlgorithmParameterSpec parameters) {
    this.jcaName = jcaName;
    this.keyType = keyType;
    this.curve = curve;
    this.signatureLength = signatureLength;
    this.parameters = parameters;
    // Signature.getInstance costs a provider lookup per call; one instance per thread is reused.
    this.signatures = ThreadLocal.withInitial(this::newSignature);
  }

  static JwsAlgorithm of(String name) {
    for (JwsAlgorithm algorithm : values()) {
      if (algorithm.name().equals(name)) {
        return algorithm;
      }
    }
    return null;
  }

  boolean verify(PublicKey key, byte[] signingInput, byte[] signature) throws GeneralSecurityException {
    return verify(key, signingInput, signingInput.length, signature);
  }

  /** Verifies the first {@code length} bytes of {@code input}. */
  boolean verify(PublicKey key, byte[] input, int length, byte[] signature) throws GeneralSecurityException {
    Signature verifier = signatures.get();
    verifier.initVerify(key);
    if (parameters != null) {
      verifier.setParameter(parameters);
    }
    verifier.update(input, 0, length);
    return verifier.verify(signature);
  }

  private Signature newSignature() {
    try {
      return Signature.getInstance(jcaName);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jcaName + " is not available in this JDK", e);
    }
  }

  private static AlgorithmParameterSpec pss(String digest, MGF1ParameterSpec mgf, int saltLength) {
    return new PSSParameterSpec(digest, "MGF1", mgf, saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
  }
}
