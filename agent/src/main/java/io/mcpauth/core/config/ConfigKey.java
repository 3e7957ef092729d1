package io.mcpauth.core.config;

/**
 * Every setting the agent reads, in one place. The README's configuration reference is checked
 * against this list by a test, so a key cannot be added without being documented.
 */
public enum ConfigKey {
  ENABLED("mcpauth.enabled", "true",
      "When false the agent installs nothing and logs one WARN line saying the server is unprotected."),
  CONFIG_FILE("mcpauth.config", null,
      "A properties file with any of these keys (lowest precedence after defaults)."),
  ISSUER("mcpauth.issuer", null,
      "Issuer of the external authorization server. `jwks_uri` is discovered from its RFC 8414 metadata, "
          + "falling back to OpenID discovery; the metadata's `issuer` must equal this value. Required for now."),
  JWKS_URI("mcpauth.jwks.uri", null, "Explicit JWKS URL; skips discovery."),
  RESOURCE("mcpauth.resource", null,
      "Canonical URI of this MCP server (RFC 8707 / RFC 9728 `resource`), e.g. `https://mcp.example.com/mcp`. "
          + "Tokens must carry it in `aud`. Required."),
  AUDIENCE("mcpauth.audience", null,
      "Comma list of accepted audiences, for IdPs that cannot put the resource in `aud`. Default: the resource."),
  SCOPES_REQUIRED("mcpauth.scopes.required", "",
      "Scopes every request needs, space or comma separated. Missing ones give 403 `insufficient_scope`."),
  CLOCK_SKEW("mcpauth.clock-skew", "60s", "Tolerance for `exp`, `nbf` and `iat` (at most 10m)."),
  ALGORITHMS("mcpauth.algorithms", "RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA",
      "Accepted JWS algorithms. `none` and HS* can never be enabled."),
  TOKEN_TYPES("mcpauth.token.types", "at+jwt",
      "Accepted JWT `typ` header values (RFC 9068 wants `at+jwt`; `application/` prefix and case are ignored). "
          + "Add `jwt` and/or `none` (no `typ`) for IdPs such as Keycloak or Entra that do not send `at+jwt`."),
  TOKEN_MAX_LIFETIME("mcpauth.token.max-lifetime", "24h",
      "Tokens whose `exp` lies further in the future are refused."),
  TOKEN_MAX_LENGTH("mcpauth.token.max-length", "8192", "Longer tokens are refused before parsing (bytes)."),
  TOKEN_CACHE_SIZE("mcpauth.token-cache.size", "10000",
      "Verified tokens remembered (by SHA-256 of the token, never beyond `exp`). 0 disables the cache."),
  JWKS_REFRESH_INTERVAL("mcpauth.jwks.refresh-interval", "5m",
      "Keys older than this are refreshed in the background; on failure the last known keys stay in use."),
  JWKS_MIN_REFETCH_INTERVAL("mcpauth.jwks.min-refetch-interval", "30s",
      "An unknown `kid` triggers at most one JWKS fetch per this window."),
  HTTP_TIMEOUT("mcpauth.http.timeout", "5s", "Deadline for each metadata or JWKS fetch (connect plus read)."),
  JWKS_MAX_BYTES("mcpauth.jwks.max-bytes", "524288", "Largest metadata or JWKS document accepted (bytes)."),
  LOG_LEVEL("mcpauth.log.level", "INFO", "The agent's own log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF)."),
  LOG_FILE("mcpauth.log.file", null, "Write the agent's log to this file instead of standard error.");

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  /** The default as text, or null when there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The environment variable: upper case, with '.' and '-' replaced by '_'. */
  public String environmentVariable() {
    return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
