package io.mcpauth.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/** What one issuer's key fetches did: counts by outcome, the keys last loaded, and when. */
public final class JwksStats {

  final LongAdder successes = new LongAdder();
  final LongAdder failures = new LongAdder();
  volatile int keys;
  /** Epoch milliseconds of the last successful fetch; 0 before the first. */
  volatile long lastSuccessMillis;

  public void fetched(int keyCount, long epochMillis) {
    successes.increment();
    keys = keyCount;
    lastSuccessMillis = epochMillis;
  }

  public void failed() {
    failures.increment();
  }
}
