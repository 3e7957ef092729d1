package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration reference is the table rendered from {@link ConfigKey}: it cannot drift. */
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
  void readmeShowsEveryKeyExactlyAsTheAgentReadsIt() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String expected = table();
    assertTrue(readme.contains(expected), "README.md must contain this configuration table:\n" + expected);
  }
}
