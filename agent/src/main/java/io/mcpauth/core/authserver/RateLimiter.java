package io.mcpauth.core.authserver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts events per key (an address, an account) in fixed windows and says when a key is over its
 * limit. Bounded: when more keys than {@link #MAX_KEYS} are live, new keys are refused (fail closed)
 * until old windows expire.
 */
final class RateLimiter {

  private static final int MAX_KEYS = 50_000;

  private record Window(long start, int count) {}

  private final int limit;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  RateLimiter(int limit, java.time.Duration window, LongSupplier nanoTime) {
    this.limit = limit;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  /** True when {@code key} has already used its allowance in the current window. */
  boolean exhausted(String key) {
    Window window = windows.get(key);
    return window != null && nanoTime.getAsLong() - window.start < windowNanos && window.count >= limit
        || window == null && windows.size() >= MAX_KEYS && !sweep();
  }

  /** The events counted for {@code key} in its current window. */
  int count(String key) {
    Window window = windows.get(key);
    return window == null || nanoTime.getAsLong() - window.start >= windowNanos ? 0 : window.count;
  }

  /** Counts one event; returns false when it goes over the limit. */
  boolean record(String key) {
    if (windows.size() >= MAX_KEYS && !sweep()) {
      return false;
    }
    long now = nanoTime.getAsLong();
    Window window = windows.compute(key, (k, w) ->
        w == null || now - w.start >= windowNanos ? new Window(now, 1) : new Window(w.start, w.count + 1));
    return window.count <= limit;
  }

  void reset(String key) {
    windows.remove(key);
  }

  /** Seconds until {@code key}'s window ends, for Retry-After. */
  long retryAfterSeconds(String key) {
    Window window = windows.get(key);
    if (window == null) {
      return 1;
    }
    return Math.max(1, (windowNanos - (nanoTime.getAsLong() - window.start)) / 1_000_000_000L);
  }

  private synchronized boolean sweep() {
    long now = nanoTime.getAsLong();
    windows.values().removeIf(w -> now - w.start >= windowNanos);
    return windows.size() < MAX_KEYS;
  }
}
