package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The mcpauth.audit.* and mcpauth.alerts.* settings. */
class AuditSettingsTest {

  private static AgentConfig parse(String... keyValues) throws InvalidConfigException {
    Properties properties = new Properties();
    properties.setProperty("mcpauth.issuer", "https://as.example.com");
    properties.setProperty("mcpauth.resource", "https://mcp.example.com/mcp");
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return ConfigParser.parse(ConfigSources.of(properties, Map.of()));
  }

  @Test
  @DisplayName("defaults: the trail off, block on overflow, 100 MiB files, 5 kept, alerts on")
  void defaults() throws Exception {
    AuditConfig audit = parse().audit();
    assertFalse(audit.on());
    assertFalse(audit.drop());
    assertEquals(100L << 20, audit.maxSizeBytes());
    assertEquals(5, audit.maxFiles());
    assertEquals(AuditConfig.Alerts.DEFAULTS, audit.alerts());
  }

  @Test
  @DisplayName("a file, or - for standard output; drop, sizes with a suffix, alert settings")
  void set() throws Exception {
    AuditConfig file = parse("mcpauth.audit.file", "/var/log/mcp/audit.log", "mcpauth.audit.on-overflow", "DROP",
        "mcpauth.audit.max-size", "512k", "mcpauth.audit.max-files", "2", "mcpauth.alerts.invalid-tokens", "10",
        "mcpauth.alerts.invalid-tokens.window", "30s").audit();
    assertTrue(file.on());
    assertEquals(Path.of("/var/log/mcp/audit.log"), file.file());
    assertTrue(file.drop());
    assertEquals(512 * 1024, file.maxSizeBytes());
    assertEquals(2, file.maxFiles());
    assertEquals(10, file.alerts().invalidTokens());
    assertEquals(Duration.ofSeconds(30), file.alerts().invalidTokenWindow());
    AuditConfig stdout = parse("mcpauth.audit.file", "-").audit();
    assertTrue(stdout.on());
    assertNull(stdout.file());
  }

  @ParameterizedTest
  @CsvSource({
      "mcpauth.audit.on-overflow, wait",
      "mcpauth.audit.max-size, 10x",
      "mcpauth.audit.max-size, 1",
      "mcpauth.audit.max-files, 0",
      "mcpauth.audit.queue-size, many",
      "mcpauth.alerts.invalid-tokens, -1",
      "mcpauth.alerts.min-interval, soon",
      "mcpauth.alerts.max-tracked, 1"})
  @DisplayName("a bad value stops the start with a line naming the property")
  void badValues(String key, String value) {
    InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> parse(key, value));
    assertTrue(refused.getMessage().contains(key), refused.getMessage());
  }
}
