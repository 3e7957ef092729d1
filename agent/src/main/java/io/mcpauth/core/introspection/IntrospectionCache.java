package io.mcpauth.core.introspection;

import io.mcpauth.core.token.TokenDigest;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.VerifiedToken;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Introspection results, remembered by the SHA-256 of the token (never the token) until a deadline
 * the caller sets: for an active token no later than its {@code exp} and the configured TTL. Active
 * and refused tokens are kept apart, each map bounded on its own, so that a flood of random tokens
 * can fill the refused side but never push a live caller's entry out.
 */
final class IntrospectionCache {

  private final Bounded<VerifiedToken> active;
  private final Bounded<TokenRejectedException> refused;

  IntrospectionCache(int maxEntriesEach) {
    this.active = new Bounded<>(maxEntriesEach);
    this.refused = new Bounded<>(maxEntriesEach);
  }

  /** The token the server said was active, while that answer may be reused; else null. */
  VerifiedToken active(TokenDigest key, long nowMillis) {
    return active.get(key, nowMillis);
  }

  /** Why the token was refused, while that answer may be reused; else null. */
  TokenRejectedException refusal(TokenDigest key, long nowMillis) {
    return refused.get(key, nowMillis);
  }

  void rememberActive(TokenDigest key, VerifiedToken token, long untilMillis, long nowMillis) {
    active.put(key, token, untilMillis, nowMillis);
  }

  void rememberRefused(TokenDigest key, TokenRejectedException reason, long untilMillis, long nowMillis) {
    refused.put(key, reason, untilMillis, nowMillis);
  }

  int size() {
    return active.entries.size() + refused.entries.size();
  }

  private static final class Bounded<V> {

    private record Entry<V>(V value, long untilMillis) {}

    private final ConcurrentHashMap<TokenDigest, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private long lastSweepSecond = Long.MIN_VALUE;

    Bounded(int maxEntries) {
      this.maxEntries = maxEntries;
    }

    V get(TokenDigest key, long nowMillis) {
      Entry<V> entry = entries.get(key);
      if (entry == null) {
        return null;
      }
      if (nowMillis < entry.untilMillis()) {
        return entry.value();
      }
      entries.remove(key, entry);
      return null;
    }

    void put(TokenDigest key, V value, long untilMillis, long nowMillis) {
      if (nowMillis < untilMillis && (entries.size() < maxEntries || makeRoom(nowMillis))) {
        entries.put(key, new Entry<>(value, untilMillis));
      }
    }

    /** Drops expired entries (a sweep at most once a second), then arbitrary ones, until one more fits. */
    private synchronized boolean makeRoom(long nowMillis) {
      if (maxEntries == 0) {
        return false;
      }
      long second = nowMillis / 1000;
      if (lastSweepSecond != second) {
        lastSweepSecond = second;
        entries.values().removeIf(entry -> entry.untilMillis() <= nowMillis);
      }
      Iterator<TokenDigest> keys = entries.keySet().iterator();
      while (entries.size() >= maxEntries && keys.hasNext()) {
        keys.next();
        keys.remove();
      }
      return entries.size() < maxEntries;
    }
  }
}
