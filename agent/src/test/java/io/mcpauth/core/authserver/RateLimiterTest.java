package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Fixed windows, and what a full table does, on a clock the test moves. */
class RateLimiterTest {

  private static final Duration WINDOW = Duration.ofMinutes(15);

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

  @Test
  @DisplayName("a key over its limit is exhausted until its window ends; count reports the current window")
  void windows() {
    RateLimiter limiter = new RateLimiter(2, WINDOW, nanos::get);
    assertTrue(limiter.record("a"));
    assertTrue(limiter.record("a"));
    assertEquals(2, limiter.count("a"));
    assertTrue(limiter.exhausted("a"));
    assertFalse(limiter.record("a"));
    assertFalse(limiter.exhausted("b"));
    nanos.addAndGet(WINDOW.toNanos());
    assertFalse(limiter.exhausted("a"));
    assertEquals(0, limiter.count("a"));
  }

  @Test
  @DisplayName("full of live windows: the default limiter refuses new keys (fail closed)")
  void fullFailsClosed() {
    RateLimiter limiter = new RateLimiter(5, WINDOW, nanos::get, 3, false);
    for (String key : new String[] {"a", "b", "c"}) {
      limiter.record(key);
    }
    assertTrue(limiter.exhausted("d"));
    assertFalse(limiter.record("d"));
    nanos.addAndGet(WINDOW.toNanos());
    assertFalse(limiter.exhausted("d"), "room again once the windows end");
  }

  @Test
  @DisplayName("full of live windows: a forgetting limiter counts the new key and forgets the oldest window")
  void fullForgetsOldest() {
    RateLimiter limiter = RateLimiter.forgettingOldest(2, WINDOW, nanos::get, 3);
    limiter.record("a");
    limiter.record("a");
    nanos.addAndGet(1);
    limiter.record("b");
    limiter.record("c");
    assertTrue(limiter.exhausted("a"));
    assertFalse(limiter.exhausted("d"), "a new key is not refused for want of room");
    assertTrue(limiter.record("d"));
    assertEquals(1, limiter.count("d"));
    assertEquals(0, limiter.count("a"), "the oldest window was forgotten");
    assertEquals(1, limiter.count("b"));
    assertTrue(limiter.record("b"), "a key already counted is counted on without forgetting anyone");
    assertEquals(1, limiter.count("c"));
    assertEquals(1, limiter.count("d"));
  }
}
