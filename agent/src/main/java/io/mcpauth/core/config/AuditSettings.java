package io.mcpauth.core.config;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.text.Ascii;
import java.nio.file.Path;
import java.time.Duration;

/** The {@code mcpauth.audit.*} and {@code mcpauth.alerts.*} part of {@link ConfigParser}. */
final class AuditSettings {

  private final ConfigParser parser;

  AuditSettings(ConfigParser parser) {
    this.parser = parser;
  }

  AuditConfig parse() {
    String file = ConfigParser.blankToNull(parser.sources.get(ConfigKey.AUDIT_FILE));
    Path path = file == null || file.equals("-") ? null : ConfigParser.path(file);
    String overflow = Ascii.toLowerCase(Ascii.trim(parser.sources.get(ConfigKey.AUDIT_ON_OVERFLOW)));
    if (!overflow.equals("block") && !overflow.equals("drop")) {
      parser.errors.add(ConfigKey.AUDIT_ON_OVERFLOW.key() + " must be block or drop, not '" + LogText.printable(overflow) + "'");
    }
    int queueSize = parser.integer(ConfigKey.AUDIT_QUEUE_SIZE, 16, 1 << 20);
    long maxSize = size(ConfigKey.AUDIT_MAX_SIZE, 4096, 1L << 40);
    int maxFiles = parser.integer(ConfigKey.AUDIT_MAX_FILES, 1, 1000);
    AuditConfig.Alerts alerts = new AuditConfig.Alerts(
        parser.integer(ConfigKey.ALERTS_INVALID_TOKENS, 0, 100_000_000),
        parser.duration(ConfigKey.ALERTS_INVALID_TOKENS_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
        parser.integer(ConfigKey.ALERTS_LOGIN_FAILURES, 0, 100_000_000),
        parser.duration(ConfigKey.ALERTS_LOGIN_FAILURES_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
        parser.duration(ConfigKey.ALERTS_KEYS_UNREACHABLE, Duration.ZERO, Duration.ofDays(30)),
        parser.duration(ConfigKey.ALERTS_MIN_INTERVAL, Duration.ZERO, Duration.ofDays(1)),
        parser.integer(ConfigKey.ALERTS_MAX_TRACKED, 16, 10_000_000));
    return new AuditConfig(file != null, path, overflow.equals("drop"), queueSize, maxSize, maxFiles, alerts);
  }

  /** A size in bytes, with an optional k, m or g (binary) suffix. */
  private long size(ConfigKey key, long min, long max) {
    String value = Ascii.toLowerCase(Ascii.trim(parser.sources.get(key)));
    int shift = value.endsWith("k") ? 10 : value.endsWith("m") ? 20 : value.endsWith("g") ? 30 : 0;
    long amount = Ascii.parseDecimal(shift == 0 ? value : value.substring(0, value.length() - 1), 12);
    if (amount < 0) {
      parser.errors.add(key.key() + " must be a size such as 1048576, 512k, 100m or 1g, not '" + LogText.printable(value) + "'");
      return min;
    }
    long bytes = amount << shift;
    if (bytes < min || bytes > max) {
      parser.errors.add(key.key() + " must lie between " + min + " and " + max + " bytes, not " + value);
      return min;
    }
    return bytes;
  }
}
