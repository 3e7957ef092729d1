package io.mcpauth.core.authserver.enterprise;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Single use of an assertion's {@code jti}, per issuer, until the assertion expires (plus the
 * clock skew it was judged with). In memory and bounded, as authorization codes are: after a
 * restart an unexpired assertion could be redeemed once more, within its few minutes. A full table
 * refuses every new assertion rather than forget a live one.
 */
public final class AssertionReplay {

  private final int capacity;
  private final long skewSeconds;
  /** Key: issuer, a NUL, jti. Value: when the entry may be forgotten. */
  private final Map<String, Long> seen = new LinkedHashMap<>();

  public AssertionReplay(int capacity, long skewSeconds) {
    this.capacity = capacity;
    this.skewSeconds = skewSeconds;
  }

  /** Records the assertion; false when it was seen before, or when the table is full of live ones. */
  public synchronized boolean firstUse(String issuer, String jti, long expiresAt, long now) {
    if (seen.size() >= capacity) {
      forgetExpired(now);
    }
    String key = issuer + '\0' + jti;
    if (seen.containsKey(key) || seen.size() >= capacity) {
      return false;
    }
    seen.put(key, expiresAt + skewSeconds);
    return true;
  }

  synchronized int size() {
    return seen.size();
  }

  /**
   * Only a full table is swept: an expired entry left in it refuses nothing that the assertion's own
   * {@code exp} does not refuse anyway.
   */
  private void forgetExpired(long now) {
    for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
      if (it.next() < now) {
        it.remove();
      }
    }
  }
}
