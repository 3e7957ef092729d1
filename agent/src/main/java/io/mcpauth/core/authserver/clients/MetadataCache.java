package io.mcpauth.core.authserver.clients;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fetched metadata documents by URL until they expire, at most {@code maxEntries} of them: beyond
 * that the least recently used goes, so a flood of distinct client_id URLs cannot grow the heap.
 * Times are {@link System#nanoTime()}-style readings, compared by difference.
 */
final class MetadataCache {

  private record Entry(ClientMetadata metadata, long expiresAtNanos) {}

  private final Map<String, Entry> entries;

  MetadataCache(int maxEntries) {
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The metadata cached for {@code url} that is still fresh at {@code nowNanos}, or null. */
  synchronized ClientMetadata get(String url, long nowNanos) {
    Entry entry = entries.get(url);
    if (entry == null) {
      return null;
    }
    if (nowNanos - entry.expiresAtNanos() >= 0) {
      entries.remove(url);
      return null;
    }
    return entry.metadata();
  }

  synchronized void put(String url, ClientMetadata metadata, long expiresAtNanos) {
    entries.put(url, new Entry(metadata, expiresAtNanos));
  }

  synchronized int size() {
    return entries.size();
  }
}
