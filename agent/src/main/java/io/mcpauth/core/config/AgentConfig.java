package io.mcpauth.core.config;

import io.mcpauth.core.scopes.ScopePolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The parsed, validated and immutable configuration. Built only by {@link ConfigParser}, through
 * {@link #builder()}: the canonical constructor a record must expose is not for callers.
 */
public record AgentConfig(
    boolean enabled,
    URI issuer,
    URI jwksUri,
    IntrospectionSettings introspection,
    List<TrustedIssuer> additionalIssuers,
    Duration introspectionCacheTtl,
    URI resource,
    Set<String> audiences,
    List<String> requiredScopes,
    Duration clockSkew,
    Set<String> algorithms,
    Set<String> tokenTypes,
    Duration tokenMaxLifetime,
    int tokenMaxLength,
    int tokenCacheSize,
    Duration jwksRefreshInterval,
    Duration jwksMinRefetchInterval,
    Duration httpTimeout,
    int maxDocumentBytes,
    String logLevel,
    String logFile,
    int logDenialsPerSecond,
    Duration sessionIdleTimeout,
    int sessionMaxBindings,
    AuthServerConfig authServer,
    ScopePolicy scopePolicy,
    int maxBodyBytes,
    boolean filterToolList,
    List<String> allowedOrigins,
    String advertisedScopePrefix,
    AuditConfig audit,
    MetricsConfig metrics) {

  /** True when the embedded authorization server issues the tokens (no external issuer configured). */
  public boolean embeddedAuthServer() {
    return authServer != null;
  }

  /**
   * Every issuer whose tokens are accepted: {@code mcpauth.issuer} (or the embedded authorization
   * server) first, then the {@code mcpauth.additional-issuers} in their listed order.
   */
  public List<TrustedIssuer> trustedIssuers() {
    List<TrustedIssuer> all = new java.util.ArrayList<>();
    all.add(new TrustedIssuer(issuer, jwksUri, introspection));
    all.addAll(additionalIssuers);
    return List.copyOf(all);
  }

  /**
   * True when no resource is configured and the embedded authorization server runs: the resource is
   * then the loopback origin each request names (see {@code mcpauth.resource}).
   */
  public boolean loopbackResource() {
    return resource == null;
  }

  /** This configuration with the embedded authorization server's issuer, once its port is bound. */
  public AgentConfig withIssuer(URI boundIssuer) {
    return toBuilder().issuer(boundIssuer).authServer(authServer.withIssuer(boundIssuer)).build();
  }

  /** The RFC 9728 metadata URL of a resource: its path inserted after the well-known prefix. */
  public static URI protectedResourceMetadataUrl(URI resource) {
    return URI.create(origin(resource) + protectedResourceMetadataPath(resource));
  }

  public static String protectedResourceMetadataPath(URI resource) {
    String path = resource.getRawPath() == null ? "" : resource.getRawPath();
    if (path.equals("/")) {
      path = "";
    }
    return "/.well-known/oauth-protected-resource" + path;
  }

  static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** A builder that starts from the configuration of a disabled agent: nothing set, nothing enforced. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Names each setting it is given; every one left out keeps the value of a disabled agent (zero,
   * empty, false or null). {@code requiredScopes} is not set apart: it is the scope policy's
   * {@link ScopePolicy#everyRequest()}.
   */
  public static final class Builder {

    private boolean enabled = false;
    private URI issuer = null;
    private URI jwksUri = null;
    private IntrospectionSettings introspection = null;
    private List<TrustedIssuer> additionalIssuers = List.of();
    private Duration introspectionCacheTtl = Duration.ZERO;
    private URI resource = null;
    private Set<String> audiences = Set.of();
    private Duration clockSkew = Duration.ZERO;
    private Set<String> algorithms = Set.of();
    private Set<String> tokenTypes = Set.of();
    private Duration tokenMaxLifetime = Duration.ZERO;
    private int tokenMaxLength = 0;
    private int tokenCacheSize = 0;
    private Duration jwksRefreshInterval = Duration.ZERO;
    private Duration jwksMinRefetchInterval = Duration.ZERO;
    private Duration httpTimeout = Duration.ZERO;
    private int maxDocumentBytes = 0;
    private String logLevel = null;
    private String logFile = null;
    private int logDenialsPerSecond = 0;
    private Duration sessionIdleTimeout = Duration.ZERO;
    private int sessionMaxBindings = 0;
    private AuthServerConfig authServer = null;
    private ScopePolicy scopePolicy = ScopePolicy.everyRequest(List.of());
    private int maxBodyBytes = 0;
    private boolean filterToolList = false;
    private String advertisedScopePrefix = "";
    private List<String> allowedOrigins = List.of();
    private AuditConfig audit = AuditConfig.OFF;
    private MetricsConfig metrics = MetricsConfig.NONE;

    private Builder() {
    }

    private Builder(AgentConfig config) {
      enabled = config.enabled;
      issuer = config.issuer;
      jwksUri = config.jwksUri;
      introspection = config.introspection;
      additionalIssuers = config.additionalIssuers;
      introspectionCacheTtl = config.introspectionCacheTtl;
      resource = config.resource;
      audiences = config.audiences;
      clockSkew = config.clockSkew;
      algorithms = config.algorithms;
      tokenTypes = config.tokenTypes;
      tokenMaxLifetime = config.tokenMaxLifetime;
      tokenMaxLength = config.tokenMaxLength;
      tokenCacheSize = config.tokenCacheSize;
      jwksRefreshInterval = config.jwksRefreshInterval;
      jwksMinRefetchInterval = config.jwksMinRefetchInterval;
      httpTimeout = config.httpTimeout;
      maxDocumentBytes = config.maxDocumentBytes;
      logLevel = config.logLevel;
      logFile = config.logFile;
      logDenialsPerSecond = config.logDenialsPerSecond;
      sessionIdleTimeout = config.sessionIdleTimeout;
      sessionMaxBindings = config.sessionMaxBindings;
      authServer = config.authServer;
      scopePolicy = config.scopePolicy;
      maxBodyBytes = config.maxBodyBytes;
      filterToolList = config.filterToolList;
      advertisedScopePrefix = config.advertisedScopePrefix;
      allowedOrigins = config.allowedOrigins;
      audit = config.audit;
      metrics = config.metrics;
    }

    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    public Builder issuer(URI issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = jwksUri;
      return this;
    }

    public Builder introspection(IntrospectionSettings introspection) {
      this.introspection = introspection;
      return this;
    }

    public Builder additionalIssuers(List<TrustedIssuer> additionalIssuers) {
      this.additionalIssuers = additionalIssuers;
      return this;
    }

    public Builder introspectionCacheTtl(Duration introspectionCacheTtl) {
      this.introspectionCacheTtl = introspectionCacheTtl;
      return this;
    }

    public Builder resource(URI resource) {
      this.resource = resource;
      return this;
    }

    public Builder audiences(Set<String> audiences) {
      this.audiences = audiences;
      return this;
    }

    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = clockSkew;
      return this;
    }

    public Builder algorithms(Set<String> algorithms) {
      this.algorithms = algorithms;
      return this;
    }

    public Builder tokenTypes(Set<String> tokenTypes) {
      this.tokenTypes = tokenTypes;
      return this;
    }

    public Builder tokenMaxLifetime(Duration tokenMaxLifetime) {
      this.tokenMaxLifetime = tokenMaxLifetime;
      return this;
    }

    public Builder tokenMaxLength(int tokenMaxLength) {
      this.tokenMaxLength = tokenMaxLength;
      return this;
    }

    public Builder tokenCacheSize(int tokenCacheSize) {
      this.tokenCacheSize = tokenCacheSize;
      return this;
    }

    public Builder jwksRefreshInterval(Duration jwksRefreshInterval) {
      this.jwksRefreshInterval = jwksRefreshInterval;
      return this;
    }

    public Builder jwksMinRefetchInterval(Duration jwksMinRefetchInterval) {
      this.jwksMinRefetchInterval = jwksMinRefetchInterval;
      return this;
    }

    public Builder httpTimeout(Duration httpTimeout) {
      this.httpTimeout = httpTimeout;
      return this;
    }

    public Builder maxDocumentBytes(int maxDocumentBytes) {
      this.maxDocumentBytes = maxDocumentBytes;
      return this;
    }

    public Builder logLevel(String logLevel) {
      this.logLevel = logLevel;
      return this;
    }

    public Builder logFile(String logFile) {
      this.logFile = logFile;
      return this;
    }

    /** @param logDenialsPerSecond denials logged per second at most; 0 logs every one */
    public Builder logDenialsPerSecond(int logDenialsPerSecond) {
      this.logDenialsPerSecond = logDenialsPerSecond;
      return this;
    }

    public Builder sessionIdleTimeout(Duration sessionIdleTimeout) {
      this.sessionIdleTimeout = sessionIdleTimeout;
      return this;
    }

    public Builder sessionMaxBindings(int sessionMaxBindings) {
      this.sessionMaxBindings = sessionMaxBindings;
      return this;
    }

    public Builder authServer(AuthServerConfig authServer) {
      this.authServer = authServer;
      return this;
    }

    public Builder scopePolicy(ScopePolicy scopePolicy) {
      this.scopePolicy = scopePolicy;
      return this;
    }

    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder filterToolList(boolean filterToolList) {
      this.filterToolList = filterToolList;
      return this;
    }

    public Builder advertisedScopePrefix(String advertisedScopePrefix) {
      this.advertisedScopePrefix = advertisedScopePrefix;
      return this;
    }

    public Builder metrics(MetricsConfig metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder allowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
      return this;
    }

    public Builder audit(AuditConfig audit) {
      this.audit = audit;
      return this;
    }

    public AgentConfig build() {
      return new AgentConfig(enabled, issuer, jwksUri, introspection, additionalIssuers, introspectionCacheTtl, resource, audiences, scopePolicy.everyRequest(), clockSkew, algorithms, tokenTypes, tokenMaxLifetime, tokenMaxLength, tokenCacheSize, jwksRefreshInterval, jwksMinRefetchInterval, httpTimeout, maxDocumentBytes, logLevel, logFile, logDenialsPerSecond, sessionIdleTimeout, sessionMaxBindings, authServer, scopePolicy, maxBodyBytes, filterToolList, allowedOrigins, advertisedScopePrefix, audit, metrics);
    }
  }
}
