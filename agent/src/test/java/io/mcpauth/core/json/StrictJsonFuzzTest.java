package io.mcpauth.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * StrictJson on any bytes: a refusal is a MalformedJsonException and nothing else; an accepted
 * text is one object that Jackson (duplicates refused) reads to the same value, within the nesting
 * limit, and that survives a write and a second parse unchanged.
 */
class StrictJsonFuzzTest {

  @FuzzTest
  void acceptedObjectsRoundTrip(byte[] input) throws Exception {
    Map<String, Object> parsed;
    try {
      parsed = StrictJson.parseObject(input, "input");
    } catch (StrictJson.MalformedJsonException refused) {
      return;
    }
    assertTrue(ReferenceJson.depth(parsed) <= JsonLexer.MAX_DEPTH, "nesting limit");
    for (String name : parsed.keySet()) {
      assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= JsonLexer.MAX_NAME_BYTES, "name length limit");
    }
    assertEquals(ReferenceJson.read(input), parsed, "Jackson reads the same value");
    if (finite(parsed)) {
      String written = JsonWriter.write(parsed);
      assertEquals(parsed, StrictJson.parseObject(written, "written"), "write then parse is the identity");
    }
    // The String entry point reads the same text the same way.
    String text = new String(input, StandardCharsets.UTF_8);
    assertEquals(parsed, StrictJson.parseObject(text, "text"));
  }

  /** JsonWriter refuses infinities (1e400 parses to one); everything else it writes. */
  private static boolean finite(Object value) {
    if (value instanceof Double d) {
      return Double.isFinite(d);
    }
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().allMatch(StrictJsonFuzzTest::finite);
    }
    if (value instanceof java.util.List<?> list) {
      return list.stream().allMatch(StrictJsonFuzzTest::finite);
    }
    return true;
  }
}
