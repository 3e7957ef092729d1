package io.mcpauth.bench;

import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.VerifiedToken;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The verified-token cache under a stream of tokens it has never seen, once it is full: what a
 * cold-cache request pays in the cache itself (digest, lookup, eviction, insert), with the verifier
 * replaced by one that returns a ready result so the signature check does not hide it. The harness's
 * cold variant is exactly this state: 10,000 entries, every request a new token.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class CacheEvictionBenchmark {

  static final int CACHE_SIZE = 10_000; // the agent's default mcpauth.token-cache.size
  static final int POOL = 1 << 18;      // distinct tokens in rotation: a token returns only after 26x the cache size

  final VerifiedToken result = new VerifiedToken("https://idp.example.com", "alice", "client", Set.of("mcp"),
      Clock.systemUTC().instant().getEpochSecond() + 7200, "jti", Map.of());
  final AccessTokenVerifier ready = (token, mayWait) -> result;
  String[] tokens;
  VerifiedTokenCache cache;
  int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    tokens = new String[POOL];
    StringBuilder sb = new StringBuilder(700);
    for (int i = 0; i < POOL; i++) {
      sb.setLength(0);
      for (int j = 0; j < 700; j++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      tokens[i] = sb.toString();
    }
    cache = new VerifiedTokenCache(CACHE_SIZE, Clock.systemUTC(), VerifiedTokenCache.Revocations.NONE);
    for (int i = 0; i < 2 * CACHE_SIZE; i++) {
      newToken();
    }
    if (cache.size() != CACHE_SIZE) {
      throw new IllegalStateException("the cache holds " + cache.size() + ", not " + CACHE_SIZE);
    }
  }

  /** A token the cache has not seen for POOL requests, into a full cache. */
  @Benchmark
  public VerifiedToken newToken() throws Exception {
    String token = tokens[next++ & (POOL - 1)];
    return cache.verify(token, ready);
  }

  /** The same work without eviction: the digest and a lookup of a token that is cached. */
  @Benchmark
  public VerifiedToken cachedToken() throws Exception {
    return cache.verify(tokens[(next - 1) & (POOL - 1)], ready);
  }
}
