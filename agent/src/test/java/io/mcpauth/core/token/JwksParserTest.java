package io.mcpauth.core.token;

import static io.mcpauth.core.token.TestTokens.jwks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.token.TestTokens.Signer;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JWKS filter (RS-SEC-19/23/33; Wycheproof json_web_key_test). */
class JwksParserTest {

  private final Signer rsa = TestTokens.rsa();
  private final Signer ec = TestTokens.ec();
  private final Signer ed = TestTokens.ed25519();

  private static KeySet parse(String json) throws JwksParser.InvalidJwksException {
    return new JwksParser().parse(json);
  }

  /** The key set of a Wycheproof json_web_key_test group, by its tcId. */
  private static String wycheproofKeySet(int tcId) {
    Map<String, Object> document = TestData.json("wycheproof/json_web_key_test.json");
    for (Map<String, Object> group : TestData.list(document.get("testGroups"))) {
      for (Map<String, Object> test : TestData.list(group.get("tests"))) {
        if (String.valueOf(test.get("tcId")).equals(String.valueOf(tcId))) {
          return JsonUtil.toJson(TestData.map(group.containsKey("public") ? group.get("public") : group.get("private")));
        }
      }
    }
    throw new IllegalArgumentException("no tcId " + tcId);
  }

  @Test
  @DisplayName("RSA, EC and OKP public keys are kept and found by kid")
  void usableKeys() throws JwksParser.InvalidJwksException {
    KeySet keys = parse(jwks(rsa.publicJwk(), ec.publicJwk("alg", "ES256", "use", "sig"), ed.publicJwk("alg", "EdDSA")));
    assertEquals(3, keys.size());
    assertEquals("RSA", keys.byKid("rsa-1").keyType());
    assertEquals("P-256", keys.byKid("ec-1").curve());
    assertEquals("ES256", keys.byKid("ec-1").algorithm());
    assertEquals("Ed25519", keys.byKid("ed-1").curve());
    assertNull(keys.byKid("nope"));
    assertEquals(0, parse("{\"keys\":[]}").size());
  }

  @Test
  @DisplayName("§0.4 / JWK tc 1, 25, 26: a symmetric (oct) key anywhere refuses the whole set")
  void octKeyRefusesTheSet() {
    Map<String, Object> oct = Map.of("kty", "oct", "k", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "kid", "h");
    JwksParser.InvalidJwksException e = assertThrows(JwksParser.InvalidJwksException.class, () -> parse(jwks(rsa.publicJwk(), oct)));
    assertTrue(e.getMessage().contains("symmetric"));
    for (int tcId : new int[] {1, 2, 4, 25, 26}) {
      assertThrows(JwksParser.InvalidJwksException.class, () -> parse(wycheproofKeySet(tcId)), "JWK tc " + tcId);
    }
  }

  @ParameterizedTest(name = "member {0}")
  @ValueSource(strings = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
  @DisplayName("RS-SEC-33: private key material in any key refuses the whole set")
  void privateMembersRefuseTheSet(String member) {
    Map<String, Object> leaky = rsa.publicJwk(member, "AQAB");
    JwksParser.InvalidJwksException e = assertThrows(JwksParser.InvalidJwksException.class, () -> parse(jwks(ec.publicJwk(), leaky)));
    assertTrue(e.getMessage().contains("private"));
  }

  @Test
  @DisplayName("a real private JWK (jose4j output with private parts) refuses the set")
  void realPrivateJwk() {
    String privateJson = rsa.jwk.toJson(org.jose4j.jwk.JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
    assertThrows(JwksParser.InvalidJwksException.class, () -> parse("{\"keys\":[" + privateJson + "]}"));
  }

  @Test
  @DisplayName("§0.4 / JWK tc 4: a duplicate kid makes neither key usable; other keys stay")
  void duplicateKid() throws JwksParser.InvalidJwksException {
    Signer twin = Signer.rsa("rsa-1", "RS256");
    KeySet keys = parse(jwks(rsa.publicJwk(), twin.publicJwk(), ec.publicJwk()));
    assertNull(keys.byKid("rsa-1"));
    assertEquals(1, keys.size(), "only the EC key is left");
    assertNotNull(keys.byKid("ec-1"));
    // and without kid neither can be picked by the verifier's no-kid rule either
    assertTrue(keys.keys().stream().noneMatch(k -> "RSA".equals(k.keyType())));
  }

  @Test
  @DisplayName("RS-SEC-23 / JWK tc 8: RSA keys shorter than 2048 bits are skipped")
  void shortRsaKey() throws Exception {
    RsaJsonWebKey small = RsaJwkGenerator.generateJwk(1024);
    small.setKeyId("small");
    JwksParser parser = new JwksParser();
    KeySet keys = parser.parse("{\"keys\":[" + small.toJson() + "," + JsonUtil.toJson(rsa.publicJwk()) + "]}");
    assertEquals(1, keys.size());
    assertNull(keys.byKid("small"));
    assertTrue(parser.skipped().contains("RSA key shorter than 2048 bits"), parser.skipped().toString());
    assertEquals(0, parse(wycheproofKeySet(8)).size());
  }

  @Test
  @DisplayName("RS-SEC-23 / JWK tc 9: exponent 1 or an even exponent is skipped; e=3 is kept")
  void badExponent() throws JwksParser.InvalidJwksException {
    assertEquals(0, parse(wycheproofKeySet(9)).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("e", "AQ"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("e", "Ag"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("e", "AAE"))).size(), "e=1 with a leading zero byte");
    assertEquals(1, parse(jwks(rsa.publicJwk("e", "Aw"))).size());
  }

  @Test
  @DisplayName("§0.4 / JWK tc 7: a key with the ROCA fingerprint is skipped")
  void rocaKey() throws JwksParser.InvalidJwksException {
    assertEquals(0, parse(wycheproofKeySet(7)).size());
    assertEquals(1, parse(wycheproofKeySet(5)).size(), "the ordinary RSA key of tc 5 is kept");
  }

  @Test
  @DisplayName("§0.4 / JWK tc 19, 20, 23, 24: alg/curve or alg/kty mismatches and unknown algs are skipped")
  void algorithmMismatch() throws JwksParser.InvalidJwksException {
    for (int tcId : new int[] {19, 20, 23, 24}) {
      assertEquals(0, parse(wycheproofKeySet(tcId)).size(), "JWK tc " + tcId);
    }
    assertEquals(0, parse(jwks(ec.publicJwk("alg", "ES384"))).size());
    assertEquals(0, parse(jwks(ec.publicJwk("alg", "RS256"))).size());
    assertEquals(0, parse(jwks(ec.publicJwk("alg", "EdDSA"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("alg", "ES256"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("alg", "HS256"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("alg", "RSA-OAEP"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("alg", "none"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("alg", 256L))).size());
    assertEquals(0, parse(jwks(ed.publicJwk("alg", "ES256"))).size());
    assertEquals(1, parse(jwks(rsa.publicJwk("alg", "PS384"))).size());
    assertEquals(1, parse(jwks(ed.publicJwk("alg", "EdDSA"))).size());
  }

  @Test
  @DisplayName("RS-SEC-19 / JWK tc 6, 21: use other than sig, or key_ops without verify, is skipped")
  void encryptionKeys() throws JwksParser.InvalidJwksException {
    assertEquals(0, parse(wycheproofKeySet(6)).size());
    assertEquals(0, parse(wycheproofKeySet(21)).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("use", "enc"))).size());
    assertEquals(0, parse(jwks(ec.publicJwk("key_ops", List.of("encrypt", "decrypt")))).size());
    assertEquals(0, parse(jwks(ec.publicJwk("key_ops", "verify"))).size(), "key_ops must be an array");
    assertEquals(0, parse(jwks(ec.publicJwk("use", List.of("sig")))).size());
    assertEquals(1, parse(jwks(ec.publicJwk("key_ops", List.of("sign", "verify")))).size());
  }

  @Test
  @DisplayName("RS-SEC-33 / JWK tc 22: an EC point that is not on the curve is rejected")
  void invalidEcPoint() throws JwksParser.InvalidJwksException {
    assertEquals(0, parse(wycheproofKeySet(22)).size());
    // y + 1: no longer on P-256
    Map<String, Object> jwk = ec.publicJwk();
    byte[] y = TestTokens.unb64((String) jwk.get("y"));
    y[y.length - 1] ^= 1;
    assertEquals(0, parse(jwks(ec.publicJwk("y", TestTokens.b64(y)))).size());
  }

  @Test
  @DisplayName("unsupported key types and curves, non-string kids and unreadable keys are skipped")
  void otherSkips() throws JwksParser.InvalidJwksException {
    assertEquals(0, parse(jwks(Map.of("kty", "foo", "kid", "x"))).size());
    assertEquals(0, parse(jwks(ec.publicJwk("crv", "secp256k1"))).size());
    assertEquals(0, parse(jwks(ed.publicJwk("crv", "X25519"))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("kid", 7L))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("n", null))).size());
    assertEquals(0, parse(jwks(rsa.publicJwk("n", "!!!"))).size());
    assertEquals(0, parse(jwks(Map.of("kid", "no-kty"))).size());
  }

  @Test
  @DisplayName("a document that is not a JWKS is refused")
  void notAJwks() {
    for (String json : List.of("{}", "{\"keys\":{}}", "{\"keys\":[1]}", "{\"keys\":[\"x\"]}", "[]", "", "{\"keys\":[],\"keys\":[]}")) {
      assertThrows(JwksParser.InvalidJwksException.class, () -> parse(json), json);
    }
  }

  @Test
  @DisplayName("a skipped key leaves the others usable, and the set is immutable")
  void skipIsLocal() throws JwksParser.InvalidJwksException {
    KeySet keys = parse(jwks(rsa.publicJwk("use", "enc"), ec.publicJwk()));
    assertEquals(1, keys.size());
    assertSame(keys.byKid("ec-1"), keys.keys().get(0));
    assertThrows(UnsupportedOperationException.class, () -> keys.keys().clear());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ed25519", "Ed448"})
  @DisplayName("an OKP key (RFC 8037) becomes the same JDK key, and x of the wrong length is skipped")
  void edwardsKeys(String curve) throws Exception {
    PublicKey generated = KeyPairGenerator.getInstance(curve).generateKeyPair().getPublic();
    byte[] encoded = generated.getEncoded();
    byte[] x = Arrays.copyOfRange(encoded, 12, encoded.length); // after the 12-byte SubjectPublicKeyInfo prefix
    KeySet keys = parse(jwks(Map.of("kty", "OKP", "crv", curve, "kid", "ed", "x", TestTokens.b64(x))));
    assertEquals(1, keys.size());
    assertTrue(Arrays.equals(encoded, keys.byKid("ed").key().getEncoded()));
    byte[] shorter = Arrays.copyOf(x, x.length - 1);
    assertEquals(0, parse(jwks(Map.of("kty", "OKP", "crv", curve, "x", TestTokens.b64(shorter)))).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"P-256", "P-384", "P-521"})
  @DisplayName("an EC key becomes the same JDK key on its named curve")
  void ecKeys(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1").get(curve)));
    ECPublicKey generated = (ECPublicKey) generator.generateKeyPair().getPublic();
    KeySet keys = parse(jwks(Map.of("kty", "EC", "crv", curve, "kid", "ec",
        "x", TestTokens.b64(generated.getW().getAffineX().toByteArray()),
        "y", TestTokens.b64(generated.getW().getAffineY().toByteArray()))));
    assertEquals(1, keys.size());
    assertTrue(Arrays.equals(generated.getEncoded(), keys.byKid("ec").key().getEncoded()));
  }
}
