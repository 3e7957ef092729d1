package io.mcpauth.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.json.StrictJson.MalformedJsonException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The token's JSON parser: strict where a JWT needs it, and the same values jose4j would give. */
class StrictJsonTest {

  private static Map<String, Object> parse(String json) throws StrictJson.MalformedJsonException {
    return StrictJson.parseObject(json, "claims");
  }

  @Test
  void parsesTheShapesOfAnAccessToken() throws Exception {
    Map<String, Object> claims = parse(" {\"iss\":\"https://as\",\"aud\":[\"a\",\"b\"],\"exp\":1795668156,"
        + "\"f\":1.5,\"neg\":-3,\"t\":true,\"n\":null,\"o\":{\"x\":[]},\"esc\":\"a\\\"b\\\\c\\/d\\u00e9\\n\"}\n");
    assertEquals("https://as", claims.get("iss"));
    assertEquals(List.of("a", "b"), claims.get("aud"));
    assertEquals(1795668156L, claims.get("exp"));
    assertEquals(1.5, claims.get("f"));
    assertEquals(-3L, claims.get("neg"));
    assertEquals(Boolean.TRUE, claims.get("t"));
    assertTrue(claims.containsKey("n"));
    assertNull(claims.get("n"));
    assertEquals(Map.of("x", List.of()), claims.get("o"));
    assertEquals("a\"b\\c/d\u00e9\n", claims.get("esc"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "[]", "\"x\"", "{", "{}x", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
      "{\"a\":.5}", "{\"a\":1e}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}",
      "{\"a\":\"unterminated}", "\uFEFF{}", "{\"a\":1}{\"b\":2}", "{\"a\":[1,2}", "{\"a\":'x'}", "{\"a\":NaN}",
      "{\"a\":Infinity}", "{\"a\":+1}"})
  @DisplayName("RS-SEC-27: anything but exactly one well-formed object is refused")
  void refusesMalformedJson(String json) {
    StrictJson.MalformedJsonException e = assertThrows(StrictJson.MalformedJsonException.class, () -> parse(json));
    assertTrue(e.getMessage().startsWith("claims "), e.getMessage());
  }

  @Test
  @DisplayName("RS-SEC-25: duplicate members are refused, also when nested")
  void refusesDuplicates() {
    assertThrows(StrictJson.MalformedJsonException.class, () -> parse("{\"aud\":\"a\",\"aud\":\"b\"}"));
    assertThrows(StrictJson.MalformedJsonException.class, () -> parse("{\"o\":{\"x\":1,\"x\":1}}"));
    assertThrows(StrictJson.MalformedJsonException.class, () -> parse("{\"a\":null,\"a\":null}"));
  }

  @Test
  @DisplayName("RS-SEC-26: 64 levels parse, 65 and 200,000 are refused without a stack overflow")
  void boundsNesting() throws Exception {
    // The same bound as the JSON-RPC body peek: both read with JsonLexer.
    parse("{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}");
    assertEquals("claims nests deeper than 64 levels", assertThrows(StrictJson.MalformedJsonException.class,
        () -> parse("{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}")).getMessage());
    assertThrows(StrictJson.MalformedJsonException.class, () -> parse("{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}"));
    assertThrows(StrictJson.MalformedJsonException.class, () -> parse("{\"a\":" + "{\"b\":".repeat(200_000) + "1" + "}".repeat(200_001)));
  }

  @Test
  void numbersBeyondLongBecomeDoublesAsInJose4j() throws Exception {
    assertEquals(9223372036854775807L, parse("{\"e\":9223372036854775807}").get("e"));
    assertEquals(1e29, parse("{\"e\":99999999999999999999999999999}").get("e"));
    assertEquals(Double.POSITIVE_INFINITY, parse("{\"e\":1e400}").get("e"));
  }

  @Test
  @DisplayName("differential: on 2,000 generated objects the values equal jose4j's")
  void agreesWithJose4j() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      String json = randomObject(random, 0);
      assertEquals(JsonUtil.parseJson(json), parse(json), json);
    }
  }

  private static String randomObject(Random random, int depth) {
    StringBuilder out = new StringBuilder("{");
    int members = random.nextInt(5);
    for (int i = 0; i < members; i++) {
      out.append(i == 0 ? "" : ",").append('"').append("k").append(i).append(random.nextBoolean() ? "\\u00e9" : "")
          .append("\":").append(randomValue(random, depth));
    }
    return out.append('}').toString();
  }

  private static String randomValue(Random random, int depth) {
    switch (random.nextInt(depth > 3 ? 6 : 8)) {
      case 0:
        return Long.toString(random.nextLong() >> random.nextInt(64));
      case 1:
        return Double.toString(random.nextDouble() * 1e6);
      case 2:
        return "\"s" + random.nextInt(1000) + "\\\"\\n\\t/\"";
      case 3:
        return random.nextBoolean() ? "true" : "false";
      case 4:
        return "null";
      case 5:
        return "\"" + "x".repeat(random.nextInt(50)) + "\"";
      case 6:
        return randomObject(random, depth + 1);
      default:
        StringBuilder array = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          array.append(i == 0 ? "" : ",").append(randomValue(random, depth + 1));
        }
        return array.append(']').toString();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":\"\\u\uFF10\uFF10\uFF14\uFF11\"}", "{\"a\":\"\\u\u0660\u0660\u0664\u0661\"}",
      "{\"a\":\"\\u004\uFF41\"}"})
  @DisplayName("a \\u escape takes four ASCII hex digits: full-width and Arabic-Indic digits are refused")
  void unicodeEscapesAreAsciiHex(String json) {
    MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> parse(json));
    assertEquals("claims has an invalid escape", e.getMessage());
  }

  @Test
  @DisplayName("text with a lone surrogate has no UTF-8 form: refused, not written as '?'")
  void loneSurrogateInText() {
    MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> parse("{\"a\":\"\uD800\"}"));
    assertEquals("claims is not valid UTF-8", e.getMessage());
    assertThrows(MalformedJsonException.class, () -> parse("{\"a\":\"\uDC00\uD800\"}"));
  }
}
