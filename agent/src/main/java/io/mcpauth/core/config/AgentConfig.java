package io.mcpauth.core.config;

import io.mcpauth.core.scopes.ScopePolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The parsed, validated and immutable configuration. Built only by {@link ConfigParser}. */
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
    Duration sessionIdleTimeout,
    int sessionMaxBindings,
    AuthServerConfig authServer,
    ScopePolicy scopePolicy,
    int maxBodyBytes,
    boolean filterToolList,
    List<String> allowedOrigins) {

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
    return new AgentConfig(enabled, boundIssuer, jwksUri, introspection, additionalIssuers, introspectionCacheTtl,
        resource, audiences, requiredScopes, clockSkew, algorithms, tokenTypes, tokenMaxLifetime, tokenMaxLength,
        tokenCacheSize, jwksRefreshInterval, jwksMinRefetchInterval, httpTimeout, maxDocumentBytes, logLevel, logFile,
        sessionIdleTimeout, sessionMaxBindings,
        authServer.withIssuer(boundIssuer), scopePolicy, maxBodyBytes,
        filterToolList, allowedOrigins);
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
}
