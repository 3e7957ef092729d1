package io.mcpauth.core.alerts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts per key (an address, a client, a username) over a sliding window, estimated from two
 * fixed buckets: the current one, and the previous one weighted by how much of it the window still
 * covers. Three numbers per key, and at most {@code maxKeys} keys: the least recently counted are
 * forgotten first, so an attack from many addresses cannot grow it.
 */
final class WindowCounts {

  private final long windowNanos;
  private final int maxKeys;
  private final LinkedHashMap<String, Window> windows;

  private static final class Window {
    long start;
    long current;
    long previous;
  }

  WindowCounts(long windowNanos, int maxKeys) {
    this.windowNanos = windowNanos;
    this.maxKeys = maxKeys;
    this.windows = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
        return size() > WindowCounts.this.maxKeys;
      }
    };
  }

  /** Counts one event for {@code key} at {@code now}; returns the count within the window ending now. */
  synchronized long add(String key, long now) {
    Window window = windows.get(key);
    if (window == null) {
      window = new Window();
      window.start = now;
      windows.put(key, window);
    }
    long elapsed = now - window.start;
    if (elapsed >= 2 * windowNanos) {
      window.previous = 0;
      window.current = 0;
      window.start = now;
    } else if (elapsed >= windowNanos) {
      window.previous = window.current;
      window.current = 0;
      window.start += windowNanos;
    }
    window.current++;
    double previousShare = 1.0 - (double) (now - window.start) / windowNanos;
    return window.current + (long) Math.floor(window.previous * previousShare);
  }

  /** Forgets {@code key}: after an alert, its count starts again. */
  synchronized void reset(String key) {
    windows.remove(key);
  }

  synchronized int size() {
    return windows.size();
  }
}
