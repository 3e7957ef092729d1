package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcpauth.core.json.ReferenceJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JwksParser on any text: a refusal is an InvalidJwksException; an accepted set is a JSON object
 * Jackson reads alike, holds no symmetric or private key material, and every key it keeps fits
 * its declared type, curve and algorithm: RSA of 2048 bits or more with an odd exponent above 1,
 * EC points on their curve, no kid twice.
 */
class JwksParserFuzzTest {

  private static final Set<String> PRIVATE = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

  @FuzzTest
  void keptKeysAreFitToVerify(byte[] input) {
    String json = new String(input, StandardCharsets.UTF_8);
    KeySet keys;
    try {
      keys = new JwksParser().parse(json);
    } catch (JwksParser.InvalidJwksException refused) {
      return;
    }
    Map<?, ?> document = (Map<?, ?>) ReferenceJson.read(json.getBytes(StandardCharsets.UTF_8));
    assertNotNull(document, "Jackson refuses an accepted JWKS");
    for (Object entry : (List<?>) document.get("keys")) {
      Map<?, ?> jwk = (Map<?, ?>) entry;
      assertFalse("oct".equals(jwk.get("kty")));
      assertTrue(PRIVATE.stream().noneMatch(jwk::containsKey), "private member kept");
    }
    Set<String> kids = new HashSet<>();
    for (VerificationKey key : keys.keys()) {
      assertTrue(key.kid() == null || kids.add(key.kid()), "kid twice");
      boolean allowsSome = false;
      for (JwsAlgorithm algorithm : JwsAlgorithm.values()) {
        if (key.allows(algorithm)) {
          allowsSome = true;
          assertTrue(algorithm.keyType.equals(key.keyType()), algorithm + " on a " + key.keyType() + " key");
          assertTrue(algorithm.curve == null || algorithm.curve.equals(key.curve()), algorithm + " on " + key.curve());
        }
      }
      assertTrue(allowsSome, "a kept key allows no algorithm");
      if (key.key() instanceof RSAPublicKey rsa) {
        assertTrue(rsa.getModulus().bitLength() >= 2048);
        assertTrue(rsa.getPublicExponent().testBit(0) && rsa.getPublicExponent().compareTo(BigInteger.ONE) > 0);
      }
      if (key.key() instanceof ECPublicKey ec) {
        BigInteger p = ((java.security.spec.ECFieldFp) ec.getParams().getCurve().getField()).getP();
        BigInteger x = ec.getW().getAffineX();
        BigInteger y = ec.getW().getAffineY();
        BigInteger rhs = x.pow(3).add(ec.getParams().getCurve().getA().multiply(x)).add(ec.getParams().getCurve().getB()).mod(p);
        assertTrue(y.modPow(BigInteger.TWO, p).equals(rhs) && x.compareTo(p) < 0 && y.compareTo(p) < 0, "point on curve");
      }
    }
  }
}
