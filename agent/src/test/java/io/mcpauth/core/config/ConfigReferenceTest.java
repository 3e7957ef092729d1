package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.mcpauth.docs.GeneratedSection;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's reference table is the table rendered from {@link ConfigKey}: it cannot drift. */
class ConfigReferenceTest {

  static String table() {
    StringBuilder table = new StringBuilder("| key | environment variable | default | meaning |\n|---|---|---|---|\n");
    for (ConfigKey key : ConfigKey.values()) {
      table.append("| `").append(key.key()).append("` | ").append(key.environmentVariable() == null ? "(none)" : "`" + key.environmentVariable() + "`").append(" | ")
          .append(key.defaultValue() == null || key.defaultValue().isEmpty() ? "" : "`" + key.defaultValue() + "`")
          .append(" | ").append(key.description()).append(" |\n");
    }
    return table.toString();
  }

  @Test
  void docsShowEveryKeyExactlyAsTheAgentReadsIt() throws IOException {
    String stale = GeneratedSection.of(Path.of("..", "docs", "configuration.md"), "ConfigKey").staleness(table());
    assertNull(stale, stale);
  }
}
