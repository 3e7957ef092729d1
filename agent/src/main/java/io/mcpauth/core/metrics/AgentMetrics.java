package io.mcpauth.core.metrics;

import io.mcpauth.core.denial.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's numbers, one instance per agent: counted where they happen, read by the Prometheus
 * endpoint and the MBeans. Counting on the request path is a {@link LongAdder} increment: no lock,
 * no allocation. Every label value comes from a closed set (a reason code, a grant type, a
 * configured issuer, an outcome), never from a request or a token, so the number of series is bounded.
 */
public final class AgentMetrics {

  /** The OAuth grant types the embedded authorization server issues tokens for. */
  public enum GrantType {
    AUTHORIZATION_CODE("authorization_code"),
    REFRESH_TOKEN("refresh_token"),
    CLIENT_CREDENTIALS("client_credentials"),
    JWT_BEARER("urn:ietf:params:oauth:grant-type:jwt-bearer");

    final String label;

    GrantType(String label) {
      this.label = label;
    }
  }

  /** Alert kinds beyond this many distinct ones are counted as {@code other}. */
  static final int MAX_ALERT_KINDS = 32;

  private static final AgentMetrics AGENT = new AgentMetrics();

  private final LongAdder admitted = new LongAdder();
  private final LongAdder[] denied = adders(ReasonCode.values().length);
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder cacheMisses = new LongAdder();
  private final Map<String, JwksStats> jwks = new ConcurrentSkipListMap<>();
  private final LatencyHistogram introspection = new LatencyHistogram();
  private final LongAdder loginSuccesses = new LongAdder();
  private final LongAdder loginFailures = new LongAdder();
  private final LongAdder[] tokensIssued = adders(GrantType.values().length);
  private final LongAdder refreshReuse = new LongAdder();
  private final LongAdder auditDropped = new LongAdder();
  private final Map<String, LongAdder> alerts = new ConcurrentHashMap<>();

  AgentMetrics() {}

  /** This agent's metrics. */
  public static AgentMetrics agent() {
    return AGENT;
  }

  public void admitted() {
    admitted.increment();
  }

  public void denied(ReasonCode reason) {
    denied[reason.ordinal()].increment();
  }

  public void tokenCacheHit() {
    cacheHits.increment();
  }

  public void tokenCacheMiss() {
    cacheMisses.increment();
  }

  /** The key-fetch statistics of a configured issuer (never an issuer named by a token). */
  public JwksStats jwks(String configuredIssuer) {
    return jwks.computeIfAbsent(configuredIssuer, issuer -> new JwksStats());
  }

  public void introspected(long nanos) {
    introspection.record(nanos);
  }

  public void login(boolean succeeded) {
    (succeeded ? loginSuccesses : loginFailures).increment();
  }

  public void tokenIssued(GrantType grantType) {
    tokensIssued[grantType.ordinal()].increment();
  }

  public void refreshTokenReused() {
    refreshReuse.increment();
  }

  /** Hook for the audit trail: an audit event that could not be written (its queue was full). */
  public void auditEventDropped() {
    auditDropped.increment();
  }

  /**
   * Hook for the security alerts: one alert raised, by its kind. Kinds are the alert code's fixed
   * names; should more than {@link #MAX_ALERT_KINDS} ever appear, the rest count as {@code other}.
   */
  public void alertRaised(String kind) {
    LongAdder count = alerts.get(kind);
    if (count == null) {
      String key = alerts.size() < MAX_ALERT_KINDS ? kind : "other";
      count = alerts.computeIfAbsent(key, k -> new LongAdder());
    }
    count.increment();
  }

  /** Every family with its current samples, in a stable order. */
  public List<MetricFamily> families() {
    List<MetricFamily> families = new ArrayList<>();
    List<MetricFamily.Sample> requests = new ArrayList<>();
    requests.add(sample(admitted.sum(), "outcome", "success"));
    for (ReasonCode reason : ReasonCode.values()) {
      requests.add(sample(denied[reason.ordinal()].sum(), "outcome", "failure", "reason", reason.code()));
    }
    families.add(new MetricFamily("mcpauth_requests_total", "counter",
        "Requests the gate decided: success when admitted, failure by the reason code of the denial.", requests));
    families.add(counter("mcpauth_token_cache_hits_total", "Bearer tokens found in the verified-token cache.",
        cacheHits.sum()));
    families.add(counter("mcpauth_token_cache_misses_total", "Bearer tokens not in the verified-token cache, so verified.",
        cacheMisses.sum()));
    List<MetricFamily.Sample> fetches = new ArrayList<>();
    List<MetricFamily.Sample> keys = new ArrayList<>();
    List<MetricFamily.Sample> lastSuccess = new ArrayList<>();
    jwks.forEach((issuer, stats) -> {
      fetches.add(sample(stats.successes.sum(), "issuer", issuer, "outcome", "success"));
      fetches.add(sample(stats.failures.sum(), "issuer", issuer, "outcome", "failure"));
      keys.add(sample(stats.keys, "issuer", issuer));
      lastSuccess.add(sample(stats.lastSuccessMillis / 1000.0, "issuer", issuer));
    });
    families.add(new MetricFamily("mcpauth_jwks_fetch_total", "counter",
        "Fetches of a configured issuer's keys (discovery included), by outcome.", fetches));
    families.add(new MetricFamily("mcpauth_jwks_keys", "gauge", "Signing keys loaded from the issuer's JWKS.", keys));
    families.add(new MetricFamily("mcpauth_jwks_last_success_timestamp_seconds", "gauge",
        "When the issuer's keys were last fetched successfully (Unix time; 0 before the first).", lastSuccess));
    families.add(new MetricFamily("mcpauth_introspection_duration_seconds", "histogram",
        "Duration of calls to introspection endpoints.", introspection.samples()));
    families.add(new MetricFamily("mcpauth_as_logins_total", "counter",
        "Sign-ins at the embedded authorization server, by outcome.",
        List.of(sample(loginSuccesses.sum(), "outcome", "success"), sample(loginFailures.sum(), "outcome", "failure"))));
    List<MetricFamily.Sample> issued = new ArrayList<>();
    for (GrantType grantType : GrantType.values()) {
      issued.add(sample(tokensIssued[grantType.ordinal()].sum(), "grant_type", grantType.label));
    }
    families.add(new MetricFamily("mcpauth_as_tokens_issued_total", "counter",
        "Access tokens issued by the embedded authorization server, by OAuth grant type.", issued));
    families.add(counter("mcpauth_as_refresh_reuse_total",
        "Refresh tokens presented again after rotation; each revokes its grant.", refreshReuse.sum()));
    families.add(counter("mcpauth_audit_dropped_total", "Audit events that could not be written.", auditDropped.sum()));
    List<MetricFamily.Sample> raised = new ArrayList<>();
    new java.util.TreeMap<>(alerts).forEach((kind, count) -> raised.add(sample(count.sum(), "kind", kind)));
    families.add(new MetricFamily("mcpauth_alerts_total", "counter", "Security alerts raised, by kind.", raised));
    return families;
  }

  private static MetricFamily counter(String name, String help, double value) {
    return new MetricFamily(name, "counter", help, List.of(new MetricFamily.Sample("", List.of(), value)));
  }

  private static MetricFamily.Sample sample(double value, String... labels) {
    return new MetricFamily.Sample("", List.of(labels), value);
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }
}
