package io.mcpauth.core.token;

import static io.mcpauth.core.token.TestTokens.NOW;
import static io.mcpauth.core.token.TestTokens.claims;
import static io.mcpauth.core.token.TestTokens.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.token.TestTokens.CountingKeySource;
import io.mcpauth.core.token.TestTokens.MutableClock;
import io.mcpauth.core.token.TestTokens.Signer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** VerifiedTokenCache: hits skip the verifier, never outlive exp or a revocation, and stay bounded. */
class VerifiedTokenCacheTest {

  private final Signer signer = TestTokens.ec();
  private final CountingKeySource keys = TestTokens.keys(signer.publicJwk());
  private final MutableClock clock = new MutableClock(NOW);
  /** No skew, so "past exp" means rejected by the verifier too. */
  private final TokenVerifier verifier = new TokenVerifier(TestTokens.config("mcpauth.clock-skew", "0s"), keys, clock);
  private final Set<String> revokedJtis = ConcurrentHashMap.newKeySet();
  private final VerifiedTokenCache.Revocations revocations = token -> revokedJtis.contains(token.jti());

  /** How often the verifier really ran: every verify of a kid-bearing token reads the key source once. */
  private int verifierRuns() {
    return keys.currentCalls.get();
  }

  private String token(String jti, long expiresIn) {
    return signer.mint(with(claims(), "jti", jti, "sub", "sub-" + jti, "exp", clock.instant().getEpochSecond() + expiresIn));
  }

  @Test
  @DisplayName("a hit returns the cached token without running the verifier")
  void hitSkipsVerifier() throws Exception {
    VerifiedTokenCache cache = new VerifiedTokenCache(100, clock, revocations);
    String token = token("a", 300);
    VerifiedToken first = cache.verify(token, verifier);
    assertEquals(1, verifierRuns());
    assertSame(first, cache.verify(token, verifier));
    assertSame(first, cache.verify(token, verifier));
    assertEquals(1, verifierRuns());
    assertEquals(1, cache.size());
    cache.verify(token("b", 300), verifier);
    assertEquals(2, verifierRuns(), "another token is a miss");
  }

  @Test
  @DisplayName("an entry is never served at or after exp")
  void neverAfterExp() throws Exception {
    VerifiedTokenCache cache = new VerifiedTokenCache(100, clock, revocations);
    String token = token("a", 300);
    cache.verify(token, verifier);
    clock.advanceSeconds(299);
    cache.verify(token, verifier);
    assertEquals(1, verifierRuns(), "still cached one second before exp");
    clock.advanceSeconds(1);
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> cache.verify(token, verifier));
    assertTrue(e.getMessage().contains("expired"));
    assertEquals(2, verifierRuns(), "at exp the verifier decides again");
    assertEquals(0, cache.size());
  }

  @Test
  @DisplayName("a token that is within the skew but past exp is verified but not cached")
  void pastExpWithinSkewNotCached() throws Exception {
    TokenVerifier skewed = new TokenVerifier(TestTokens.config(), keys, clock);
    VerifiedTokenCache cache = new VerifiedTokenCache(100, clock, revocations);
    String token = token("a", -10);
    cache.verify(token, skewed);
    cache.verify(token, skewed);
    assertEquals(2, verifierRuns());
    assertEquals(0, cache.size());
  }

  @Test
  @DisplayName("revocation is checked on every hit and before caching")
  void revoked() throws Exception {
    VerifiedTokenCache cache = new VerifiedTokenCache(100, clock, revocations);
    String token = token("a", 300);
    cache.verify(token, verifier);
    revokedJtis.add("a");
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> cache.verify(token, verifier));
    assertTrue(e.getMessage().contains("revoked"));
    assertEquals(0, cache.size(), "the revoked entry is dropped");
    String revokedFromStart = token("b", 300);
    revokedJtis.add("b");
    assertThrows(TokenRejectedException.class, () -> cache.verify(revokedFromStart, verifier));
    assertEquals(0, cache.size(), "a revoked token is never cached");
  }

  @Test
  @DisplayName("the cache holds at most N entries even with 3N distinct valid tokens")
  void sizeBound() throws Exception {
    int max = 5;
    VerifiedTokenCache cache = new VerifiedTokenCache(max, clock, revocations);
    for (int i = 0; i < 3 * max; i++) {
      String token = token("t" + i, 300);
      assertEquals("t" + i, cache.verify(token, verifier).jti(), "every token still verifies");
      assertTrue(cache.size() <= max, "size " + cache.size() + " after " + (i + 1) + " tokens");
      clock.advanceSeconds(1); // a sweep may run each second
    }
    assertEquals(max, cache.size());
    assertEquals(3 * max, verifierRuns());
  }

  @Test
  @DisplayName("a full cache makes room by dropping expired entries")
  void expiredEntriesMakeRoom() throws Exception {
    VerifiedTokenCache cache = new VerifiedTokenCache(3, clock, revocations);
    for (int i = 0; i < 3; i++) {
      cache.verify(token("old" + i, 100), verifier);
    }
    assertEquals(3, cache.size());
    clock.advanceSeconds(101);
    String fresh = token("fresh", 300);
    VerifiedToken verified = cache.verify(fresh, verifier);
    assertEquals(1, cache.size());
    int runs = verifierRuns();
    assertSame(verified, cache.verify(fresh, verifier));
    assertEquals(runs, verifierRuns(), "the fresh token was cached");
  }

  @Test
  @DisplayName("a full cache of live tokens still admits a new caller, evicting another entry")
  void liveEntriesDoNotLockOutNewCallers() throws Exception {
    VerifiedTokenCache cache = new VerifiedTokenCache(3, clock, revocations);
    for (int i = 0; i < 3; i++) {
      cache.verify(token("live" + i, 3000), verifier);
    }
    String newcomer = token("new", 3000);
    VerifiedToken verified = cache.verify(newcomer, verifier);
    assertEquals(3, cache.size());
    int runs = verifierRuns();
    assertSame(verified, cache.verify(newcomer, verifier));
    assertEquals(runs, verifierRuns(), "the newcomer was cached although every entry was live");
  }

  @Test
  @DisplayName("evicting live entries goes on past the end of the table: every newcomer is cached, the size stays bounded")
  void evictionCursorWrapsAround() throws Exception {
    int max = 8;
    VerifiedTokenCache cache = new VerifiedTokenCache(max, clock, revocations);
    int sinceEmpty = 0;
    for (int i = 0; i < 10 * max; i++) {
      String newcomer = token("n" + i, 3000);
      VerifiedToken verified = cache.verify(newcomer, verifier);
      int runs = verifierRuns();
      assertSame(verified, cache.verify(newcomer, verifier), "newcomer " + i + " was cached");
      assertEquals(runs, verifierRuns());
      assertEquals(Math.min(++sinceEmpty, max), cache.size());
      if (i == 5 * max) {
        cache.invalidate(t -> true); // entries gone behind the cursor's back
        assertEquals(0, cache.size());
        sinceEmpty = 0;
      }
    }
  }

  @Test
  @DisplayName("invalidate(predicate) removes exactly the matching entries")
  void invalidate() throws Exception {
    VerifiedTokenCache cache = new VerifiedTokenCache(100, clock, revocations);
    String a = token("a", 300);
    String b = token("b", 300);
    String c = token("c", 300);
    VerifiedToken cachedA = cache.verify(a, verifier);
    VerifiedToken cachedB = cache.verify(b, verifier);
    cache.verify(c, verifier);
    cache.invalidate(t -> "sub-a".equals(t.subject()));
    assertEquals(2, cache.size());
    assertSame(cachedB, cache.verify(b, verifier));
    assertEquals(3, verifierRuns());
    assertNotSame(cachedA, cache.verify(a, verifier));
    assertEquals(4, verifierRuns(), "the invalidated token was verified again");
  }

  @Test
  @DisplayName("size 0 disables caching but still checks revocation; rejected tokens are never cached")
  void disabledAndRejected() throws Exception {
    VerifiedTokenCache off = new VerifiedTokenCache(0, clock, revocations);
    String token = token("a", 300);
    off.verify(token, verifier);
    off.verify(token, verifier);
    assertEquals(2, verifierRuns());
    assertEquals(0, off.size());
    revokedJtis.add("a");
    assertThrows(TokenRejectedException.class, () -> off.verify(token, verifier));

    VerifiedTokenCache cache = new VerifiedTokenCache(100, clock, revocations);
    String forged = Signer.ec(signer.kid).mint(); // same kid, another key
    int runs = verifierRuns();
    assertThrows(TokenRejectedException.class, () -> cache.verify(forged, verifier));
    assertThrows(TokenRejectedException.class, () -> cache.verify(forged, verifier));
    assertEquals(runs + 2, verifierRuns(), "a rejection is not remembered as a success");
    assertEquals(0, cache.size());
  }
}
