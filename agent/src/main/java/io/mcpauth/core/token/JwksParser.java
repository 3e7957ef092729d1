package io.mcpauth.core.token;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.EllipticCurve;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Parses a JWKS and keeps only keys fit to verify signatures. jose4j accepts mixed symmetric
 * sets, duplicate kids, ROCA keys and alg/curve mismatches (Wycheproof JWK tc 1, 4, 7, 19, 20,
 * 25, 26); this filter does not.
 */
public final class JwksParser {

  /** Any of these in a published JWKS means secret material leaked: the whole set is refused. */
  private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  private static final Map<String, String> CURVE_OF_ALG = Map.of("ES256", "P-256", "ES384", "P-384", "ES512", "P-521");

  /** Why individual keys were left out, for the log. */
  private final List<String> skipped = new ArrayList<>();

  public KeySet parse(String json) throws JoseException {
    Map<String, Object> document = JsonUtil.parseJson(json);
    if (!(document.get("keys") instanceof List<?> entries)) {
      throw new JoseException("JWKS has no \"keys\" array");
    }
    List<VerificationKey> keys = new ArrayList<>();
    Map<String, VerificationKey> byKid = new HashMap<>();
    Set<String> duplicateKids = new HashSet<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> raw)) {
        throw new JoseException("JWKS entry is not an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> jwk = (Map<String, Object>) raw;
      if ("oct".equals(jwk.get("kty"))) {
        throw new JoseException("JWKS contains a symmetric (oct) key: refusing the whole set");
      }
      for (String member : PRIVATE_MEMBERS) {
        if (jwk.containsKey(member)) {
          throw new JoseException("JWKS contains private key material: refusing the whole set");
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

  public List<String> skipped() {
    return skipped;
  }

  private VerificationKey toKey(Map<String, Object> jwk) {
    Object use = jwk.get("use");
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
    PublicJsonWebKey parsed;
    try {
      parsed = PublicJsonWebKey.Factory.newPublicJwk(jwk);
    } catch (JoseException | RuntimeException e) {
      return skip("unreadable key");
    }
    String keyType = parsed.getKeyType();
    String curve = jwk.get("crv") instanceof String crv ? crv : null;
    switch (keyType) {
      case "RSA" -> {
        RSAPublicKey rsa = (RSAPublicKey) parsed.getPublicKey();
        if (rsa.getModulus().bitLength() < 2048) {
          return skip("RSA key shorter than 2048 bits");
        }
        if (!rsa.getPublicExponent().testBit(0) || rsa.getPublicExponent().bitLength() < 2) {
          return skip("RSA exponent is not an odd number above 1");
        }
        if (RocaFingerprint.matches(rsa.getModulus())) {
          return skip("RSA key has the ROCA fingerprint");
        }
        if (alg != null && !((String) alg).startsWith("RS") && !((String) alg).startsWith("PS")) {
          return skip("alg does not fit an RSA key");
        }
      }
      case "EC" -> {
        if (!CURVE_OF_ALG.containsValue(curve)) {
          return skip("unsupported EC curve");
        }
        if (!onCurve((ECPublicKey) parsed.getPublicKey())) {
          return skip("EC point is not on the curve"); // jose4j does not check (JWK tc 22)
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
    return new VerificationKey((String) kid, parsed.getPublicKey(), keyType, curve, (String) alg);
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
