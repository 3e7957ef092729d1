package io.mcpauth.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code mcpauth.audit.*} and {@code mcpauth.alerts.*} settings.
 *
 * @param file the trail's file; null for standard output ({@code -}); unused when {@code on} is false
 * @param on whether the trail is written
 * @param drop on a full queue: drop the event (and count it) instead of making the request wait
 */
public record AuditConfig(boolean on, Path file, boolean drop, int queueSize, long maxSizeBytes, int maxFiles,
    Alerts alerts) {

  /** The trail off, alerts at their defaults. */
  public static final AuditConfig OFF = new AuditConfig(false, null, false, 8192, 100L << 20, 5, Alerts.DEFAULTS);

  /**
   * The detectors' settings. A threshold of 0 turns its detector off.
   *
   * @param invalidTokens invalid tokens from one address (or for one client) within {@code invalidTokenWindow}
   * @param loginFailures failed sign-ins from one address (or for one username) within {@code loginFailureWindow}
   * @param keysUnreachable how long an issuer's keys may fail to load before it is an alert; zero: never
   * @param minInterval after an alert, further ones of its kind are held back (and counted) this long
   * @param maxTracked addresses, clients and usernames each detector tracks at most (least recently seen go first)
   */
  public record Alerts(int invalidTokens, Duration invalidTokenWindow, int loginFailures, Duration loginFailureWindow,
      Duration keysUnreachable, Duration minInterval, int maxTracked) {

    public static final Alerts DEFAULTS = new Alerts(100, Duration.ofMinutes(1), 20, Duration.ofMinutes(5),
        Duration.ofMinutes(10), Duration.ofMinutes(5), 10_000);
  }
}
