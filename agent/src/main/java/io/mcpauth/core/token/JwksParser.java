package io.mcpauth.core.token;

import io.mcpauth.core.json.StrictJson;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a JWKS (RFC 7517, RFC 7518 §6, RFC 8037 §2) and keeps only keys fit to verify signatures.
 * jose4j accepts mixed symmetric sets, duplicate kids, ROCA keys, points off the curve and
 * alg/curve mismatches (Wycheproof JWK tc 1, 4, 7, 19, 20, 22, 25, 26); this filter does not. Keys
 * are built with the JDK's own key factories: jose4j's JWK classes and JSON parser cost the
 * key-fetch thread about 25 ms of start-up.
 */
public final class JwksParser {

  /** The document is not a JWKS, or it publishes what no JWKS may: the whole set is refused. */
  public static final class InvalidJwksException extends Exception {
    InvalidJwksException(String message) {
      super(message, null, false, false);
    }
  }

  /** Any of these in a published JWKS means secret material leaked: the whole set is refused. */
  private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  private static final Map<String, String> CURVE_OF_ALG = Map.of("ES256", "P-256", "ES384", "P-384", "ES512", "P-521");
  private static final Map<String, String> STANDARD_NAME_OF_CURVE =
      Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");
  /** DER SubjectPublicKeyInfo up to the key bytes (RFC 8410 §4); the keys are 32 and 57 bytes (RFC 8032 §5.1.5, §5.2.5). */
  private static final byte[] ED25519_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  private static final byte[] ED448_PREFIX = {0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x03, 0x3a, 0x00};

  /** Why individual keys were left out, for the log. */
  private final List<String> skipped = new ArrayList<>();
  /** Keys published for encryption ({@code use: enc}): expected in many sets (Keycloak's), not a fault. */
  private int encryptionKeys;

  public KeySet parse(String json) throws InvalidJwksException {
    Map<String, Object> document;
    try {
      document = StrictJson.parseObject(json, "JWKS");
    } catch (StrictJson.MalformedJsonException e) {
      throw new InvalidJwksException(e.getMessage());
    }
    if (!(document.get("keys") instanceof List<?> entries)) {
      throw new InvalidJwksException("JWKS has no \"keys\" array");
    }
    List<VerificationKey> keys = new ArrayList<>();
    Map<String, VerificationKey> byKid = new HashMap<>();
    Set<String> duplicateKids = new HashSet<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> raw)) {
        throw new InvalidJwksException("JWKS entry is not an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> jwk = (Map<String, Object>) raw;
      if ("oct".equals(jwk.get("kty"))) {
        throw new InvalidJwksException("JWKS contains a symmetric (oct) key: refusing the whole set");
      }
      for (String member : PRIVATE_MEMBERS) {
        if (jwk.containsKey(member)) {
          throw new InvalidJwksException("JWKS contains private key material: refusing the whole set");
        }
      }
      VerificationKey key = toKey(jwk);
      if (key == null) {
        continue;
      }
      if (key.kid() != null && byKid.containsKey(key.kid())) {
        duplicateKids.add(key.kid());
      }
      keys.add(key);
      if (key.kid() != null) {
        byKid.put(key.kid(), key);
      }
    }
    // Two keys under one kid make the kid ambiguous: neither is used.
    for (String kid : duplicateKids) {
      byKid.remove(kid);
      keys.removeIf(k -> kid.equals(k.kid()));
      skipped.add("duplicate kid");
    }
    return new KeySet(keys, byKid);
  }

  /** Why keys fit for neither use were left out; encryption keys are counted apart. */
  public List<String> skipped() {
    return skipped;
  }

  public int encryptionKeys() {
    return encryptionKeys;
  }

  private VerificationKey toKey(Map<String, Object> jwk) {
    Object use = jwk.get("use");
    if ("enc".equals(use)) {
      encryptionKeys++;
      return null;
    }
    if (use != null && !"sig".equals(use)) {
      return skip("use is not sig");
    }
    Object ops = jwk.get("key_ops");
    if (ops != null && !(ops instanceof List<?> list && list.contains("verify"))) {
      return skip("key_ops lacks verify");
    }
    Object kid = jwk.get("kid");
    if (kid != null && !(kid instanceof String)) {
      return skip("kid is not a string");
    }
    Object alg = jwk.get("alg");
    if (alg != null && (!(alg instanceof String name) || JwsAlgorithm.of(name) == null)) {
      return skip("alg is not a known signature algorithm");
    }
    String keyType = jwk.get("kty") instanceof String kty ? kty : "";
    String curve = jwk.get("crv") instanceof String crv ? crv : null;
    switch (keyType) {
      case "RSA" -> {
        if (alg != null && !((String) alg).startsWith("RS") && !((String) alg).startsWith("PS")) {
          return skip("alg does not fit an RSA key");
        }
      }
      case "EC" -> {
        if (curve == null || !CURVE_OF_ALG.containsValue(curve)) { // Map.of's containsValue(null) throws
          return skip("unsupported EC curve");
        }
        if (alg != null && !curve.equals(CURVE_OF_ALG.get(alg))) {
          return skip("alg does not fit the EC curve");
        }
      }
      case "OKP" -> {
        if (!"Ed25519".equals(curve) && !"Ed448".equals(curve)) {
          return skip("unsupported OKP curve");
        }
        if (alg != null && !"EdDSA".equals(alg)) {
          return skip("alg does not fit an OKP key");
        }
      }
      default -> {
        return skip("unsupported key type");
      }
    }
    PublicKey publicKey;
    try {
      publicKey = switch (keyType) {
        case "RSA" -> rsaKey(jwk);
        case "EC" -> ecKey(jwk, curve);
        default -> edKey(jwk, curve);
      };
    } catch (GeneralSecurityException | RuntimeException e) {
      return skip("unreadable key");
    }
    if (publicKey instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        return skip("RSA key shorter than 2048 bits");
      }
      if (!rsa.getPublicExponent().testBit(0) || rsa.getPublicExponent().bitLength() < 2) {
        return skip("RSA exponent is not an odd number above 1");
      }
      if (RocaFingerprint.matches(rsa.getModulus())) {
        return skip("RSA key has the ROCA fingerprint");
      }
    }
    if (publicKey instanceof ECPublicKey ec && !onCurve(ec)) {
      return skip("EC point is not on the curve"); // the JDK's key factory does not check (JWK tc 22)
    }
    return new VerificationKey((String) kid, publicKey, keyType, curve, (String) alg);
  }

  private static PublicKey rsaKey(Map<String, Object> jwk) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")));
  }

  private static PublicKey ecKey(Map<String, Object> jwk, String curve) throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(STANDARD_NAME_OF_CURVE.get(curve)));
    ECPoint point = new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y"));
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(point, parameters.getParameterSpec(ECParameterSpec.class)));
  }

  /** RFC 8037 §2: {@code x} is the public key as RFC 8032 encodes it; the JDK reads it inside an X.509 wrapper. */
  private static PublicKey edKey(Map<String, Object> jwk, String curve) throws GeneralSecurityException {
    boolean ed25519 = curve.equals("Ed25519");
    byte[] prefix = ed25519 ? ED25519_PREFIX : ED448_PREFIX;
    byte[] x = base64url(jwk, "x");
    if (x.length != (ed25519 ? 32 : 57)) {
      throw new GeneralSecurityException("wrong key length");
    }
    byte[] encoded = new byte[prefix.length + x.length];
    System.arraycopy(prefix, 0, encoded, 0, prefix.length);
    System.arraycopy(x, 0, encoded, prefix.length, x.length);
    return KeyFactory.getInstance(curve).generatePublic(new X509EncodedKeySpec(encoded));
  }

  /** RFC 7518 §6.2.1, §6.3.1: a base64url big-endian unsigned integer. */
  private static BigInteger unsigned(Map<String, Object> jwk, String member) throws GeneralSecurityException {
    byte[] bytes = base64url(jwk, member);
    if (bytes.length == 0) {
      throw new GeneralSecurityException("empty " + member);
    }
    return new BigInteger(1, bytes);
  }

  private static byte[] base64url(Map<String, Object> jwk, String member) throws GeneralSecurityException {
    if (!(jwk.get(member) instanceof String text)) {
      throw new GeneralSecurityException("no " + member);
    }
    return Base64.getUrlDecoder().decode(text); // IllegalArgumentException when it is not base64url
  }

  /** y^2 = x^3 + ax + b (mod p) with 0 <= x, y < p; the NIST curves have cofactor 1. */
  private static boolean onCurve(ECPublicKey key) {
    EllipticCurve curve = key.getParams().getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    BigInteger x = key.getW().getAffineX();
    BigInteger y = key.getW().getAffineY();
    if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
      return false;
    }
    return y.multiply(y).mod(p).equals(x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p));
  }

  private VerificationKey skip(String reason) {
    skipped.add(reason);
    return null;
  }
}
