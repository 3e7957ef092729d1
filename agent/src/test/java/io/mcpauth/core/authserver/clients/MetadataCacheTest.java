package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** AS-C7: the document cache is bounded and expires entries by nanoTime difference. */
class MetadataCacheTest {

  private static final ClientMetadata METADATA = new ClientMetadata(List.of("https://a.example/cb"), "A", List.of("authorization_code"),
      List.of("code"), "none", null, "web", null, null);

  @DisplayName("bounded: a flood of distinct URLs evicts the least recently used entry")
  @Test
  void bounded() {
    MetadataCache cache = new MetadataCache(ClientMetadataDocuments.MAX_CACHED_DOCUMENTS);
    for (int i = 0; i < 5000; i++) {
      cache.put("https://c.example/" + i, METADATA, 1_000);
      if (i == 10) {
        assertNotNull(cache.get("https://c.example/0", 0)); // recently used: kept longer
      }
    }
    assertEquals(1000, cache.size());
    assertNull(cache.get("https://c.example/1", 0));
    assertNotNull(cache.get("https://c.example/4999", 0));
  }

  @DisplayName("expiry compares by difference, so it survives nanoTime wrapping around")
  @Test
  void expiryAcrossWraparound() {
    MetadataCache cache = new MetadataCache(10);
    long now = Long.MAX_VALUE - 5;
    cache.put("u", METADATA, now + 10); // wraps to a negative number
    assertNotNull(cache.get("u", now));
    assertNotNull(cache.get("u", now + 9));
    assertNull(cache.get("u", now + 10));
    assertEquals(0, cache.size(), "an expired entry is dropped when found");
  }
}
