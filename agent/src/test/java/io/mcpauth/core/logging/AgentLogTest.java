package io.mcpauth.core.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLogTest {

  @AfterEach
  void restore() {
    AgentLog.settings("INFO", null);
  }

  @Test
  void timestampsAreUtcWithMilliseconds() {
    assertEquals("1970-01-01T00:00:00.000Z", AgentLog.timestamp(0));
    assertEquals("2026-11-26T17:45:04.012Z", AgentLog.timestamp(1_795_715_104_012L));
    assertEquals("1969-12-31T23:59:59.999Z", AgentLog.timestamp(-1));
    long nowWithMillis = System.currentTimeMillis() / 1000 * 1000 + 7; // Instant prints no fraction for .000
    assertEquals(java.time.Instant.ofEpochMilli(nowWithMillis).toString(), AgentLog.timestamp(nowWithMillis));
  }

  @Test
  void placeholdersTakeTheArgumentsInOrderAndATrailingThrowableIsTheCause() {
    assertEquals("a 1 b two c", AgentLog.format("a {} b {} c", new Object[] {1, "two"}, 2));
    assertEquals("left {} open", AgentLog.format("left {} open", new Object[0], 0));
    assertEquals("literal {} and x", AgentLog.format("literal \\{} and {}", new Object[] {"x"}, 1));
    assertEquals("null", AgentLog.format("{}", new Object[] {null}, 1));
    assertEquals("{", AgentLog.format("{", new Object[] {"unused"}, 1));

    try (CapturedLog log = new CapturedLog()) {
      Exception cause = new IllegalStateException("outer", new java.io.IOException("inner"));
      AgentLog.error("{} failed", "fetch", cause);
      assertEquals(List.of("ERROR fetch failed | java.lang.IllegalStateException: outer | java.io.IOException: inner"),
          log.lines());
    }
  }

  @Test
  void linesBelowTheLevelAreDropped() {
    AgentLog.settings("WARN", null);
    try (CapturedLog log = new CapturedLog()) {
      AgentLog.info("quiet");
      AgentLog.warn("loud");
      AgentLog.error("louder");
      assertEquals(List.of("WARN loud", "ERROR louder"), log.lines());
    }
    AgentLog.settings("OFF", null);
    try (CapturedLog log = new CapturedLog()) {
      AgentLog.error("nothing");
      assertEquals(List.of(), log.lines());
    }
  }

  @Test
  void theFileGetsOneTimestampedLinePerEventWithTheCauseAndItsFirstFrame(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("agent.log");
    AgentLog.settings("INFO", file.toString());
    AgentLog.info("protecting {}", "/mcp");
    AgentLog.warn("refused: {}", "bad", new IllegalArgumentException("why"));
    AgentLog.settings("INFO", null);

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z mcpauth INFO  protecting /mcp$"),
        lines.get(0));
    assertTrue(lines.get(1).endsWith(" mcpauth WARN  refused: bad"), lines.get(1));
    assertEquals("java.lang.IllegalArgumentException: why", lines.get(2));
    assertTrue(lines.get(3).startsWith("\tat io.mcpauth.core.logging.AgentLogTest."), lines.get(3));
  }
}
