package io.mcpauth.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The parsed, validated and immutable configuration. Built only by {@link ConfigParser}. */
public record AgentConfig(
    boolean enabled,
    URI issuer,
    URI jwksUri,
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
    String logFile) {

  /** The RFC 9728 metadata URL: the resource's path inserted after the well-known prefix. */
  public URI protectedResourceMetadataUrl() {
    return URI.create(origin(resource) + protectedResourceMetadataPath());
  }

  public String protectedResourceMetadataPath() {
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
