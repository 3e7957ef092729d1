package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** What a verified token keeps of its claims: all of them but JSON nulls, unmodifiable, repeating text shared. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClaimsKeptTest {

  @Test
  @DisplayName("kept claims: the same values, JSON nulls left out, no way to change them")
  void kept() {
    Map<String, Object> parsed = new HashMap<>();
    parsed.put("sub", "alice");
    parsed.put("aud", List.of("https://mcp.example.com/mcp"));
    parsed.put("exp", 1_800_000_000L);
    parsed.put("nickname", null);
    Map<String, Object> kept = Claims.kept(parsed);
    assertEquals(Map.of("sub", "alice", "aud", List.of("https://mcp.example.com/mcp"), "exp", 1_800_000_000L), kept);
    assertFalse(kept.containsKey("nickname"));
    assertThrows(UnsupportedOperationException.class, () -> kept.put("sub", "mallory"));
    parsed.put("sub", "mallory");
    assertEquals("alice", kept.get("sub"), "a copy, not a view of the parser's map");
  }

  @Test
  @DisplayName("names and repeating values are kept once across tokens; unique ones (jti) are not shared")
  void sharedAcrossTokens() throws TokenRejectedException {
    Map<String, Object> first = Claims.kept(parse("{\"iss\":\"https://idp.example.com\",\"sub\":\"sharing-alice\","
        + "\"aud\":[\"https://mcp.example.com/mcp\",\"other\"],\"client_id\":\"c1\",\"jti\":\"j-1\",\"x\":[null]}"));
    Map<String, Object> second = Claims.kept(parse("{\"iss\":\"https://idp.example.com\",\"sub\":\"sharing-alice\","
        + "\"aud\":[\"https://mcp.example.com/mcp\",\"other\"],\"client_id\":\"c1\",\"jti\":\"j-1\",\"x\":[null]}"));
    assertEquals(first, second);
    for (String name : List.of("iss", "sub", "client_id")) {
      assertSame(first.get(name), second.get(name), name);
      assertSame(key(first, name), key(second, name), "the claim name " + name);
    }
    assertSame(((List<?>) first.get("aud")).get(0), ((List<?>) second.get("aud")).get(0));
    assertNotSame(first.get("jti"), second.get("jti"), "unique values are not collected");
    assertEquals(java.util.Arrays.asList((Object) null), first.get("x"), "a list with a null stays as it was");
  }

  @Test
  @DisplayName("a scope string is parsed once into one immutable, ordered set")
  void sharedScopeSets() throws TokenRejectedException {
    Set<String> first = Claims.scopes(Map.of("scope", "mcp:tools  shared:admin"));
    Set<String> second = Claims.scopes(Map.of("scope", new String("mcp:tools  shared:admin")));
    assertSame(first, second);
    assertEquals(List.of("mcp:tools", "shared:admin"), List.copyOf(first));
    assertThrows(UnsupportedOperationException.class, () -> first.add("more"));
  }

  @Test
  @Order(Integer.MAX_VALUE) // it fills the JVM-wide table: last, after the tests that rely on sharing
  @DisplayName("sharing is bounded: past the limit, values are used as they are")
  void sharingIsBounded() {
    for (int i = 0; i < SharedClaimText.MAX_VALUES + 100; i++) {
      SharedClaimText.value("bounded-" + i);
    }
    String late = new String("bounded-late");
    assertSame(late, SharedClaimText.value(late));
    assertTrue(SharedClaimText.value(new String("bounded-late")) != late, "not kept once the table is full");
  }

  private static Map<String, Object> parse(String json) {
    try {
      return io.mcpauth.core.json.StrictJson.parseObject(json, "claims");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String key(Map<String, Object> map, String name) {
    return map.keySet().stream().filter(name::equals).findFirst().orElseThrow();
  }
}
