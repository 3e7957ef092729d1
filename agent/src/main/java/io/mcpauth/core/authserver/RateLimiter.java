package io.mcpauth.core.authserver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts events per key (an address, an account) in fixed windows and says when a key is over its
 * limit. Bounded: when more keys than {@link #MAX_KEYS} are live, new keys are refused (fail closed)
 * until old windows expire; or, for a limiter made by {@link #forgettingOldest}, the oldest window
 * is forgotten to count the new key.
 */
final class RateLimiter {

  static final int MAX_KEYS = 50_000;

  private record Window(long start, int count) {}

  private final int limit;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final int maxKeys;
  private final boolean forgetsOldest;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  RateLimiter(int limit, java.time.Duration window, LongSupplier nanoTime) {
    this(limit, window, nanoTime, MAX_KEYS, false);
  }

  RateLimiter(int limit, java.time.Duration window, LongSupplier nanoTime, int maxKeys, boolean forgetsOldest) {
    this.limit = limit;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
    this.maxKeys = maxKeys;
    this.forgetsOldest = forgetsOldest;
  }

  /**
   * A limiter that never refuses a key for want of room: only for a limit that a coarser one, which
   * fails closed, bounds anyway (a forgotten key can do no more than the coarser limit allows), so
   * that filling the table does not lock everybody out.
   */
  static RateLimiter forgettingOldest(int limit, java.time.Duration window, LongSupplier nanoTime, int maxKeys) {
    return new RateLimiter(limit, window, nanoTime, maxKeys, true);
  }

  /** True when {@code key} has already used its allowance in the current window. */
  boolean exhausted(String key) {
    Window window = windows.get(key);
    return window != null && nanoTime.getAsLong() - window.start < windowNanos && window.count >= limit
        || window == null && !forgetsOldest && windows.size() >= maxKeys && !sweep();
  }

  /** The events counted for {@code key} in its current window. */
  int count(String key) {
    Window window = windows.get(key);
    return window == null || nanoTime.getAsLong() - window.start >= windowNanos ? 0 : window.count;
  }

  /** Counts one event; returns false when it goes over the limit. */
  boolean record(String key) {
    if (!roomFor(key)) {
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

  private boolean roomFor(String key) {
    if (windows.size() < maxKeys || sweep()) {
      return true;
    }
    return forgetsOldest && (windows.containsKey(key) || forgetOldest());
  }

  private synchronized boolean sweep() {
    long now = nanoTime.getAsLong();
    windows.values().removeIf(w -> now - w.start >= windowNanos);
    return windows.size() < maxKeys;
  }

  /** A scan of the table, but only for a new key on a full table, once per counted failure. */
  private synchronized boolean forgetOldest() {
    windows.entrySet().stream().min(java.util.Comparator.comparingLong(e -> e.getValue().start))
        .ifPresent(oldest -> windows.remove(oldest.getKey(), oldest.getValue()));
    return true;
  }
}
