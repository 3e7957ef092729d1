package io.mcpauth.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.logging.CapturedLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trail's writer: its queue, block and drop, rotation, escaping, flushing and I/O errors. */
class AuditFileWriterTest {

  @TempDir
  Path dir;

  private static AuditEvent event(int n) {
    return new AuditEvent(AuditAction.MCP_REQUEST, 1_765_000_000_000L + n).user("user-" + n).status(200);
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  private static Map<String, Object> json(String line) throws Exception {
    return StrictJson.parseObject(line, "an audit line");
  }

  @Test
  @DisplayName("drop: a full queue drops the event and counts it; the queued ones are written at close")
  void dropCountsLostEvents() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditFileWriter writer = AuditFileWriter.unstarted(new TrailOutput(file, 1 << 20, 2), 16, true);
    for (int i = 0; i < 20; i++) {
      writer.accept(event(i));
    }
    assertEquals(4, writer.dropped());
    assertFalse(writer.unavailable(), "drop mode never refuses requests");
    writer.startThread();
    writer.close();
    assertEquals(16, lines(file).size());
    assertEquals(16, writer.written());
    assertEquals("user-0", json(lines(file).get(0)).get("user.id"), "in order, the first ones kept");
    writer.accept(event(99));
    assertEquals(5, writer.dropped(), "after close nothing waits: the event is counted as dropped");
  }

  @Test
  @DisplayName("block: a full queue makes the request wait until the writer makes room; nothing is dropped")
  void blockWaitsForRoom() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditFileWriter writer = AuditFileWriter.unstarted(new TrailOutput(file, 1 << 20, 2), 16, false);
    for (int i = 0; i < 16; i++) {
      writer.accept(event(i));
    }
    Thread request = new Thread(() -> writer.accept(event(16)));
    request.start();
    request.join(300);
    assertTrue(request.isAlive(), "the 17th event waits for room");
    writer.startThread();
    request.join(5000);
    assertFalse(request.isAlive());
    writer.close();
    assertEquals(0, writer.dropped());
    assertEquals(17, lines(file).size());
  }

  @Test
  @DisplayName("the file rotates by size: FILE, FILE.1 ... FILE.max-files, none larger than max-size, older ones deleted")
  void rotatesBySize() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditFileWriter writer = AuditFileWriter.unstarted(new TrailOutput(file, 1000, 2), 1024, false);
    writer.startThread();
    for (int i = 0; i < 200; i++) {
      writer.accept(event(i));
    }
    writer.close();
    assertTrue(Files.exists(dir.resolve("audit.log.1")));
    assertTrue(Files.exists(dir.resolve("audit.log.2")));
    assertFalse(Files.exists(dir.resolve("audit.log.3")), "max-files rotated files at most");
    List<String> kept = new ArrayList<>();
    for (String name : List.of("audit.log.2", "audit.log.1", "audit.log")) {
      Path part = dir.resolve(name);
      assertTrue(Files.size(part) <= 1000, name + " is " + Files.size(part) + " bytes");
      kept.addAll(lines(part));
    }
    assertEquals("user-199", json(kept.get(kept.size() - 1)).get("user.id"), "the newest event is in FILE");
    int first = Integer.parseInt(((String) json(kept.get(0)).get("user.id")).substring("user-".length()));
    for (int i = 0; i < kept.size(); i++) {
      assertEquals("user-" + (first + i), json(kept.get(i)).get("user.id"), "consecutive across the files");
    }
    assertTrue(first > 0, "the oldest were deleted");
  }

  @Test
  @DisplayName("control characters, quotes and line breaks in a name stay inside one escaped line")
  void escapesEverything() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditFileWriter writer = AuditFileWriter.unstarted(new TrailOutput(file, 1 << 20, 2), 16, false);
    writer.startThread();
    String hostile = "eve\n{\"event.action\":\"forged\"}\r\u0000\u001b[31m\u2028\"\\";
    writer.accept(new AuditEvent(AuditAction.AS_LOGIN, 0).user(hostile).message("tools/call", hostile, null, null)
        .request("192.0.2.1", "POST", "/login;jsessionid=0123456789abcdef").failure("login_failed"));
    writer.close();
    List<String> lines = lines(file);
    assertEquals(1, lines.size(), "one object, one line");
    Map<String, Object> fields = json(lines.get(0));
    assertEquals(hostile, fields.get("user.id"));
    assertEquals(hostile, fields.get("mcp.tool"));
    assertEquals("as.login", fields.get("event.action"));
    assertEquals("failure", fields.get("event.outcome"));
    assertEquals("1970-01-01T00:00:00.000Z", fields.get("@timestamp"));
    assertEquals("/login", fields.get("url.path"), "path parameters (a servlet session id) are cut off");
    assertFalse(lines.get(0).contains("0123456789abcdef"));
    for (char c : lines.get(0).toCharArray()) {
      assertTrue(c >= 0x20 && c != 0x2028, "no raw control character: " + (int) c);
    }
  }

  @Test
  @DisplayName("an event reaches the file within about a second, without close")
  void flushesWithinASecond() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditFileWriter writer = AuditFileWriter.unstarted(new TrailOutput(file, 1 << 20, 2), 16, false);
    writer.startThread();
    writer.accept(event(1));
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (lines(file).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, lines(file).size());
    writer.close();
  }

  @Test
  @DisplayName("an I/O error is logged once and counted; in block mode the trail is unavailable until a write succeeds")
  void ioErrorFailsClosedUntilRecovered() throws Exception {
    Path missing = dir.resolve("not-yet");
    Path file = missing.resolve("audit.log");
    AuditFileWriter writer = AuditFileWriter.unstarted(new TrailOutput(file, 1 << 20, 2), 16, false);
    try (CapturedLog log = new CapturedLog()) {
      writer.startThread();
      writer.accept(event(1));
      waitFor(writer::unavailable);
      writer.accept(event(2));
      waitFor(() -> writer.writeErrors() >= 2);
      assertEquals(1, log.lines().stream().filter(line -> line.contains("cannot be written")).count(), log.text());
      assertFalse(log.text().contains("user-1"), "never an event's content");
      assertEquals(2, writer.lost());
      Files.createDirectories(missing);
      writer.accept(event(3));
      waitFor(() -> !writer.unavailable());
      assertTrue(log.text().contains("is written again"), log.text());
    }
    writer.close();
    assertEquals(1, lines(file).size());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(10);
    }
  }
}
