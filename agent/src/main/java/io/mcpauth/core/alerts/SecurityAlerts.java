package io.mcpauth.core.alerts;

import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.audit.AuditEvent;
import io.mcpauth.core.audit.AuditSink;
import io.mcpauth.core.config.AuditConfig;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.metrics.AgentMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The security alerts: detectors over the audit events, each raising one WARN line, one
 * {@code security.alert} event on the trail (when it is on) and one count of its kind. After an
 * alert, further ones of its kind are held back for {@code mcpauth.alerts.min-interval} and counted,
 * so an attack cannot flood the log; every detector tracks at most {@code mcpauth.alerts.max-tracked} keys.
 */
public final class SecurityAlerts implements AuditSink {

  /** The gate's code for a token without a kid it knows, among those its issuer had. */
  static final String KEY_RETIRED = "key_retired";

  private static final AlertKind[] KINDS = AlertKind.values();

  private final AuditConfig.Alerts settings;
  private final AuditSink trail;
  private final LongSupplier nanos;
  private final WindowCounts invalidByAddress;
  private final WindowCounts invalidByClient;
  private final WindowCounts loginByAddress;
  private final WindowCounts loginByUser;
  private final Map<String, Long> keysFailingSince;
  private final long[] lastRaised = new long[KINDS.length];
  private final boolean[] raisedOnce = new boolean[KINDS.length];
  private final long[] heldSinceLast = new long[KINDS.length];
  private final AtomicLongArray raised = new AtomicLongArray(KINDS.length);
  private final AtomicLongArray heldBack = new AtomicLongArray(KINDS.length);

  /** @param trail where alert events are written; null when the trail is off */
  public SecurityAlerts(AuditConfig.Alerts settings, AuditSink trail, LongSupplier nanos) {
    this.settings = settings;
    this.trail = trail;
    this.nanos = nanos;
    long invalidWindow = settings.invalidTokenWindow().toNanos();
    long loginWindow = settings.loginFailureWindow().toNanos();
    this.invalidByAddress = new WindowCounts(invalidWindow, settings.maxTracked());
    this.invalidByClient = new WindowCounts(invalidWindow, settings.maxTracked());
    this.loginByAddress = new WindowCounts(loginWindow, settings.maxTracked());
    this.loginByUser = new WindowCounts(loginWindow, settings.maxTracked());
    int maxIssuers = settings.maxTracked();
    this.keysFailingSince = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > maxIssuers;
      }
    };
  }

  /** Alerts of this kind raised (each one WARN line and one event). */
  public long raised(AlertKind kind) {
    return raised.get(kind.ordinal());
  }

  /** Alerts of this kind held back by the rate limit. */
  public long heldBack(AlertKind kind) {
    return heldBack.get(kind.ordinal());
  }

  @Override
  public void accept(AuditEvent event) {
    switch (event.action()) {
      case MCP_REQUEST -> {
        if (!event.success() && event.status() == 401 && !"token_missing".equals(event.reason())) {
          invalidToken(event);
        }
        if (KEY_RETIRED.equals(event.reason())) {
          raise(AlertKind.RETIRED_KEY, event, "a token from " + text(event.sourceIp())
              + " was signed by a key its issuer no longer publishes");
        }
      }
      case AS_TOKEN, AS_REFRESH -> {
        if ("invalid_grant".equals(event.reason()) || "invalid_client".equals(event.reason())) {
          invalidToken(event);
        }
      }
      case AS_REFRESH_REUSE -> raise(AlertKind.REFRESH_TOKEN_REUSE, event, "a refresh token of client "
          + text(event.clientId()) + " was used again from " + text(event.sourceIp()) + "; its grant is revoked");
      case AS_LOGIN -> {
        if ("login_failed".equals(event.reason())) {
          loginFailure(event);
        }
      }
      case KEYS_FETCH -> keysFetch(event);
      default -> {
        // registrations, consents, revocations and alerts raise nothing
      }
    }
  }

  private void invalidToken(AuditEvent event) {
    int threshold = settings.invalidTokens();
    if (threshold == 0) {
      return;
    }
    long now = nanos.getAsLong();
    if (event.sourceIp() != null && invalidByAddress.add(event.sourceIp(), now) >= threshold) {
      invalidByAddress.reset(event.sourceIp());
      raise(AlertKind.INVALID_TOKEN_BURST, event, threshold + " or more invalid tokens from " + text(event.sourceIp())
          + " within " + settings.invalidTokenWindow().toSeconds() + " s");
    }
    if (event.clientId() != null && invalidByClient.add(event.clientId(), now) >= threshold) {
      invalidByClient.reset(event.clientId());
      raise(AlertKind.INVALID_TOKEN_BURST, event, threshold + " or more invalid tokens for client "
          + text(event.clientId()) + " within " + settings.invalidTokenWindow().toSeconds() + " s");
    }
  }

  private void loginFailure(AuditEvent event) {
    int threshold = settings.loginFailures();
    if (threshold == 0) {
      return;
    }
    long now = nanos.getAsLong();
    if (event.sourceIp() != null && loginByAddress.add(event.sourceIp(), now) >= threshold) {
      loginByAddress.reset(event.sourceIp());
      raise(AlertKind.LOGIN_BRUTE_FORCE, event, threshold + " or more failed sign-ins from " + text(event.sourceIp())
          + " within " + settings.loginFailureWindow().toSeconds() + " s");
    }
    if (event.userId() != null && loginByUser.add(event.userId(), now) >= threshold) {
      loginByUser.reset(event.userId());
      raise(AlertKind.LOGIN_BRUTE_FORCE, event, threshold + " or more failed sign-ins for username "
          + text(event.userId()) + " within " + settings.loginFailureWindow().toSeconds() + " s");
    }
  }

  private void keysFetch(AuditEvent event) {
    long threshold = settings.keysUnreachable().toNanos();
    String issuer = event.issuer() == null ? "" : event.issuer();
    long now = nanos.getAsLong();
    long since;
    synchronized (keysFailingSince) {
      if (event.success()) {
        keysFailingSince.remove(issuer);
        return;
      }
      since = keysFailingSince.computeIfAbsent(issuer, unused -> now);
    }
    if (threshold > 0 && now - since >= threshold) {
      raise(AlertKind.KEYS_UNREACHABLE, event, "the keys of issuer " + text(issuer) + " have failed to load for "
          + (now - since) / 1_000_000_000L + " s");
    }
  }

  private void raise(AlertKind kind, AuditEvent cause, String text) {
    int k = kind.ordinal();
    long now = nanos.getAsLong();
    long held;
    synchronized (lastRaised) {
      if (raisedOnce[k] && now - lastRaised[k] < settings.minInterval().toNanos()) {
        heldSinceLast[k]++;
        heldBack.incrementAndGet(k);
        return;
      }
      raisedOnce[k] = true;
      lastRaised[k] = now;
      held = heldSinceLast[k];
      heldSinceLast[k] = 0;
    }
    raised.incrementAndGet(k);
    AgentMetrics.agent().alertRaised(kind.code());
    String line = held == 0 ? text : text + " (" + held + " more alerts of this kind were held back before this one)";
    AgentLog.warn("security alert {}: {}", kind.code(), line);
    if (trail != null) {
      trail.accept(AuditEvent.now(AuditAction.SECURITY_ALERT)
          .failure(kind.code())
          .alert(kind.code(), line)
          .request(cause.sourceIp(), null, null)
          .caller(cause.userId(), cause.clientId(), cause.issuer(), null));
    }
  }

  private static String text(String value) {
    return value == null ? "(unknown)" : LogText.printable(value);
  }
}
