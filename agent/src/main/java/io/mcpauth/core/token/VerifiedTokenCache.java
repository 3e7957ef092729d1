package io.mcpauth.core.token;

import io.mcpauth.core.metrics.AgentMetrics;
import io.mcpauth.core.denial.ReasonCode;
import java.time.Clock;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Remembers verified tokens so a repeated token skips parsing and signature checks. Entries are
 * keyed by the SHA-256 of the token (the token itself is never stored), live no longer than the
 * token's {@code exp}, are bounded in number, and are re-checked against revocation on every hit.
 */
public final class VerifiedTokenCache {

  private static final AgentMetrics METRICS = AgentMetrics.agent();

  /** Revocation as seen by the cache; an embedded authorization server supplies a real one. */
  public interface Revocations {
    Revocations NONE = token -> false;

    boolean isRevoked(VerifiedToken token);
  }

  private final ConcurrentHashMap<TokenDigest, VerifiedToken> entries = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final Clock clock;
  private final Revocations revocations;
  private long lastSweepSecond = Long.MIN_VALUE;
  private Iterator<TokenDigest> evictionCursor = Collections.emptyIterator();

  public VerifiedTokenCache(int maxEntries, Clock clock, Revocations revocations) {
    this.maxEntries = maxEntries;
    this.clock = clock;
    this.revocations = revocations;
  }

  /** {@code verifier} with this cache in front of it. */
  public AccessTokenVerifier inFrontOf(AccessTokenVerifier verifier) {
    return (token, mayWait) -> verify(token, verifier, mayWait);
  }

  /** The verified token, from the cache or from {@code verifier}. */
  public VerifiedToken verify(String token, AccessTokenVerifier verifier) throws TokenRejectedException {
    return verify(token, verifier, true);
  }

  /** @param mayWait false on a thread that must never block; see {@link AccessTokenVerifier#verify} */
  public VerifiedToken verify(String token, AccessTokenVerifier verifier, boolean mayWait) throws TokenRejectedException {
    if (maxEntries == 0) {
      METRICS.tokenCacheMiss();
      return checkRevoked(verifier.verify(token, mayWait));
    }
    TokenDigest key = TokenDigest.of(token);
    VerifiedToken cached = entries.get(key);
    long now = clock.instant().getEpochSecond();
    if (cached != null) {
      if (now < cached.expiresAtEpochSecond() && !revocations.isRevoked(cached)) {
        METRICS.tokenCacheHit();
        return cached;
      }
      entries.remove(key, cached);
    }
    METRICS.tokenCacheMiss();
    VerifiedToken verified = checkRevoked(verifier.verify(token, mayWait));
    if (now < verified.expiresAtEpochSecond() && (entries.size() < maxEntries || makeRoom(now))) {
      entries.put(key, verified);
    }
    return verified;
  }

  /** Drops every entry the predicate matches, e.g. all tokens of a revoked grant. */
  public void invalidate(Predicate<VerifiedToken> revoked) {
    entries.values().removeIf(revoked);
  }

  public int size() {
    return entries.size();
  }

  private VerifiedToken checkRevoked(VerifiedToken token) throws TokenRejectedException {
    if (revocations.isRevoked(token)) {
      throw new TokenRejectedException(ReasonCode.TOKEN_REVOKED, "token revoked");
    }
    return token;
  }

  /**
   * Makes room for one more entry: drops expired entries (a sweep at most once a second), and when
   * every entry is still live, the next entry after the previous eviction, so that new callers are
   * not locked out of the cache until old tokens expire.
   *
   * <p>The cursor survives between calls because a new iterator starts at the table's first bin:
   * once evictions have emptied the front of the table, each new iterator walked thousands of empty
   * bins, about 44 us per request with 10,000 entries and a new token on every request. Resumed,
   * a full pass over the table is shared by as many evictions as there are entries.
   */
  private synchronized boolean makeRoom(long now) {
    if (entries.size() < maxEntries) {
      return true;
    }
    if (lastSweepSecond != now) {
      lastSweepSecond = now;
      entries.values().removeIf(t -> t.expiresAtEpochSecond() <= now);
    }
    while (entries.size() >= maxEntries) {
      if (!evictionCursor.hasNext()) {
        evictionCursor = entries.keySet().iterator();
        if (!evictionCursor.hasNext()) {
          break;
        }
      }
      evictionCursor.next();
      evictionCursor.remove();
    }
    return entries.size() < maxEntries;
  }
}
