package io.mcpauth.core.token;

import static io.mcpauth.core.token.TestTokens.ISSUER;
import static io.mcpauth.core.token.TestTokens.NOW;
import static io.mcpauth.core.token.TestTokens.RESOURCE;
import static io.mcpauth.core.token.TestTokens.b64;
import static io.mcpauth.core.token.TestTokens.claims;
import static io.mcpauth.core.token.TestTokens.with;
import static io.mcpauth.core.token.TestTokens.without;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.token.TestTokens.CountingKeySource;
import io.mcpauth.core.token.TestTokens.Signer;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** TokenVerifier header and claims rules (RS-SEC-13..50 in docs/requirement-ids.md) on freshly minted tokens. */
class TokenVerifierTest {

  private final Signer rsa = TestTokens.rsa();
  private final Signer ec = TestTokens.ec();
  private final Signer ed = TestTokens.ed25519();
  private final CountingKeySource keys = TestTokens.keys(rsa.publicJwk(), ec.publicJwk(), ed.publicJwk());
  private final TokenVerifier verifier = TestTokens.verifier(keys);

  // ---------------------------------------------------------------- helpers

  private VerifiedToken accepts(String token) {
    return accepts(verifier, token);
  }

  private static VerifiedToken accepts(TokenVerifier verifier, String token) {
    return assertDoesNotThrow(() -> verifier.verify(token));
  }

  /** Rejected as INVALID (401), only with TokenRejectedException, for a reason containing {@code reason}. */
  private TokenRejectedException rejects(String token, String reason) {
    return rejects(verifier, token, reason);
  }

  private static TokenRejectedException rejects(TokenVerifier verifier, String token, String reason) {
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    assertEquals(TokenRejectedException.Kind.INVALID, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), () -> "expected reason '" + reason + "', got '" + e.getMessage() + "'");
    return e;
  }

  private static String json(Map<String, Object> map) {
    return JsonUtil.toJson(map);
  }

  /** A token signed by {@code signer} whose claims JSON text is given verbatim. */
  private static String rawClaims(Signer signer, String claimsJson) {
    return signer.signRaw(json(signer.header()), claimsJson);
  }

  private static String claimsJsonWith(String name, String rawValue) {
    String base = json(without(claims(), name));
    return base.substring(0, base.length() - 1) + ",\"" + name + "\":" + rawValue + "}";
  }

  // ---------------------------------------------------------------- baseline

  @Nested
  @DisplayName("baseline")
  class Baseline {

    @Test
    @DisplayName("RS256, ES256 and EdDSA tokens minted by jose4j verify, with the claims read out")
    void validTokensVerify() {
      for (Signer signer : List.of(rsa, ec, ed)) {
        VerifiedToken token = accepts(signer.mint());
        assertEquals(ISSUER, token.issuer());
        assertEquals("user-42", token.subject());
        assertEquals("client-7", token.clientId());
        assertEquals("jti-1", token.jti());
        assertEquals(NOW.getEpochSecond() + 300, token.expiresAtEpochSecond());
        assertEquals(Set.of("mcp:tools", "mcp:read"), token.scopes());
      }
    }

    @Test
    @DisplayName("PS256/RS512 by an RSA key without JWK alg (pinned to the kty family)")
    void rsaFamily() {
      accepts(rsa.as("PS256", rsa.kid).mint());
      accepts(rsa.as("RS512", rsa.kid).mint());
      rejects(rsa.signRaw(json(with(rsa.header(), "alg", "ES256")), json(claims())), "does not allow ES256");
    }

    @Test
    @DisplayName("a key source without keys yet gives UNAVAILABLE (503), not INVALID")
    void noKeysYet() {
      TokenVerifier noKeys = TestTokens.verifier(new CountingKeySource(null));
      TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> noKeys.verify(rsa.mint()));
      assertEquals(TokenRejectedException.Kind.UNAVAILABLE, e.kind());
    }
  }

  // ---------------------------------------------------------------- header rules

  @Nested
  @DisplayName("header")
  class Header {

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    @DisplayName("RS-SEC-13: alg none in any case, with or without a signature")
    void algNone(String alg) {
      Map<String, Object> header = with(rsa.header(), "alg", alg);
      String input = b64(json(header)) + "." + b64(json(claims()));
      rejects(input + ".", "malformed token");
      rejects(input, "malformed token");
      String signed = input + "." + b64(rsa.sign(input.getBytes(StandardCharsets.US_ASCII)));
      rejects(signed, "algorithm not allowed");
    }

    @Test
    @DisplayName("RS-SEC-14: HS256 keyed with the RSA/EC public key as PEM, DER, JWK text or raw modulus")
    void hmacWithPublicKey() throws Exception {
      byte[] der = rsa.jwk.getPublicKey().getEncoded();
      String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n";
      byte[] modulus = ((RSAPublicKey) rsa.jwk.getPublicKey()).getModulus().toByteArray();
      List<byte[]> secrets = List.of(
          pem.getBytes(StandardCharsets.US_ASCII),
          der,
          rsa.jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8),
          json(rsa.publicJwk()).getBytes(StandardCharsets.UTF_8),
          modulus,
          ec.jwk.getPublicKey().getEncoded());
      for (String alg : List.of("HS256", "HS384", "HS512")) {
        for (byte[] secret : secrets) {
          String input = b64(json(with(rsa.header(), "alg", alg))) + "." + b64(json(claims()));
          Mac mac = Mac.getInstance("Hmac" + "SHA" + alg.substring(2));
          mac.init(new SecretKeySpec(secret, mac.getAlgorithm()));
          rejects(input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))), "algorithm not allowed");
        }
      }
      assertEquals(0, keys.calls(), "refused before any key lookup");
    }

    @Test
    @DisplayName("RS-SEC-15: embedded jwk (attacker key), jku/x5u to loopback, x5c: refused without any key lookup")
    void keyMaterialInHeader() {
      Signer attacker = TestTokens.attackerRsa();
      Map<String, Object> attackerJwk = attacker.publicJwk();
      rejects(attacker.mint(with(attacker.header(), "jwk", attackerJwk), claims()), "'jwk' is not accepted");
      rejects(attacker.mint(without(with(attacker.header(), "jwk", attackerJwk), "kid"), claims()), "'jwk'");
      // even a token the real key signed is refused when it carries such a parameter
      rejects(rsa.mint(with(rsa.header(), "jwk", rsa.publicJwk()), claims()), "'jwk'");
      rejects(rsa.mint(with(rsa.header(), "jku", "http://127.0.0.1:9/jwks.json"), claims()), "'jku'");
      rejects(rsa.mint(with(rsa.header(), "x5u", "http://127.0.0.1:9/cert.pem"), claims()), "'x5u'");
      rejects(rsa.mint(with(rsa.header(), "x5c", List.of("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")), claims()),
          "'x5c'");
      assertEquals(0, keys.calls(), "no key source access (so no fetch) for any of them");
    }

    @ParameterizedTest(name = "kid {0}")
    @ValueSource(strings = {"../../dev/null", "/dev/null", "' OR 1=1--", "|sleep 10", "$(sleep 10)", "", "\u0000",
        "rsa-1\u0000", "RSA-1", " rsa-1"})
    @DisplayName("RS-SEC-16: hostile kid strings are just unknown kids (one refresh, then 401)")
    void hostileKid(String kid) {
      rejects(rsa.as(rsa.alg, kid).mint(), "unknown kid");
      assertEquals(1, keys.refreshCalls.get());
    }

    @Test
    @DisplayName("RS-SEC-16: kid as number, boolean, object or array is refused; kid null signed by another key too")
    void nonStringKid() {
      for (Object kid : List.of(42L, true, Map.of("a", 1L), List.of("rsa-1"))) {
        rejects(rsa.mint(with(rsa.header(), "kid", kid), claims()), "kid is not a string");
      }
      // a null kid is not "no kid": even signed by the only key it is refused
      rejects(rsa.signRaw("{\"alg\":\"RS256\",\"kid\":null,\"typ\":\"at+jwt\"}", json(claims())),
          "header parameter 'kid' is null");
      assertEquals(0, keys.refreshCalls.get());
    }

    @Test
    @DisplayName("RS-SEC-16/09: a 2 MB kid is refused fast by the length cap; a 600 kB kid under a 1 MiB cap is an unknown kid")
    void hugeKid() {
      String huge = "k".repeat(2 * 1024 * 1024);
      // refused by the length cap before the header is decoded: no key is looked up
      rejects(rsa.as(rsa.alg, huge).mint(), "longer than");
      assertEquals(0, keys.calls());
      TokenVerifier large = TestTokens.verifier(keys, "mcpauth.token.max-length", "1048576");
      rejects(large, rsa.as(rsa.alg, "k".repeat(600 * 1024)).mint(), "unknown kid");
    }

    @Test
    @DisplayName("RS-SEC-17: HS*, ES256K, RS1 and unknown algorithms are refused")
    void algorithmsOutsideTheList() {
      for (String alg : List.of("HS256", "HS384", "HS512", "ES256K", "RS1", "PS256K", "EdDSA25519", "ES256 ", "rs256", "")) {
        String input = b64(json(with(rsa.header(), "alg", alg))) + "." + b64(json(claims()));
        rejects(input + "." + b64(rsa.sign(input.getBytes(StandardCharsets.US_ASCII))), "algorithm not allowed");
      }
      rejects(rsa.signRaw(json(without(rsa.header(), "alg")), json(claims())), "algorithm not allowed");
      rejects(rsa.signRaw("{\"alg\":256,\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}", json(claims())), "algorithm not allowed");
    }

    @Test
    @DisplayName("RS-SEC-17: EdDSA/PS256 refused when not configured, accepted when configured")
    void unconfiguredAlgorithm() {
      TokenVerifier rsOnly = TestTokens.verifier(keys, "mcpauth.algorithms", "RS256,ES256");
      rejects(rsOnly, ed.mint(), "algorithm not allowed");
      rejects(rsOnly, rsa.as("PS256", rsa.kid).mint(), "algorithm not allowed");
      accepts(rsOnly, rsa.mint());
      accepts(verifier, ed.mint());
    }

    @Test
    @DisplayName("RS-SEC-18: a JWK with alg PS512 verifies only PS512, not RS256/RS384/RS512/PS256/PS384 by the same key")
    void jwkAlgPinsTheAlgorithm() {
      TokenVerifier pinned = TestTokens.verifier(TestTokens.keys(rsa.publicJwk("alg", "PS512")));
      for (String alg : List.of("RS256", "RS384", "RS512", "PS256", "PS384")) {
        rejects(pinned, rsa.as(alg, rsa.kid).mint(), "does not allow " + alg);
      }
      accepts(pinned, rsa.as("PS512", rsa.kid).mint());
    }

    @Test
    @DisplayName("RS-SEC-19: keys with use:enc or key_ops without verify are never used")
    void encryptionKeys() {
      for (Object[] extra : List.of(
          new Object[] {"use", "enc"}, new Object[] {"key_ops", List.of("encrypt")},
          new Object[] {"key_ops", List.of("wrapKey", "sign")}, new Object[] {"use", "SIG"})) {
        TokenVerifier v = TestTokens.verifier(TestTokens.keys(rsa.publicJwk(extra)));
        rejects(v, rsa.mint(), "unknown kid");
      }
      accepts(TestTokens.verifier(TestTokens.keys(rsa.publicJwk("use", "sig"))), rsa.mint());
      accepts(TestTokens.verifier(TestTokens.keys(rsa.publicJwk("key_ops", List.of("verify")))), rsa.mint());
    }

    @Test
    @DisplayName("RS-SEC-24: crit and b64:false are refused; so are zip, enc and cty")
    void critAndB64() {
      rejects(rsa.mint(with(rsa.header(), "crit", List.of("x-foo"), "x-foo", "bar"), claims()), "'crit'");
      rejects(rsa.signRaw(json(with(rsa.header(), "b64", false, "crit", List.of("b64"))), json(claims())), "not accepted");
      rejects(rsa.signRaw(json(with(rsa.header(), "b64", false)), json(claims())), "'b64'");
      rejects(rsa.mint(with(rsa.header(), "zip", "DEF"), claims()), "'zip'");
      rejects(rsa.mint(with(rsa.header(), "enc", "A256GCM"), claims()), "'enc'");
      rejects(rsa.mint(with(rsa.header(), "cty", "JWT"), claims()), "'cty'");
      // an unknown, non-critical header parameter is ignored (RFC 7515 §4)
      accepts(rsa.mint(with(rsa.header(), "x-foo", "bar"), claims()));
    }

    @Test
    @DisplayName("RS-SEC-25: a duplicate alg member in the header is refused")
    void duplicateAlg() {
      rejects(rsa.signRaw("{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}", json(claims())),
          "malformed token: header");
      rejects(rsa.signRaw("{\"alg\":\"RS256\",\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}", json(claims())),
          "malformed token: header");
      rejects(rsa.signRaw("{\"alg\":\"RS256\",\"kid\":\"x\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}", json(claims())),
          "malformed token: header");
    }

    @Test
    @DisplayName("RS-SEC-26: 200k-deep arrays in the header are refused without a StackOverflowError")
    void deepHeader() {
      TokenVerifier large = TestTokens.verifier(keys, "mcpauth.token.max-length", "1048576");
      String deep = "[".repeat(200_000) + "]".repeat(200_000);
      String header = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\",\"x\":" + deep + "}";
      rejects(large, rsa.signRaw(header, json(claims())), "malformed token: header");
      String deepObjects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
      rejects(large, rsa.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":" + deepObjects + "}", json(claims())),
          "malformed token: header");
    }

    @Test
    @DisplayName("RS-SEC-26/27: a header that is not a JSON object is refused")
    void headerNotAnObject() {
      for (String header : List.of("[\"RS256\"]", "\"RS256\"", "null", "", "{", "\uFEFF{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}")) {
        rejects(rsa.signRaw(header, json(claims())), "malformed token");
      }
    }
  }

  // ---------------------------------------------------------------- token syntax

  @Nested
  @DisplayName("compact serialization")
  class Syntax {

    @Test
    @DisplayName("RS-SEC-21: 1, 2, 4 and 5 parts, empty signature, JSON serialization")
    void wrongShape() {
      String token = rsa.mint();
      String[] parts = token.split("\\.");
      rejects(parts[0], "three parts");
      rejects(parts[0] + "." + parts[1], "three parts");
      rejects(token + "." + parts[2], "three parts");
      rejects(token + ".AAAA.BBBB", "three parts");
      rejects(parts[0] + "." + parts[1] + ".", "empty or truncated");
      rejects("." + parts[1] + "." + parts[2], "empty or truncated");
      rejects("..", "empty or truncated");
      rejects("", "three parts");
      Map<String, Object> flattened = new LinkedHashMap<>();
      flattened.put("payload", parts[1]);
      flattened.put("protected", parts[0]);
      flattened.put("signature", parts[2]);
      rejects(json(flattened), "malformed token");
      Map<String, Object> general = Map.of("payload", parts[1],
          "signatures", List.of(Map.of("protected", parts[0], "signature", parts[2])));
      rejects(json(general), "malformed token");
    }

    @Test
    @DisplayName("RS-SEC-21: JWEs (all Wycheproof JWE vectors, zip:DEF, PBES2 p2c=2^31) are refused unread and fast")
    void jweRefusedUnread() {
      List<String> jwes = new ArrayList<>();
      for (Map<String, Object> group : TestData.list(TestData.json("wycheproof/json_web_encryption_test.json").get("testGroups"))) {
        for (Map<String, Object> test : TestData.list(group.get("tests"))) {
          if (test.get("jwe") instanceof String jwe) {
            jwes.add(jwe);
          }
        }
      }
      assertEquals(139, jwes.size());
      jwes.add(b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}") + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA");
      jwes.add(b64("{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":2147483648,\"p2s\":\"AAAAAAAAAAA\"}")
          + ".AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA");
      // a 3-part token with a JWE header: refused by the header rules, never decrypted
      jwes.add(b64("{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":2147483648}") + ".AAAA.AAAA");
      Set<String> reasons = new TreeSet<>();
      for (String jwe : jwes) {
        reasons.add(assertThrows(TokenRejectedException.class, () -> verifier.verify(jwe), jwe).getMessage());
      }
      assertEquals(Set.of("header parameter 'enc' is not accepted", "malformed token: not a compact JWS with three parts"),
          reasons);
      assertEquals(0, keys.calls());
    }

    static Stream<Arguments> corruptions() {
      return Stream.of(
          Arguments.of("padding '='", (Corruption) p -> p + "="),
          Arguments.of("padding '=='", (Corruption) p -> p + "=="),
          Arguments.of("space inside", (Corruption) p -> p.substring(0, 4) + " " + p.substring(4)),
          Arguments.of("'?' inside", (Corruption) p -> p.substring(0, 4) + "?" + p.substring(4)),
          Arguments.of("'+' for '-'", (Corruption) p -> p.substring(0, 4) + "+" + p.substring(5)),
          Arguments.of("'/' for '_'", (Corruption) p -> p.substring(0, 4) + "/" + p.substring(5)),
          Arguments.of("trailing newline", (Corruption) p -> p + "\n"),
          Arguments.of("non-ASCII letter", (Corruption) p -> p.substring(0, 4) + "\u00e9" + p.substring(5)),
          Arguments.of("one char too many (len%4==1)", (Corruption) p -> p.length() % 4 == 0 ? p + "A" : p + "AAAA".substring(p.length() % 4 - 1)));
    }

    interface Corruption {
      String apply(String part);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    @DisplayName("RS-SEC-20: non-base64url text in any part is refused, even when signed")
    void nonBase64Url(String name, Corruption corruption) {
      String[] parts = rsa.mint().split("\\.");
      // header and payload corrupted, then signed by the real key: only the text rule can refuse them
      rejects(rsa.signEncoded(corruption.apply(parts[0]), parts[1]), "malformed token");
      rejects(rsa.signEncoded(parts[0], corruption.apply(parts[1])), "malformed token");
      rejects(parts[0] + "." + parts[1] + "." + corruption.apply(parts[2]), "malformed token");
    }

    @Test
    @DisplayName("RS-SEC-20: non-canonical trailing bits in header, payload or signature are refused, even when signed")
    void nonCanonicalTrailingBits() {
      Map<String, Object> claims = claims();
      String token;
      int filler = 0;
      do { // header and payload lengths must leave unused bits (length % 4 of 2 or 3)
        Map<String, Object> header = with(rsa.header(), "x", "p".repeat(filler % 4));
        token = rsa.mint(header, with(claims, "f", "p".repeat(filler / 4)));
        filler++;
      } while (Arrays.stream(token.split("\\.")).anyMatch(p -> p.length() % 4 < 2));
      accepts(token);
      String[] parts = token.split("\\.");
      rejects(rsa.signEncoded(nonCanonical(parts[0]), parts[1]), "non-canonical");
      rejects(rsa.signEncoded(parts[0], nonCanonical(parts[1])), "non-canonical");
      rejects(parts[0] + "." + parts[1] + "." + nonCanonical(parts[2]), "non-canonical");
    }

    /** Sets an unused low bit of the last character: decodes to the same bytes with a lenient decoder. */
    private static String nonCanonical(String part) {
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      int last = alphabet.indexOf(part.charAt(part.length() - 1));
      String changed = part.substring(0, part.length() - 1) + alphabet.charAt(last | 1);
      assertTrue(Arrays.equals(Base64.getUrlDecoder().decode(part), Base64.getUrlDecoder().decode(changed)),
          "the JDK decoder maps both to the same bytes");
      return changed;
    }

    @Test
    @DisplayName("RS-SEC-22: ES256 with DER encoding, wrong length, r=s=0 (CVE-2022-21449) or r=n is refused")
    void ecdsaSignatureShapes() {
      String token = ec.mint();
      int dot = token.lastIndexOf('.');
      String input = token.substring(0, dot + 1);
      byte[] sig = TestTokens.unb64(token.substring(dot + 1));
      assertEquals(64, sig.length);
      accepts(token);
      rejects(input + b64(der(sig)), "wrong length");
      rejects(input + b64(Arrays.copyOf(sig, 63)), "wrong length");
      rejects(input + b64(Arrays.copyOf(sig, 65)), "wrong length");
      rejects(input + b64(Arrays.copyOfRange(sig, 32, 64)), "wrong length");
      rejects(input + b64(new byte[64]), "signature invalid");
      byte[] rIsN = sig.clone();
      byte[] n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16).toByteArray();
      System.arraycopy(n, n.length - 32, rIsN, 0, 32);
      rejects(input + b64(rIsN), "signature invalid");
      byte[] sIsZero = sig.clone();
      Arrays.fill(sIsZero, 32, 64, (byte) 0);
      rejects(input + b64(sIsZero), "signature invalid");
    }

    private static byte[] der(byte[] p1363) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int i = 0; i < 2; i++) {
        byte[] integer = new BigInteger(1, Arrays.copyOfRange(p1363, 32 * i, 32 * i + 32)).toByteArray();
        body.write(0x02);
        body.write(integer.length);
        body.writeBytes(integer);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0x30);
      out.write(body.size());
      out.writeBytes(body.toByteArray());
      return out.toByteArray();
    }

    @Test
    @DisplayName("RS-SEC-23: RSA signature of the wrong length or a flipped bit is refused")
    void rsaSignatureShapes() {
      String token = rsa.mint();
      int dot = token.lastIndexOf('.');
      byte[] sig = TestTokens.unb64(token.substring(dot + 1));
      byte[] longer = new byte[sig.length + 1];
      System.arraycopy(sig, 0, longer, 1, sig.length);
      rejects(token.substring(0, dot + 1) + b64(longer), "wrong length");
      byte[] flipped = sig.clone();
      flipped[100] ^= 1;
      rejects(token.substring(0, dot + 1) + b64(flipped), "signature invalid");
    }
  }

  // ---------------------------------------------------------------- keys

  @Nested
  @DisplayName("key selection")
  class Keys {

    @Test
    @DisplayName("RS-SEC-34: without kid, the one key that fits is used; several fitting keys are ambiguous")
    void noKid() {
      Signer noKid = rsa.as("RS256", null);
      accepts(TestTokens.verifier(TestTokens.keys(rsa.publicJwk())), noKid.mint());
      // one RSA and one EC key: only the RSA key fits RS256
      accepts(verifier, noKid.mint());
      accepts(verifier, ec.as("ES256", null).mint());
      Signer second = Signer.rsa("rsa-2", "RS256");
      TokenVerifier two = TestTokens.verifier(TestTokens.keys(rsa.publicJwk(), second.publicJwk()));
      rejects(two, noKid.mint(), "several keys fit");
      accepts(two, rsa.mint()); // with its kid the token is fine
      accepts(two, second.mint());
      rejects(TestTokens.verifier(TestTokens.keys(ec.publicJwk())), noKid.mint(), "no key fits");
    }

    @Test
    @DisplayName("RS-SEC-35: a token signed by a key outside the set (same kid, or iss A with issuer B's key) is refused")
    void foreignKey() {
      rejects(TestTokens.attackerRsa().mint(), "signature invalid");
      Signer otherIssuerKey = Signer.ec("other-issuer-key");
      rejects(otherIssuerKey.mint(), "unknown kid");
      rejects(otherIssuerKey.as("ES256", ec.kid).mint(), "signature invalid");
    }

    @Test
    @DisplayName("RS-SEC-28: an unknown kid triggers exactly one refresh, and the refreshed key verifies")
    void unknownKidRefreshedOnce() {
      Signer rotated = Signer.ec("ec-2");
      CountingKeySource rotating = new CountingKeySource(TestTokens.keySet(TestTokens.jwks(ec.publicJwk())),
          TestTokens.keySet(TestTokens.jwks(ec.publicJwk(), rotated.publicJwk())));
      TokenVerifier v = TestTokens.verifier(rotating);
      accepts(v, ec.mint());
      assertEquals(0, rotating.refreshCalls.get(), "a known kid needs no refresh");
      accepts(v, rotated.mint());
      assertEquals(1, rotating.refreshCalls.get());
      accepts(v, rotated.mint());
      assertEquals(1, rotating.refreshCalls.get(), "afterwards the kid is known");
    }

    @Test
    @DisplayName("RS-SEC-29: a kid still unknown after the refresh is INVALID (401), one refresh per verify")
    void unknownKidAfterRefresh() {
      Signer stranger = Signer.ec("ec-9");
      rejects(stranger.mint(), "unknown kid");
      assertEquals(1, keys.refreshCalls.get());
      rejects(stranger.mint(), "unknown kid");
      assertEquals(2, keys.refreshCalls.get());
      TokenVerifier nullRefresh = TestTokens.verifier(new CountingKeySource(TestTokens.keySet(TestTokens.jwks(ec.publicJwk())), null));
      rejects(nullRefresh, stranger.mint(), "unknown kid");
    }
  }

  // ---------------------------------------------------------------- claims

  @Nested
  @DisplayName("claims")
  class Claims {

    @Test
    @DisplayName("RS-SEC-25: a duplicate aud (or exp) member in the claims is refused")
    void duplicateClaims() {
      String body = json(claims());
      rejects(rawClaims(rsa, body.substring(0, body.length() - 1) + ",\"aud\":\"https://evil.example/mcp\"}"),
          "malformed token: claims");
      rejects(rawClaims(rsa, body.substring(0, body.length() - 1) + ",\"exp\":99999999999}"), "malformed token: claims");
    }

    @Test
    @DisplayName("RS-SEC-26: 200k-deep arrays in signed claims are refused without a StackOverflowError")
    void deepClaims() {
      TokenVerifier large = TestTokens.verifier(keys, "mcpauth.token.max-length", "1048576");
      String deep = "[".repeat(200_000) + "]".repeat(200_000);
      rejects(large, rawClaims(rsa, claimsJsonWith("x", deep)), "malformed token: claims");
      rejects(large, rawClaims(rsa, claimsJsonWith("x", "[".repeat(100) + "]".repeat(100))), "malformed token: claims");
      // realistic nesting (Keycloak realm_access.roles, ten levels) stays fine; brackets in strings do not count
      accepts(rsa.mint(with(claims(), "realm_access", Map.of("roles", List.of("admin")))));
      accepts(rawClaims(rsa, claimsJsonWith("x", "[".repeat(10) + "]".repeat(10))));
      accepts(rsa.mint(with(claims(), "note", "[".repeat(1000) + "\\\"{{{")));
    }

    @Test
    @DisplayName("RS-SEC-26/09: a 1 MB claim string is refused by the length cap")
    void hugeClaim() {
      rejects(rsa.mint(with(claims(), "blob", "x".repeat(1_000_000))), "longer than");
    }

    @Test
    @DisplayName("RS-SEC-27: claims that are not a JSON object (array, string, number, null, BOM, invalid UTF-8)")
    void claimsNotAnObject() {
      for (String payload : List.of("[" + json(claims()) + "]", "\"" + ISSUER + "\"", "1800000000", "null", "true",
          "\uFEFF" + json(claims()), json(claims()) + "x", json(claims()) + json(claims()))) {
        rejects(rawClaims(rsa, payload), "malformed token: claims");
      }
      String invalidUtf8 = b64(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      rejects(rsa.signEncoded(b64(json(rsa.header())), invalidUtf8), "invalid UTF-8");
    }

    @Test
    @DisplayName("RS-SEC-36: exp missing, past beyond the 60 s skew refused; past within the skew accepted")
    void expiry() {
      long now = NOW.getEpochSecond();
      rejects(rsa.mint(without(claims(), "exp")), "exp is missing");
      rejects(rsa.mint(with(claims(), "exp", now - 120)), "expired");
      rejects(rsa.mint(with(claims(), "exp", now - 60)), "expired");
      accepts(rsa.mint(with(claims(), "exp", now - 30, "iat", now - 330)));
      // within the skew, yet expired before it was issued: refused (jose4j differential, TimeClaims)
      rejects(rsa.mint(with(claims(), "exp", now - 30, "iat", now - 10)), "exp lies before iat");
      accepts(rsa.mint(with(claims(), "exp", now + 0.5)));
      TokenVerifier strict = TestTokens.verifier(keys, "mcpauth.clock-skew", "0s");
      rejects(strict, rsa.mint(with(claims(), "exp", now)), "expired");
      accepts(strict, rsa.mint(with(claims(), "exp", now + 1)));
    }

    @Test
    @DisplayName("RS-SEC-37: nbf beyond the skew refused, within accepted; iat in the future refused")
    void notBeforeAndIssuedAt() {
      long now = NOW.getEpochSecond();
      rejects(rsa.mint(with(claims(), "nbf", now + 120)), "nbf");
      accepts(rsa.mint(with(claims(), "nbf", now + 30)));
      accepts(rsa.mint(with(claims(), "nbf", now - 30)));
      rejects(rsa.mint(with(claims(), "iat", now + 120)), "iat lies in the future");
      accepts(rsa.mint(with(claims(), "iat", now + 30)));
      accepts(rsa.mint(without(claims(), "iat")));
    }

    @Test
    @DisplayName("RS-SEC-38: exp in year 9999, 1e400, 1e30 or beyond mcpauth.token.max-lifetime is refused")
    void farFutureExpiry() {
      long now = NOW.getEpochSecond();
      rejects(rsa.mint(with(claims(), "exp", 253402300799L)), "max-lifetime");
      rejects(rawClaims(rsa, claimsJsonWith("exp", "1e400")), "exp");
      rejects(rawClaims(rsa, claimsJsonWith("exp", "1e30")), "NumericDate");
      rejects(rawClaims(rsa, claimsJsonWith("exp", "9223372036854775807")), "max-lifetime");
      rejects(rsa.mint(with(claims(), "exp", now + 25 * 3600)), "max-lifetime");
      accepts(rsa.mint(with(claims(), "exp", now + 23 * 3600)));
      TokenVerifier shortLived = TestTokens.verifier(keys, "mcpauth.token.max-lifetime", "10m");
      rejects(shortLived, rsa.mint(with(claims(), "exp", now + 3600)), "max-lifetime");
      accepts(shortLived, rsa.mint(with(claims(), "exp", now + 300)));
    }

    @Test
    @DisplayName("RS-SEC-39: exp/nbf/iat as string, bool, array, object, null or NaN are refused")
    void numericDateTypes() {
      long exp = NOW.getEpochSecond() + 300;
      for (String name : List.of("exp", "nbf", "iat")) {
        for (String raw : List.of("\"" + exp + "\"", "true", "[" + exp + "]", "{\"v\":" + exp + "}", "null", "NaN", "-1e400")) {
          String payload = name.equals("exp") ? claimsJsonWith("exp", raw) : claimsJsonWith(name, raw);
          TokenRejectedException e = rejects(rawClaims(rsa, payload), "");
          assertTrue(e.getMessage().contains(name) || e.getMessage().startsWith("malformed token: claims"),
              name + "=" + raw + ": " + e.getMessage());
        }
      }
    }

    @Test
    @DisplayName("RS-SEC-42: iss differing by case, trailing slash, scheme or type, or missing, is refused")
    void issuer() {
      for (Object iss : List.of("https://AS.example.com", "HTTPS://as.example.com", "https://as.example.com/",
          "http://as.example.com", "https://as.example.com:443", "https://as.example.com ", "",
          List.of(ISSUER), 42L)) {
        rejects(rsa.mint(with(claims(), "iss", iss)), "iss");
      }
      rejects(rsa.mint(without(claims(), "iss")), "iss");
    }

    @Test
    @DisplayName("RS-SEC-42: an issuer configured with a trailing slash (Auth0) is matched exactly too")
    void issuerWithTrailingSlash() {
      String slashed = ISSUER + "/";
      TokenVerifier verifier = TestTokens.verifier(keys, "mcpauth.issuer", slashed);
      accepts(verifier, rsa.mint(with(claims(), "iss", slashed)));
      rejects(verifier, rsa.mint(with(claims(), "iss", ISSUER)), "iss");
      rejects(verifier, rsa.mint(with(claims(), "iss", ISSUER + "//")), "iss");
    }

    @Test
    @DisplayName("RS-SEC-43/45: aud missing, another resource, slash/case/path variant, the AS, a client_id is refused")
    void audienceRefused() {
      List<Object> refused = List.of("https://other.example.com/mcp", RESOURCE + "/", "https://MCP.example.com/mcp",
          "https://mcp.example.com", "https://mcp.example.com/mcp/x", "https://mcp.example.com/MCP", ISSUER, "client-7",
          "", List.of(), List.of("https://other.example.com/mcp"), 42L, Map.of("aud", RESOURCE));
      for (Object aud : refused) {
        rejects(rsa.mint(with(claims(), "aud", aud)), "aud");
      }
      rejects(rsa.mint(without(claims(), "aud")), "aud");
      rejects(rsa.mint(with(claims(), "aud", List.of(RESOURCE, 42L))), "aud has a non-string entry");
    }

    @Test
    @DisplayName("RS-SEC-44: an aud array containing our canonical URI is accepted; configured audiences too")
    void audienceAccepted() {
      accepts(rsa.mint(with(claims(), "aud", List.of("https://other.example.com", RESOURCE))));
      accepts(rsa.mint(with(claims(), "aud", List.of(RESOURCE))));
      TokenVerifier custom = TestTokens.verifier(keys, "mcpauth.audience", "api://mcp, " + RESOURCE);
      accepts(custom, rsa.mint(with(claims(), "aud", "api://mcp")));
      accepts(custom, rsa.mint());
      TokenVerifier onlyApi = TestTokens.verifier(keys, "mcpauth.audience", "api://mcp");
      rejects(onlyApi, rsa.mint(), "aud");
    }

    @Test
    @DisplayName("RS-SEC-46: a sender-constrained token (cnf jkt / x5t#S256) sent as bearer is refused")
    void confirmation() {
      rejects(rsa.mint(with(claims(), "cnf", Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"))), "cnf");
      rejects(rsa.mint(with(claims(), "cnf", Map.of("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"))), "cnf");
    }

    @Test
    @DisplayName("RS-SEC-41: an ID token (nonce, aud=client_id, typ JWT) is refused")
    void idToken() {
      Map<String, Object> idClaims = with(claims(), "aud", "client-7", "nonce", "n-0S6_WzA2Mj");
      rejects(rsa.mint(with(rsa.header(), "typ", "JWT"), idClaims), "typ");
      TokenVerifier legacy = TestTokens.verifier(keys, "mcpauth.token.types", "at+jwt,jwt");
      rejects(legacy, rsa.mint(with(rsa.header(), "typ", "JWT"), idClaims), "aud");
    }

    @Test
    @DisplayName("sub, client_id and jti must be strings when present")
    void stringClaims() {
      for (String name : List.of("sub", "client_id", "jti")) {
        rejects(rsa.mint(with(claims(), name, 42L)), name + " is not a string");
      }
      VerifiedToken bare = accepts(rsa.mint(without(claims(), "sub", "client_id", "jti", "scope")));
      assertNull(bare.subject());
      assertTrue(bare.scopes().isEmpty());
    }

    @Test
    @DisplayName("the client is client_id, else azp (Keycloak, Entra v2, Auth0), else cid (Okta); the first present must be a string")
    void client() {
      Map<String, Object> none = without(claims(), "client_id");
      assertNull(accepts(rsa.mint(none)).clientId());
      assertEquals("kc-client", accepts(rsa.mint(with(none, "azp", "kc-client"))).clientId());
      assertEquals("okta-client", accepts(rsa.mint(with(none, "cid", "okta-client"))).clientId());
      assertEquals("client-7", accepts(rsa.mint(with(claims(), "azp", "other", "cid", "third"))).clientId(),
          "client_id wins");
      assertEquals("kc-client", accepts(rsa.mint(with(none, "azp", "kc-client", "cid", "third"))).clientId(),
          "azp wins over cid");
      assertEquals("client-7", accepts(rsa.mint(with(claims(), "azp", 42L))).clientId(),
          "a claim after the one that decides is not read");
      rejects(rsa.mint(with(none, "azp", 42L)), "azp is not a string");
      rejects(rsa.mint(with(none, "cid", List.of("a"))), "cid is not a string");
    }
  }

  // ---------------------------------------------------------------- typ

  @Nested
  @DisplayName("typ")
  class Type {

    @ParameterizedTest(name = "typ {0}")
    @ValueSource(strings = {"at+jwt", "application/at+jwt", "AT+JWT", "Application/At+Jwt"})
    @DisplayName("RS-SEC-40: at+jwt with or without application/, in any case, is accepted")
    void accepted(String typ) {
      accepts(rsa.mint(with(rsa.header(), "typ", typ), claims()));
    }

    @Test
    @DisplayName("RS-SEC-41: JWT, missing or other typ refused by default; accepted only when configured")
    void refusedByDefault() {
      for (Object typ : List.of("JWT", "jwt", "application/jwt", "JOSE", "id_token+jwt", "at+jwt ", "", 1L)) {
        rejects(rsa.mint(with(rsa.header(), "typ", typ), claims()), "typ");
      }
      rejects(rsa.mint(without(rsa.header(), "typ"), claims()), "no typ header");
      TokenVerifier legacy = TestTokens.verifier(keys, "mcpauth.token.types", "at+jwt,jwt");
      accepts(legacy, rsa.mint(with(rsa.header(), "typ", "JWT"), claims()));
      rejects(legacy, rsa.mint(without(rsa.header(), "typ"), claims()), "no typ header");
      TokenVerifier untyped = TestTokens.verifier(keys, "mcpauth.token.types", "at+jwt,none");
      accepts(untyped, rsa.mint(without(rsa.header(), "typ"), claims()));
      rejects(untyped, rsa.mint(with(rsa.header(), "typ", "JWT"), claims()), "typ");
    }
  }

  // ---------------------------------------------------------------- scopes

  @Nested
  @DisplayName("scopes")
  class Scopes {

    @Test
    @DisplayName("RS-SEC-48: scope \"a b\", scp [\"a\",\"b\"] and scp \"a b\" give the same set")
    void forms() {
      Set<String> expected = Set.of("tools:read", "tools:write");
      Map<String, Object> base = without(claims(), "scope");
      assertEquals(expected, accepts(rsa.mint(with(base, "scope", "tools:read tools:write"))).scopes());
      assertEquals(expected, accepts(rsa.mint(with(base, "scp", List.of("tools:read", "tools:write")))).scopes());
      assertEquals(expected, accepts(rsa.mint(with(base, "scp", "tools:read tools:write"))).scopes());
      assertEquals(expected, accepts(rsa.mint(with(base, "scope", "  tools:read   tools:write "))).scopes());
      assertEquals(Set.of("a"), accepts(rsa.mint(with(base, "scope", "a", "scp", List.of("b")))).scopes(),
          "scope wins over scp");
      assertEquals(Set.of(), accepts(rsa.mint(with(base, "scope", ""))).scopes());
    }

    @Test
    @DisplayName("RS-SEC-49: scope as array, number, object or bool, and scp with a non-string entry, are refused")
    void malformed() {
      Map<String, Object> base = without(claims(), "scope");
      rejects(rsa.mint(with(base, "scope", List.of("a", "b"))), "scope");
      rejects(rsa.mint(with(base, "scope", 5L)), "scope");
      rejects(rsa.mint(with(base, "scope", Map.of("a", "b"))), "scope");
      rejects(rsa.mint(with(base, "scope", true)), "scope");
      rejects(rsa.mint(with(base, "scp", 5L)), "scope");
      rejects(rsa.mint(with(base, "scp", List.of("a", 5L))), "scp has a non-string entry");
    }

    @Test
    @DisplayName("RS-SEC-50: tools:readx, tools:rea, TOOLS:READ, tab-separated or empty never yield tools:read")
    void nearMisses() {
      Map<String, Object> base = without(claims(), "scope");
      for (String scope : List.of("tools:readx tools:rea TOOLS:READ", "tools:read\tother", "other\ttools:read", "",
          "tools:read,other", "\"tools:read\"")) {
        Set<String> scopes = accepts(rsa.mint(with(base, "scope", scope))).scopes();
        assertFalse(scopes.contains("tools:read"), scope + " -> " + scopes);
      }
      assertTrue(accepts(rsa.mint(with(base, "scope", "x tools:read"))).scopes().contains("tools:read"));
    }
  }
}
