package io.mcpauth.core.token;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jose4j.json.JsonUtil;

/**
 * Tokens for {@link Jose4jDifferentialTest}: valid ones from the four {@link FuzzKeys}, and
 * mutations of one header member, one claim, the JSON text, the encoding or the signature, each
 * re-signed where the mutation comes before signing, so that the rules after the signature are
 * reached.
 */
final class DifferentialTokens {

  private static final long NOW = TokenVerifierFuzzTest.NOW;
  private static final long SKEW = TokenVerifierFuzzTest.SKEW;
  private static final long MAX = TokenVerifierFuzzTest.MAX_LIFETIME;

  private DifferentialTokens() {}

  static String valid(Random random, int key) {
    TestTokens.Signer signer = FuzzKeys.SIGNERS.get(key);
    return sign(signer, JsonUtil.toJson(signer.header()), JsonUtil.toJson(claims()));
  }

  private static Map<String, Object> claims() {
    Map<String, Object> claims = TestTokens.claims();
    claims.put("iat", NOW - 10);
    claims.put("exp", NOW + 300);
    return claims;
  }

  private static String sign(TestTokens.Signer signer, String header, String payload) {
    return sign(signer, header.getBytes(StandardCharsets.UTF_8), payload.getBytes(StandardCharsets.UTF_8));
  }

  private static String sign(TestTokens.Signer signer, byte[] header, byte[] payload) {
    return signer.signEncoded(TestTokens.b64(header), TestTokens.b64(payload));
  }

  private static Object pick(Random random, Object... values) {
    return values[random.nextInt(values.length)];
  }

  static String mutated(Random random) {
    TestTokens.Signer signer = FuzzKeys.SIGNERS.get(random.nextInt(4));
    Map<String, Object> header = new LinkedHashMap<>(signer.header());
    Map<String, Object> claims = claims();
    switch (random.nextInt(5)) {
      case 0 -> header(random, header);
      case 1 -> claim(random, claims);
      case 2 -> {
        header(random, header);
        claim(random, claims);
      }
      case 3 -> {
        return text(random, signer, JsonUtil.toJson(header), JsonUtil.toJson(claims));
      }
      default -> {
        return encoding(random, sign(signer, JsonUtil.toJson(header), JsonUtil.toJson(claims)));
      }
    }
    return sign(signer, JsonUtil.toJson(header), JsonUtil.toJson(claims));
  }

  private static void header(Random random, Map<String, Object> header) {
    switch (random.nextInt(6)) {
      case 0 -> header.put("alg", pick(random, "RS256", "RS384", "PS256", "PS512", "ES256", "ES384", "EdDSA", "none", "HS256", "rs256"));
      case 1 -> header.put("kid", pick(random, "rsa-1", "rsa-pss", "ec-1", "ed-1", "unknown", "", 7));
      case 2 -> header.remove("kid");
      case 3 -> header.put("typ", pick(random, "JWT", "at+JWT", "application/at+jwt", "AT+JWT", "jwt", "", 1));
      case 4 -> header.remove("typ");
      default -> header.put((String) pick(random, "jku", "x5u", "x5c", "jwk", "crit", "cty", "b64", "zip", "x5t", "foo"),
          pick(random, "https://evil.example/jwks", List.of("exp"), Map.of("kty", "EC"), false, "JWT"));
    }
  }

  private static void claim(Random random, Map<String, Object> claims) {
    switch (random.nextInt(12)) {
      case 0 -> claims.put("iss", pick(random, "https://as.example.com/", "https://evil.example", "HTTPS://as.example.com", 1));
      case 1 -> claims.remove("iss");
      case 2 -> claims.put("aud", pick(random, List.of("x", TestTokens.RESOURCE), List.of(TestTokens.RESOURCE, 1), "x",
          List.of(), TestTokens.RESOURCE + "/", 5));
      case 3 -> claims.remove("aud");
      case 4 -> claims.put("exp", pick(random, NOW - SKEW, NOW - SKEW + 1, NOW - SKEW - 1, NOW + MAX, NOW + MAX + 1,
          NOW + MAX - 1, NOW - SKEW + 0.5, (double) NOW + 300.25, "1800000300", 1e300, -1, 0, 1e15, 1e16));
      case 5 -> claims.remove("exp");
      case 6 -> claims.put("nbf", pick(random, NOW + SKEW, NOW + SKEW + 1, NOW + SKEW - 1, NOW + 3600, "0", 1e300));
      case 7 -> claims.put("iat", pick(random, NOW + SKEW, NOW + SKEW + 1, NOW + SKEW - 1, NOW - 10L * 365 * 86400, "0"));
      case 8 -> claims.put("cnf", Map.of("jkt", "abc"));
      case 9 -> claims.put((String) pick(random, "scope", "scp"), pick(random, 7, List.of("a", "b"), List.of("a", 1), "a b", Map.of()));
      case 10 -> claims.put("sub", pick(random, 42, List.of("a"), "\u00e9", ""));
      default -> claims.put("exp", null);
    }
  }

  /** Mutations of the JSON text that a map cannot express. */
  private static String text(Random random, TestTokens.Signer signer, String header, String payload) {
    switch (random.nextInt(9)) {
      case 7 -> payload = payload.replaceFirst("\"exp\":(\\d+)", "\"exp\":1e400");
      case 0 -> payload = payload.replaceFirst("\"exp\"", "\"\\\\u0065xp\"");
      case 1 -> payload = payload.substring(0, payload.length() - 1) + ",\"exp\":" + (NOW - 1000) + "}";
      case 2 -> header = header.substring(0, header.length() - 1) + ",\"alg\":\"none\"}";
      case 3 -> payload = payload.replaceFirst("\"user-42\"", "\"\\\\ud800\"");
      case 4 -> payload = " " + payload + "\n";
      case 5 -> payload = payload.replaceFirst("\"iss\"", "\"iss\\\\u0000\"");
      case 6 -> {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] invalid = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, invalid, 0, bytes.length - 1);
        invalid[bytes.length - 1] = (byte) 0xC0; // an overlong lead byte, then the closing brace
        invalid[bytes.length] = '}';
        return sign(signer, header.getBytes(StandardCharsets.UTF_8), invalid);
      }
      default -> payload = payload.replaceFirst("\"exp\":(\\d+)", "\"exp\":$1.0e0");
    }
    return sign(signer, header, payload);
  }

  /** Mutations of the compact serialization after signing. */
  private static String encoding(Random random, String token) {
    String[] parts = token.split("\\.");
    int part = random.nextInt(3);
    switch (random.nextInt(7)) {
      case 0 -> parts[part] = parts[part] + (parts[part].length() % 4 == 2 ? "==" : "=");
      case 1 -> parts[part] = flipLastBit(parts[part]);
      case 2 -> parts[part] = parts[part].substring(0, 4) + pick(random, "+", "/", " ", "?", "\n") + parts[part].substring(4);
      case 3 -> parts[2] = parts[2].substring(0, parts[2].length() - 4);
      case 4 -> parts[2] = (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
      case 5 -> {
        return token + ".";
      }
      default -> {
        return " " + token;
      }
    }
    return String.join(".", parts);
  }

  /** The last character with an unused low bit set, where the part's length leaves unused bits. */
  private static String flipLastBit(String part) {
    if (part.length() % 4 == 0) {
      return part;
    }
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(part.charAt(part.length() - 1));
    return part.substring(0, part.length() - 1) + alphabet.charAt(last ^ 1);
  }
}
