package io.mcpauth.core.keys;

import io.mcpauth.core.token.JwksParser;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.KeySource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.audit.AuditEvent;
import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.metrics.AgentMetrics;
import io.mcpauth.core.metrics.JwksStats;

/**
 * The issuer's keys, fetched once and cached. Fetches run on one background thread, one at a
 * time. Keys older than the refresh interval are refreshed in the background while the old ones
 * keep serving; an unknown kid causes at most one fetch per rate-limit window; a failed fetch
 * keeps the last known keys (jose4j's HttpsJwks would drop them). The unknown-kid window never
 * delays the refresh: a refresh is due at the refresh interval even when that is the shorter one.
 */
public final class JwksKeySource implements KeySource {

  /** The reason of a failed {@code keys.fetch} event. */
  public static final String KEYS_FETCH_FAILED = "keys_fetch_failed";

  /** With no keys at all, retry sooner than the unknown-kid window, but still bounded. */
  private static final long NO_KEYS_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final URI issuer;
  private final URI configuredJwksUri;
  private final HttpFetcher fetcher;
  private final Executor executor;
  private final LongSupplier nanoClock;
  private final long refreshNanos;
  private final long minRefetchNanos;
  /** A due refresh that failed is retried this often: the unknown-kid window, or sooner if the refresh interval is. */
  private final long refreshRetryNanos;
  private final long waitMillis;
  private final JwksStats stats;

  private volatile KeySet keys;
  private volatile long loadedAt;
  private volatile URI jwksUri;
  private long lastFetchStartedAt;
  private Future<KeySet> inFlight;
  private boolean everStarted;
  /** What the last load left out, so an unchanged set is not reported again at every refresh. */
  private List<String> lastSkipped = List.of();
  private int lastEncryptionKeys;
  private final AuditEvents audit;

  public JwksKeySource(URI issuer, URI jwksUri, HttpFetcher fetcher, Executor executor, LongSupplier nanoClock,
      Duration refreshInterval, Duration minRefetchInterval, Duration fetchTimeout) {
    this(issuer, jwksUri, fetcher, executor, nanoClock, refreshInterval, minRefetchInterval, fetchTimeout,
        AuditEvents.NONE);
  }

  /** @param audit where each fetch is published as a {@code keys.fetch} event */
  public JwksKeySource(URI issuer, URI jwksUri, HttpFetcher fetcher, Executor executor, LongSupplier nanoClock,
      Duration refreshInterval, Duration minRefetchInterval, Duration fetchTimeout, AuditEvents audit) {
    this.audit = audit;
    this.issuer = issuer;
    this.configuredJwksUri = jwksUri;
    this.jwksUri = jwksUri;
    this.fetcher = fetcher;
    this.executor = executor;
    this.nanoClock = nanoClock;
    this.refreshNanos = refreshInterval.toNanos();
    this.minRefetchNanos = minRefetchInterval.toNanos();
    this.refreshRetryNanos = Math.min(refreshNanos, minRefetchNanos);
    // discovery and JWKS are two fetches
    this.waitMillis = fetchTimeout.toMillis() * (jwksUri == null ? 2 : 1) + 100;
    this.stats = AgentMetrics.agent().jwks(issuer.toString());
  }

  /** Starts the first fetch in the background, so the first request rarely waits. */
  public void prefetch() {
    startFetch(0);
  }

  @Override
  public KeySet current() {
    KeySet current = keys;
    if (current == null) {
      return await(startFetch(minRefetchNanos));
    }
    if (nanoClock.getAsLong() - loadedAt > refreshNanos) {
      startFetch(refreshRetryNanos); // stale: refresh in the background, serve the keys we have
    }
    return current;
  }

  @Override
  public KeySet refreshForUnknownKid() {
    return await(startFetch(minRefetchNanos));
  }

  @Override
  public KeySet currentWithoutWaiting() {
    KeySet current = keys;
    if (current == null) {
      startFetch(minRefetchNanos);
    } else if (nanoClock.getAsLong() - loadedAt > refreshNanos) {
      startFetch(refreshRetryNanos);
    }
    return current;
  }

  @Override
  public KeySet refreshForUnknownKidWithoutWaiting() {
    startFetch(minRefetchNanos);
    return keys;
  }

  /**
   * Returns the fetch in flight, or starts one if none started within {@code window} (0: now),
   * or returns null. At most one fetch runs at a time.
   */
  private synchronized Future<KeySet> startFetch(long window) {
    if (inFlight != null && !inFlight.isDone()) {
      return inFlight;
    }
    long now = nanoClock.getAsLong();
    if (keys == null) {
      window = Math.min(NO_KEYS_RETRY_NANOS, window);
    }
    if (everStarted && now - lastFetchStartedAt < window) {
      return null;
    }
    everStarted = true;
    lastFetchStartedAt = now;
    // A FutureTask, not a CompletableFuture: that one initialises the ForkJoinPool, here in premain.
    FutureTask<KeySet> fetch = new FutureTask<>(this::fetchNow);
    inFlight = fetch;
    executor.execute(fetch);
    return fetch;
  }

  private KeySet fetchNow() {
    long started = System.nanoTime();
    AuditEvent event = AuditEvent.now(AuditAction.KEYS_FETCH).issuer(issuer.toString());
    try {
      URI uri = jwksUri;
      if (uri == null) {
        uri = IssuerMetadata.discoverJwksUri(issuer, fetcher);
        jwksUri = uri;
        AgentLog.info("discovered jwks_uri {} for issuer {}", uri, issuer);
      }
      JwksParser parser = new JwksParser();
      KeySet fresh = parser.parse(fetcher.get(uri));
      reportLeftOut(uri, parser);
      if (fresh.size() == 0) {
        throw new java.io.IOException("JWKS has no usable signing key");
      }
      boolean first = keys == null;
      fresh = fresh.after(keys);
      keys = fresh;
      stats.fetched(fresh.size(), System.currentTimeMillis());
      loadedAt = nanoClock.getAsLong();
      AgentLog.info("loaded {} verification key(s) from {}", fresh.size(), uri);
      if (first) {
        fresh.warmUp();
      }
      audit.publish(event.duration(System.nanoTime() - started));
      return fresh;
    } catch (Exception e) {
      stats.failed();
      if (configuredJwksUri == null && keys == null) {
        jwksUri = null; // rediscover next time
      }
      KeySet retained = keys;
      AgentLog.warn("could not fetch the issuer's keys ({}); {}", e.getMessage(),
          retained == null ? "no keys yet: requests are refused with 503" : "keeping the last known keys");
      audit.publish(event.failure(KEYS_FETCH_FAILED).duration(System.nanoTime() - started));
      return retained;
    }
  }

  /** Once per change, not at every refresh: encryption keys at INFO, keys unfit for any use at WARN. */
  private void reportLeftOut(URI uri, JwksParser parser) {
    if (parser.encryptionKeys() != lastEncryptionKeys && parser.encryptionKeys() > 0) {
      AgentLog.info("JWKS {}: {} encryption key(s) (use enc) are not used to verify tokens", uri, parser.encryptionKeys());
    }
    if (!parser.skipped().equals(lastSkipped) && !parser.skipped().isEmpty()) {
      AgentLog.warn("JWKS {}: left out {} key(s): {}", uri, parser.skipped().size(), parser.skipped());
    }
    lastEncryptionKeys = parser.encryptionKeys();
    lastSkipped = List.copyOf(parser.skipped());
  }

  private KeySet await(Future<KeySet> fetch) {
    if (fetch == null) {
      return keys;
    }
    try {
      KeySet result = fetch.get(waitMillis, TimeUnit.MILLISECONDS);
      return result != null ? result : keys;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return keys;
    } catch (ExecutionException | TimeoutException e) {
      return keys;
    }
  }
}
