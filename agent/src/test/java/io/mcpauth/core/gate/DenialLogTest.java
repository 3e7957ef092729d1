package io.mcpauth.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.logging.CapturedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DenialLogTest {

  private static final Pattern SUMMARY = Pattern.compile(
      "INFO (\\d+) denials not logged since \\S+ \\(over mcpauth.log.denials-per-second=(\\d+)\\): (.*)");

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final AdmissionTest.Request request = AdmissionTest.Request.post();

  @Test
  @DisplayName("at most the limit of lines a second; the next line written is preceded by the count of those not logged, by reason code")
  void limitPerSecond() {
    DenialLog log = new DenialLog(3, nanos::get);
    try (CapturedLog captured = new CapturedLog()) {
      for (int i = 0; i < 4; i++) {
        log.denied(request, 401, ReasonCode.TOKEN_MALFORMED, "malformed token");
      }
      log.denied(request, 401, ReasonCode.SIGNATURE_INVALID, "signature invalid");
      log.denied(request, 401, ReasonCode.SIGNATURE_INVALID, "signature invalid");
      assertEquals(List.of("INFO denied POST /mcp: 401 token_malformed (malformed token)",
          "INFO denied POST /mcp: 401 token_malformed (malformed token)",
          "INFO denied POST /mcp: 401 token_malformed (malformed token)"), captured.lines());
      nanos.addAndGet(999_999_999L); // still the same second
      log.denied(request, 401, ReasonCode.TOKEN_EXPIRED, "token expired");
      assertEquals(3, captured.lines().size(), captured.text());
      nanos.addAndGet(1);
      log.denied(request, 403, ReasonCode.INSUFFICIENT_SCOPE, "insufficient scope for subject alice");
      List<String> lines = captured.lines();
      assertEquals(5, lines.size(), captured.text());
      Matcher summary = SUMMARY.matcher(lines.get(3));
      assertTrue(summary.matches(), lines.get(3));
      assertEquals("4", summary.group(1));
      assertEquals("3", summary.group(2));
      assertEquals("1 token_malformed, 2 signature_invalid, 1 token_expired", summary.group(3));
      assertEquals("INFO denied POST /mcp: 403 insufficient_scope (insufficient scope for subject alice)", lines.get(4));
      // the count starts again after a summary: the next line comes alone
      log.denied(request, 401, ReasonCode.TOKEN_MISSING, "no bearer token");
      assertEquals("INFO denied POST /mcp: 401 token_missing (no bearer token)", captured.lines().get(5));
      assertEquals(6, captured.lines().size());
    }
  }

  @Test
  @DisplayName("0 logs every denial")
  void noLimit() {
    DenialLog log = new DenialLog(0, nanos::get);
    try (CapturedLog captured = new CapturedLog()) {
      for (int i = 0; i < 1000; i++) {
        log.denied(request, 401, ReasonCode.TOKEN_MALFORMED, "malformed token");
      }
      assertEquals(1000, captured.lines().size());
    }
  }

  @Test
  @DisplayName("under concurrent denials, every one is either a line or counted in the summary that follows")
  void concurrentDenialsAreAllAccountedFor() throws Exception {
    DenialLog log = new DenialLog(50, nanos::get);
    int threads = 8;
    int each = 20_000;
    try (CapturedLog captured = new CapturedLog()) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        ReasonCode reason = t % 2 == 0 ? ReasonCode.TOKEN_MALFORMED : ReasonCode.SIGNATURE_INVALID;
        Thread worker = new Thread(() -> {
          for (int i = 0; i < each; i++) {
            if (i % 1000 == 0) {
              nanos.addAndGet(100_000_000L); // a tenth of a second now and then
            }
            log.denied(request, 401, reason, "x");
          }
        });
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
      nanos.addAndGet(2_000_000_000L);
      log.denied(request, 401, ReasonCode.TOKEN_MISSING, "no bearer token");
      long lines = 0;
      long summarised = 0;
      for (String line : captured.lines()) {
        Matcher summary = SUMMARY.matcher(line);
        if (summary.matches()) {
          summarised += Long.parseLong(summary.group(1));
        } else if (line.startsWith("INFO denied POST /mcp: 401 ")) {
          lines++;
        }
      }
      assertEquals((long) threads * each + 1, lines + summarised, captured.text().length() + " characters of log");
      // 8 threads × 20 steps of 0.1 s: about 16 s of clock (never more than 50 lines a second, give or take a race)
      assertTrue(lines < 1_000, "lines: " + lines);
    }
  }
}
