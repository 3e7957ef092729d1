package io.mcpauth.core.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.audit.AuditEvent;
import io.mcpauth.core.audit.AuditSink;
import io.mcpauth.core.config.AuditConfig;
import io.mcpauth.core.logging.CapturedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecurityAlertsTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private final List<AuditEvent> trail = new ArrayList<>();
  private final AuditSink recorder = trail::add;

  private SecurityAlerts alerts(AuditConfig.Alerts settings) {
    return new SecurityAlerts(settings, recorder, clock::get);
  }

  private static AuditEvent badToken(String address) {
    return AuditEvent.now(AuditAction.MCP_REQUEST).request(address, "POST", "/mcp").status(401)
        .failure("signature_invalid");
  }

  private long warnings(CapturedLog log, AlertKind kind) {
    return log.lines().stream().filter(line -> line.startsWith("WARN") && line.contains("security alert " + kind.code()))
        .count();
  }

  @Test
  @DisplayName("100 invalid tokens from one address within a minute: one alert, one WARN line, one event, one count")
  void invalidTokenBurst() {
    SecurityAlerts alerts = alerts(AuditConfig.Alerts.DEFAULTS);
    try (CapturedLog log = new CapturedLog()) {
      for (int i = 0; i < 99; i++) {
        alerts.accept(badToken("203.0.113.9"));
        clock.addAndGet(SECOND / 2);
      }
      assertEquals(0, alerts.raised(AlertKind.INVALID_TOKEN_BURST), "99 are not yet a burst");
      alerts.accept(badToken("203.0.113.9"));
      assertEquals(1, alerts.raised(AlertKind.INVALID_TOKEN_BURST));
      assertEquals(1, warnings(log, AlertKind.INVALID_TOKEN_BURST), log.text());
      assertTrue(log.text().contains("203.0.113.9"));
    }
    assertEquals(1, trail.size());
    AuditEvent alert = trail.get(0);
    assertEquals(AuditAction.SECURITY_ALERT, alert.action());
    assertEquals("invalid_token_burst", alert.alertKind());
    assertEquals("203.0.113.9", alert.sourceIp());
  }

  @Test
  @DisplayName("tokens spread too thin in time, missing ones (token_missing) and other addresses do not add up")
  void notABurst() {
    SecurityAlerts alerts = alerts(AuditConfig.Alerts.DEFAULTS);
    for (int i = 0; i < 300; i++) {
      alerts.accept(badToken("203.0.113.9"));
      alerts.accept(AuditEvent.now(AuditAction.MCP_REQUEST).request("203.0.113.10", "POST", "/mcp").status(401)
          .failure("token_missing"));
      alerts.accept(badToken("198.51.100." + (i % 100)));
      clock.addAndGet(2 * SECOND);
    }
    assertEquals(0, alerts.raised(AlertKind.INVALID_TOKEN_BURST));
  }

  @Test
  @DisplayName("the rate limit: an attack from many addresses gives one alert per min-interval, the rest held back and counted")
  void rateLimited() {
    SecurityAlerts alerts = alerts(AuditConfig.Alerts.DEFAULTS);
    try (CapturedLog log = new CapturedLog()) {
      for (int address = 0; address < 50; address++) {
        for (int i = 0; i < 100; i++) {
          alerts.accept(badToken("203.0.113." + address));
        }
      }
      assertEquals(1, alerts.raised(AlertKind.INVALID_TOKEN_BURST));
      assertEquals(49, alerts.heldBack(AlertKind.INVALID_TOKEN_BURST));
      assertEquals(1, warnings(log, AlertKind.INVALID_TOKEN_BURST));
      clock.addAndGet(301 * SECOND);
      for (int i = 0; i < 100; i++) {
        alerts.accept(badToken("203.0.113.200"));
      }
      assertEquals(2, alerts.raised(AlertKind.INVALID_TOKEN_BURST));
      assertTrue(log.text().contains("49 more alerts of this kind were held back"), log.text());
    }
  }

  @Test
  @DisplayName("refresh-token reuse and a retired key alert at once")
  void immediate() {
    SecurityAlerts alerts = alerts(AuditConfig.Alerts.DEFAULTS);
    alerts.accept(AuditEvent.now(AuditAction.AS_REFRESH_REUSE).client("app-1").failure("refresh_token_reused"));
    alerts.accept(AuditEvent.now(AuditAction.MCP_REQUEST).status(401).failure("key_retired"));
    assertEquals(1, alerts.raised(AlertKind.REFRESH_TOKEN_REUSE));
    assertEquals(1, alerts.raised(AlertKind.RETIRED_KEY));
    assertEquals("app-1", trail.get(0).clientId());
  }

  @Test
  @DisplayName("login brute force: failures from one address, or for one username from many")
  void loginBruteForce() {
    SecurityAlerts alerts = alerts(AuditConfig.Alerts.DEFAULTS);
    for (int i = 0; i < 20; i++) {
      alerts.accept(AuditEvent.now(AuditAction.AS_LOGIN).request("192.0.2." + i, "POST", "/login").user("alice")
          .failure("login_failed"));
    }
    assertEquals(1, alerts.raised(AlertKind.LOGIN_BRUTE_FORCE));
    assertTrue(trail.get(0).text().contains("username alice"), trail.get(0).text());
  }

  @Test
  @DisplayName("keys unreachable: only once failures have lasted the threshold; a success starts again")
  void keysUnreachable() {
    SecurityAlerts alerts = alerts(AuditConfig.Alerts.DEFAULTS);
    AuditEvent failed = AuditEvent.now(AuditAction.KEYS_FETCH).issuer("https://idp.example").failure("keys_fetch_failed");
    alerts.accept(failed);
    clock.addAndGet(9 * 60 * SECOND);
    alerts.accept(failed);
    assertEquals(0, alerts.raised(AlertKind.KEYS_UNREACHABLE));
    alerts.accept(AuditEvent.now(AuditAction.KEYS_FETCH).issuer("https://idp.example"));
    clock.addAndGet(2 * 60 * SECOND);
    alerts.accept(failed);
    assertEquals(0, alerts.raised(AlertKind.KEYS_UNREACHABLE), "the outage started again at the last success");
    clock.addAndGet(10 * 60 * SECOND);
    alerts.accept(failed);
    assertEquals(1, alerts.raised(AlertKind.KEYS_UNREACHABLE));
  }

  @Test
  @DisplayName("a threshold of 0 turns a detector off; alerts work without a trail")
  void offAndWithoutTrail() {
    SecurityAlerts alerts = new SecurityAlerts(new AuditConfig.Alerts(0, Duration.ofMinutes(1), 20, Duration.ofMinutes(5),
        Duration.ZERO, Duration.ofMinutes(5), 100), null, clock::get);
    for (int i = 0; i < 1000; i++) {
      alerts.accept(badToken("203.0.113.9"));
    }
    assertEquals(0, alerts.raised(AlertKind.INVALID_TOKEN_BURST));
    try (CapturedLog log = new CapturedLog()) {
      alerts.accept(AuditEvent.now(AuditAction.AS_REFRESH_REUSE).client("app-1").failure("refresh_token_reused"));
      assertEquals(1, alerts.raised(AlertKind.REFRESH_TOKEN_REUSE));
      assertEquals(1, warnings(log, AlertKind.REFRESH_TOKEN_REUSE));
    }
  }
}
