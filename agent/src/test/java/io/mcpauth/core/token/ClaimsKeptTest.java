package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a verified token keeps of its claims: all of them but JSON nulls, unmodifiable. */
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
}
