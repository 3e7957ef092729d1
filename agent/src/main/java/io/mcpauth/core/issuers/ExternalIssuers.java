package io.mcpauth.core.issuers;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.TrustedIssuer;
import io.mcpauth.core.introspection.IntrospectionVerifier;
import io.mcpauth.core.keys.HttpFetcher;
import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.keys.JwksKeySource;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.IssuerRouter;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The gate's verifier when tokens come from external issuers ({@code mcpauth.issuer} and the
 * {@code mcpauth.additional-issuers}): for each issuer exactly one way to check its tokens, its own
 * JWKS (behind the verified-token cache) or its own introspection endpoint. With a single issuer its
 * verifier is the gate's verifier as it is, so the common case pays nothing for routing; with several,
 * an {@link IssuerRouter} picks one per token.
 */
public final class ExternalIssuers {

  private final AccessTokenVerifier verifier;
  private final List<JwksKeySource> keySources;
  private final List<String> descriptions;

  private ExternalIssuers(AccessTokenVerifier verifier, List<JwksKeySource> keySources, List<String> descriptions) {
    this.verifier = verifier;
    this.keySources = keySources;
    this.descriptions = descriptions;
  }

  /**
   * @param background the agent's own thread, for key fetches
   */
  public static ExternalIssuers of(AgentConfig config, Executor background, Clock clock) {
    return of(config, background, clock, AuditEvents.NONE);
  }

  /** @param audit where key fetches are published */
  public static ExternalIssuers of(AgentConfig config, Executor background, Clock clock, AuditEvents audit) {
    HttpFetcher fetcher = new HttpFetcher(config.httpTimeout(), config.maxDocumentBytes());
    VerifiedTokenCache cache = new VerifiedTokenCache(config.tokenCacheSize(), clock, VerifiedTokenCache.Revocations.NONE);
    Executor introspectionThreads = null;
    Map<String, AccessTokenVerifier> byIssuer = new LinkedHashMap<>();
    List<AccessTokenVerifier> introspecting = new ArrayList<>();
    List<JwksKeySource> keySources = new ArrayList<>();
    List<String> descriptions = new ArrayList<>();
    for (TrustedIssuer trusted : config.trustedIssuers()) {
      String issuer = trusted.issuer().toString();
      AccessTokenVerifier verifier;
      if (trusted.introspected()) {
        if (introspectionThreads == null) {
          introspectionThreads = introspectionThreads();
        }
        verifier = new IntrospectionVerifier(config, issuer, trusted.introspection(), fetcher, introspectionThreads, clock);
        introspecting.add(verifier);
        descriptions.add(issuer + " (introspection at " + trusted.introspection().endpoint() + ")");
      } else {
        JwksKeySource keys = new JwksKeySource(trusted.issuer(), trusted.jwksUri(), fetcher, background, System::nanoTime,
            config.jwksRefreshInterval(), config.jwksMinRefetchInterval(), config.httpTimeout(), audit);
        keySources.add(keys);
        verifier = cache.inFrontOf(new TokenVerifier(config, issuer, config.audiences(), keys, clock));
        descriptions.add(issuer + " (JWKS " + (trusted.jwksUri() != null ? trusted.jwksUri() : "from its metadata") + ")");
      }
      byIssuer.put(issuer, verifier);
    }
    AccessTokenVerifier verifier = byIssuer.size() == 1 ? byIssuer.values().iterator().next()
        : new IssuerRouter(byIssuer, introspecting.size() == 1 ? introspecting.get(0) : null, config.tokenMaxLength());
    return new ExternalIssuers(verifier, List.copyOf(keySources), List.copyOf(descriptions));
  }

  public AccessTokenVerifier verifier() {
    return verifier;
  }

  /** Starts every issuer's first key fetch in the background, so the first request rarely waits. */
  public void prefetch() {
    for (JwksKeySource keys : keySources) {
      keys.prefetch();
    }
  }

  /** One line naming each issuer and how its tokens are checked, unless there is just one issuer with a JWKS. */
  public void logIssuers() {
    if (descriptions.size() != 1 || keySources.size() != 1) {
      AgentLog.info("trusted issuers: {}", String.join(", ", descriptions));
    }
  }

  /**
   * Threads for introspection calls started where nothing may wait (WebFlux event loops). Each
   * introspection verifier hands it at most {@code MAX_IN_FLIGHT} tasks at once, so the pool needs
   * no queue; idle threads end after a minute.
   */
  private static ExecutorService introspectionThreads() {
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
      Thread thread = new Thread(runnable, "mcpauth-introspection");
      thread.setDaemon(true);
      return thread;
    });
  }
}
