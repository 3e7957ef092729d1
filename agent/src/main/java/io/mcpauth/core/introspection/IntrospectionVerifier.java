package io.mcpauth.core.introspection;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.IntrospectionSettings;
import io.mcpauth.core.keys.HttpFetcher;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.metrics.AgentMetrics;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.TokenDigest;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.VerifiedToken;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Judges the tokens of one issuer by asking its RFC 7662 endpoint, never by looking at them: the
 * issuer may hand out opaque tokens, and a JWT of an introspected issuer is not verified locally
 * either (no fallback either way: RS-SEC-56).
 *
 * <p>Results are remembered ({@link IntrospectionCache}); requests for one token are coalesced into
 * one call; at most {@link #MAX_IN_FLIGHT} calls run at once, and beyond that a new token is
 * answered 503 rather than queued, so a flood of random tokens costs the authorization server a
 * bounded load and this JVM bounded memory. Every failure to get an answer (transport, status other
 * than 200, size, deadline, a body that is not JSON) is {@link TokenRejectedException.Kind#UNAVAILABLE}:
 * 503 with Retry-After, never an accept (RS-SEC-53).
 *
 * <p>A thread that must not wait (a WebFlux event loop) never makes the call itself: it starts one
 * in the background and the request is answered 503; the result fills the cache for the retry.
 */
public final class IntrospectionVerifier implements AccessTokenVerifier {

  static final int MAX_IN_FLIGHT = 32;

  private final IntrospectionClient client;
  private final IntrospectionResponseCheck check;
  private final IntrospectionCache cache;
  private final Executor background;
  private final Clock clock;
  private final int maxLength;
  private final long ttlMillis;
  private final long waitMillis;
  private final Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
  private final ConcurrentHashMap<TokenDigest, CompletableFuture<VerifiedToken>> inFlight = new ConcurrentHashMap<>();

  /**
   * @param background runs the calls started by threads that must not wait; at most
   *     {@link #MAX_IN_FLIGHT} tasks are ever handed to it at once
   */
  public IntrospectionVerifier(AgentConfig config, String issuer, IntrospectionSettings settings, HttpFetcher fetcher,
      Executor background, Clock clock) {
    this.client = new IntrospectionClient(settings, fetcher);
    this.check = new IntrospectionResponseCheck(issuer, config.audiences(), config.clockSkew());
    this.cache = new IntrospectionCache(config.tokenCacheSize());
    this.background = background;
    this.clock = clock;
    this.maxLength = config.tokenMaxLength();
    this.ttlMillis = config.introspectionCacheTtl().toMillis();
    // a thread that joins a call another one started waits no longer than that call may take
    this.waitMillis = config.httpTimeout().toMillis() * 2 + 100;
  }

  @Override
  public VerifiedToken verify(String token, boolean mayWait) throws TokenRejectedException {
    if (token.length() > maxLength) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "token longer than mcpauth.token.max-length");
    }
    TokenDigest key = TokenDigest.of(token);
    long now = clock.millis();
    VerifiedToken active = cache.active(key, now);
    if (active != null) {
      return active;
    }
    TokenRejectedException refusal = cache.refusal(key, now);
    if (refusal != null) {
      throw new TokenRejectedException(refusal.reason(), refusal.getMessage() + " (remembered)");
    }
    CompletableFuture<VerifiedToken> call = inFlight.get(key);
    if (call == null) {
      call = start(key, token, mayWait);
    }
    if (!mayWait && !call.isDone()) {
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE,
          "introspection started in the background (this thread must not wait)");
    }
    return await(call);
  }

  /** The call for this token: one already running, or a new one (on this thread when it may wait). */
  private CompletableFuture<VerifiedToken> start(TokenDigest key, String token, boolean mayWait)
      throws TokenRejectedException {
    CompletableFuture<VerifiedToken> call = new CompletableFuture<>();
    CompletableFuture<VerifiedToken> running = inFlight.putIfAbsent(key, call);
    if (running != null) {
      return running;
    }
    if (!permits.tryAcquire()) {
      inFlight.remove(key, call);
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE,
          "too many introspection requests in flight");
    }
    Runnable task = () -> {
      try {
        call.complete(introspect(key, token));
      } catch (TokenRejectedException e) {
        call.completeExceptionally(e);
      } catch (RuntimeException | Error e) {
        AgentLog.error("introspection at {} failed unexpectedly", client.endpoint(), e);
        call.completeExceptionally(new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE,
            "introspection failed unexpectedly"));
      } finally {
        permits.release();
        inFlight.remove(key, call);
      }
    };
    if (mayWait) {
      task.run();
      return call;
    }
    try {
      background.execute(task);
    } catch (RejectedExecutionException e) {
      permits.release();
      inFlight.remove(key, call);
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE, "introspection could not be started");
    }
    return call;
  }

  /** One call to the endpoint; its verdict is remembered before anyone sees it. */
  private VerifiedToken introspect(TokenDigest key, String token) throws TokenRejectedException {
    String body;
    long started = System.nanoTime();
    try {
      body = client.introspect(token);
    } catch (IOException e) {
      AgentMetrics.agent().introspected(System.nanoTime() - started);
      AgentLog.warn("introspection at {} failed: {}", client.endpoint(), e.getMessage());
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE,
          "the introspection endpoint gave no usable answer");
    }
    AgentMetrics.agent().introspected(System.nanoTime() - started);
    long now = clock.millis();
    long reusableUntil = now + ttlMillis;
    try {
      VerifiedToken verified = check.judge(body, now / 1000, reusableUntil / 1000);
      long until = reusableUntil;
      if (verified.claims().containsKey("exp")) {
        // never past the token's own exp (RS-SEC-54)
        until = Math.min(until, Math.min(verified.expiresAtEpochSecond(), Long.MAX_VALUE / 1000) * 1000);
      }
      cache.rememberActive(key, verified, until, now);
      return verified;
    } catch (TokenRejectedException e) {
      if (e.kind() == TokenRejectedException.Kind.INVALID) {
        cache.rememberRefused(key, e, reusableUntil, now);
      } else {
        AgentLog.warn("introspection at {}: {}", client.endpoint(), e.getMessage());
      }
      throw e;
    }
  }

  private VerifiedToken await(CompletableFuture<VerifiedToken> call) throws TokenRejectedException {
    try {
      return call.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TokenRejectedException rejected) {
        throw rejected;
      }
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE, "introspection failed");
    } catch (TimeoutException e) {
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE, "introspection did not answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenRejectedException(ReasonCode.INTROSPECTION_UNAVAILABLE, "interrupted while introspecting");
    }
  }

  /** For tests: remembered results, active and refused together. */
  int cachedResults() {
    return cache.size();
  }
}
