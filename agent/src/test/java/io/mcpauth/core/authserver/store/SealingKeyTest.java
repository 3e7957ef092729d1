package io.mcpauth.core.authserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealingKeyTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("a sealed secret opens for its grant only, survives a restart, and is not in the file in clear")
  void seals() throws Exception {
    DataDirectory data = DataDirectory.open(dir.resolve("data"));
    SealingKey key = SealingKey.open(data);
    String sealed = key.seal("upstream-refresh-token-123", "grant-1");
    assertFalse(sealed.contains("upstream-refresh-token-123"));
    assertEquals("upstream-refresh-token-123", key.open(sealed, "grant-1"));
    assertNull(key.open(sealed, "grant-2"));
    String tampered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BB" : "AA");
    assertNull(key.open(tampered, "grant-1"));
    assertEquals("upstream-refresh-token-123", SealingKey.open(data).open(sealed, "grant-1"));
    assertFalse(Files.readString(dir.resolve("data/sealing-key.json")).isEmpty());
  }
}
