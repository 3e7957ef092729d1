package io.mcpauth.core.config;

/**
 * Every setting the agent reads, in one place. The reference table in docs/configuration.md is
 * generated from this list and checked against it by a test, so a key cannot be added without being
 * documented.
 */
public enum ConfigKey {
  ENABLED("mcpauth.enabled", "true",
      "When false the agent installs nothing and logs one WARN line saying the server is unprotected."),
  CONFIG_FILE("mcpauth.config", null,
      "A properties file with any of these keys (lowest precedence after defaults)."),
  ISSUER("mcpauth.issuer", null,
      "Issuer of an external authorization server. `jwks_uri` is discovered from its RFC 8414 metadata, "
          + "falling back to OpenID discovery; the metadata's `issuer` must equal this value. "
          + "With `mcpauth.introspection.uri` its tokens are introspected instead. "
          + "When absent, the agent runs its embedded authorization server (the `mcpauth.as.*` keys)."),
  JWKS_URI("mcpauth.jwks.uri", null, "Explicit JWKS URL; skips discovery."),
  RESOURCE("mcpauth.resource", null,
      "Canonical URI of this MCP server (RFC 8707 / RFC 9728 `resource`), e.g. `https://mcp.example.com/mcp`. "
          + "Tokens must carry it in `aud`. Required with an external issuer. With the embedded authorization "
          + "server it may be left out for a local server: the resource is then the origin the client used, "
          + "which must be a loopback one (`http://localhost:PORT`, `http://127.0.0.1:PORT` or `http://[::1]:PORT`)."),
  ALLOWED_ORIGINS("mcpauth.allowed-origins", "",
      "Comma list of origins (e.g. `https://app.example.com`) whose browser pages may call the MCP endpoint, besides the "
          + "resource's own origin, and any loopback origin when the resource is on a loopback host. A request with "
          + "another `Origin` gets 403 (DNS rebinding, cross-site requests); one without `Origin` is not affected."),
  AUDIENCE("mcpauth.audience", null,
      "Comma list of accepted audiences, for IdPs that cannot put the resource in `aud`. Default: the resource."),
  SCOPES_REQUIRED("mcpauth.scopes.required", "",
      "Scopes every request needs, space or comma separated. Missing ones give 403 `insufficient_scope`."),
  SCOPES_TOOL("mcpauth.scopes.tool.TOOL", null,
      "Scopes needed to call the tool TOOL (`tools/call`), space or comma separated, checked before the server sees "
          + "the call; `mcpauth.scopes.tool.*` covers every tool without a rule of its own, and an empty value exempts "
          + "a tool from it. A caller missing one gets 403 `insufficient_scope` naming every scope the call needs."),
  SCOPES_PROMPT("mcpauth.scopes.prompt.PROMPT", null, "The same for getting the prompt PROMPT (`prompts/get`)."),
  SCOPES_RESOURCE("mcpauth.scopes.resource.URI", null,
      "The same for reading or subscribing to the resource URI (`resources/read`, `resources/subscribe`, "
          + "`resources/unsubscribe`); a URI ending in `*` covers every URI starting with what precedes it "
          + "(the longest match wins). In a properties file, escape `:` and `=` in the key with a backslash."),
  SCOPES_METHOD("mcpauth.scopes.method.METHOD", null,
      "Scopes needed for every message with the JSON-RPC method METHOD (e.g. `tools/list`), in addition to the above."),
  SCOPES_IMPLIES("mcpauth.scopes.implies.SCOPE", null,
      "Scopes that holding SCOPE grants too, transitively: `mcpauth.scopes.implies.mcp:admin=mcp:tools` lets an "
          + "`mcp:admin` token call what needs `mcp:tools`."),
  SCOPES_ADVERTISED_PREFIX("mcpauth.scopes.advertised-prefix", "",
      "Put before every scope the agent names to clients (the challenge's `scope`, the metadata's `scopes_supported`), "
          + "not before the scopes it looks for in tokens: Entra ID clients ask for `api://APP/access_as_user`, and "
          + "its tokens carry `scp` `access_as_user`."),
  FILTER_TOOLS_LIST("mcpauth.scopes.filter-tools-list", "false",
      "When true, `tools/list` answers only the tools the caller's scopes let it call (by the rules above); "
          + "the others stay hidden. Every `tools/call` is checked either way."),
  POLICY_FILE("mcpauth.policy-file", null,
      "A JSON file with many scope rules: `{\"tools\": {NAME: \"scopes\"}, \"prompts\": {...}, \"resources\": {...}, "
          + "\"methods\": {...}, \"implies\": {...}}`, read once at start. A rule set both here and in a property stops the start."),
  MAX_BODY_BYTES("mcpauth.max-body-bytes", "4194304",
      "With per-message rules, the agent reads each POSTed JSON-RPC body before the server does: larger ones get 413 "
          + "(at most 16 MiB)."),
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
      "Keys older than this are refreshed in the background, even within the unknown-`kid` window; on failure the last known keys stay in use and the refresh is retried once per that window."),
  JWKS_MIN_REFETCH_INTERVAL("mcpauth.jwks.min-refetch-interval", "30s",
      "An unknown `kid` triggers at most one JWKS fetch per this window."),
  HTTP_TIMEOUT("mcpauth.http.timeout", "5s", "Deadline for each metadata, JWKS or introspection request (connect plus read)."),
  JWKS_MAX_BYTES("mcpauth.jwks.max-bytes", "524288", "Largest metadata, JWKS or introspection response accepted (bytes)."),
  SESSION_IDLE_TIMEOUT("mcpauth.session.idle-timeout", "8h",
      "An MCP session unused for this long is forgotten by the agent: its next request gets 404 and the client "
          + "initializes a new one."),
  SESSION_MAX_BINDINGS("mcpauth.session.max-bindings", "100000",
      "Sessions whose owner the agent remembers; beyond this the least recently used is forgotten."),
  INTROSPECTION_URI("mcpauth.introspection.uri", null,
      "RFC 7662 introspection endpoint of `mcpauth.issuer`. When set, every token of that issuer (opaque or JWT) is "
          + "introspected and never verified locally, so `mcpauth.jwks.uri` must be unset. Needs the client id and "
          + "exactly one of the secret or the secret file; the agent authenticates with HTTP Basic (`client_secret_basic`)."),
  INTROSPECTION_CLIENT_ID("mcpauth.introspection.client-id", null,
      "Client id of this resource server at the authorization server, for introspection."),
  INTROSPECTION_CLIENT_SECRET("mcpauth.introspection.client-secret", null,
      "Its client secret (prefer the secret file or the environment variable to a system property)."),
  INTROSPECTION_CLIENT_SECRET_FILE("mcpauth.introspection.client-secret-file", null,
      "A file holding the client secret, read once at start (surrounding whitespace is ignored)."),
  INTROSPECTION_CACHE_TTL("mcpauth.introspection.cache-ttl", "60s",
      "An introspection result is reused for at most this long, and an active one never past the token's `exp` "
          + "(at most 1h; 0 asks the authorization server on every request). Inactive tokens are remembered as long, "
          + "in a separate cache bounded like `mcpauth.token-cache.size`. A revoked token is refused within this time."),
  ADDITIONAL_ISSUERS("mcpauth.additional-issuers", null,
      "Names (a lower-case letter, then letters and digits) of further trusted issuers besides `mcpauth.issuer`, "
          + "e.g. `partner,legacy`, each set up with the `mcpauth.issuer.NAME.*` keys below. A JWT's `iss` picks the issuer "
          + "(exact match) and only that issuer's keys or introspection endpoint judge it; opaque tokens go to the "
          + "introspection endpoint when exactly one issuer has one, and are refused otherwise."),
  ISSUER_NAMED_URL("mcpauth.issuer.NAME.url", null,
      "Issuer identifier of the additional issuer NAME (required), compared exactly with `iss`; same rules as `mcpauth.issuer`."),
  ISSUER_NAMED_JWKS_URI("mcpauth.issuer.NAME.jwks.uri", null,
      "Its JWKS URL; without it and without introspection, `jwks_uri` is discovered from its metadata."),
  ISSUER_NAMED_INTROSPECTION_URI("mcpauth.issuer.NAME.introspection.uri", null,
      "Its RFC 7662 introspection endpoint instead of a JWKS, as `mcpauth.introspection.uri`."),
  ISSUER_NAMED_INTROSPECTION_CLIENT_ID("mcpauth.issuer.NAME.introspection.client-id", null,
      "Client id for its introspection endpoint."),
  ISSUER_NAMED_INTROSPECTION_CLIENT_SECRET("mcpauth.issuer.NAME.introspection.client-secret", null,
      "Client secret for its introspection endpoint."),
  ISSUER_NAMED_INTROSPECTION_CLIENT_SECRET_FILE("mcpauth.issuer.NAME.introspection.client-secret-file", null,
      "File holding that client secret, read once at start."),
  AS_PORT("mcpauth.as.port", "7979", "Embedded authorization server: TCP port (0 picks a free one)."),
  AS_BIND_ADDRESS("mcpauth.as.bind-address", "127.0.0.1",
      "Embedded authorization server: address to listen on. A non-loopback address needs TLS or `mcpauth.as.insecure-http`."),
  AS_ISSUER("mcpauth.as.issuer", null,
      "Embedded authorization server: public issuer URL, default `http://localhost:PORT` (`https://` with TLS). "
          + "Never taken from a request's Host header."),
  AS_DATA("mcpauth.as.data", "~/.mcpauth",
      "Embedded authorization server: data directory (signing keys, clients, refresh-token families, revocations). "
          + "Created owner-only; one JVM at a time."),
  AS_USERS("mcpauth.as.users", null,
      "Embedded authorization server: users file, default `DATA/users`. Managed with `java -jar mcpauth-agent.jar user`; "
          + "re-read when it changes."),
  AS_SERVICE_CLIENTS("mcpauth.as.service-clients", null,
      "Embedded authorization server: machine clients (client credentials), default `DATA/service-clients`. Managed with "
          + "`java -jar mcpauth-agent.jar client`; re-read when it changes."),
  AS_SCOPES("mcpauth.as.scopes", "mcp:tools offline_access",
      "Embedded authorization server: scopes on offer. A request without `scope` gets all of them but `offline_access`."),
  AS_TLS_KEYSTORE("mcpauth.as.tls.keystore", null,
      "Embedded authorization server: PKCS#12 keystore with the server certificate; serves https when set."),
  AS_TLS_KEYSTORE_PASSWORD("mcpauth.as.tls.keystore-password", "",
      "Password of `mcpauth.as.tls.keystore` (prefer the environment variable or the config file)."),
  AS_INSECURE_HTTP("mcpauth.as.insecure-http", "false",
      "Allow plain http on a non-loopback `mcpauth.as.bind-address` (behind a TLS-terminating proxy). Logged as a warning at every start."),
  AS_ACCESS_TOKEN_LIFETIME("mcpauth.as.access-token-lifetime", "15m", "Embedded authorization server: access-token lifetime."),
  AS_REFRESH_TOKEN_IDLE("mcpauth.as.refresh-token-idle", "7d",
      "A refresh token unused for this long is refused (it is rotated on every use)."),
  AS_REFRESH_TOKEN_LIFETIME("mcpauth.as.refresh-token-lifetime", "30d",
      "A refresh-token family (one authorization) ends this long after the user approved it."),
  AS_SIGNING_KEY_MAX_AGE("mcpauth.as.signing-key.max-age", "30d",
      "The RS256 signing key is replaced when older than this (checked at start and hourly); "
          + "the old key stays in the JWKS until the tokens it signed have expired."),
  AS_DCR("mcpauth.as.dcr", "true", "Embedded authorization server: open Dynamic Client Registration (RFC 7591)."),
  AS_DCR_PER_MINUTE("mcpauth.as.dcr.per-minute", "20", "Registrations accepted per client address per minute (429 beyond)."),
  AS_DCR_MAX_CLIENTS("mcpauth.as.dcr.max-clients", "1000",
      "Registered clients kept at most: beyond, the oldest never-authorized client makes room; 429 when all have been authorized."),
  AS_DCR_UNUSED_EXPIRY("mcpauth.as.dcr.unused-expiry", "1h",
      "A registered client that has not completed an authorization within this time is deleted."),
  AS_CIMD("mcpauth.as.cimd", "true", "Embedded authorization server: accept Client ID Metadata Documents (an https `client_id`)."),
  AS_CIMD_TRUSTED_HOSTS("mcpauth.as.cimd.trusted-hosts", "*",
      "Hosts whose metadata documents are fetched: `*` for any https host, else a comma list of host names or `*.suffix` patterns."),
  AS_CIMD_ALLOW_PRIVATE("mcpauth.as.cimd.allow-private-addresses", "false",
      "Fetch metadata documents from loopback, private and link-local addresses. For tests only."),
  AS_CIMD_MAX_BYTES("mcpauth.as.cimd.max-bytes", "16384", "Largest Client ID Metadata Document accepted (bytes)."),
  AS_CIMD_TIMEOUT("mcpauth.as.cimd.timeout", "5s", "Deadline for fetching one Client ID Metadata Document, DNS through body; no request waits longer for one. Fetches run on threads of their own: at most 4 at once, 2 to one host."),
  AS_CIMD_CACHE_MIN("mcpauth.as.cimd.cache-min", "1m", "A fetched metadata document is kept at least this long."),
  AS_CIMD_CACHE_MAX("mcpauth.as.cimd.cache-max", "1d",
      "...and at most this long; within these bounds its Cache-Control max-age decides."),
  AS_LOGIN_FAILURES_PER_ACCOUNT("mcpauth.as.login.failures-per-account", "5",
      "Failed logins for one username from one client address per 15 minutes before that address gets 429 for "
          + "that username. Beyond 10 times this many for a username from all addresses, an address that failed for it "
          + "waits 1 s, doubling up to 1 min, after the username's last failure; one that has not failed for it, "
          + "or that it signed in from lately, never waits. "
          + "An IPv6 /64 counts as one address."),
  AS_LOGIN_FAILURES_PER_ADDRESS("mcpauth.as.login.failures-per-address", "20",
      "Failed logins per client address per 15 minutes, whatever the username, before further attempts get 429. "
          + "An IPv6 /64 counts as one address."),
  AS_TOKEN_FAILURES_PER_ADDRESS("mcpauth.as.token.failures-per-address", "60",
      "Failed token requests (bad code, refresh token or client secret) per client address per minute before 429."),
  AS_UPSTREAM_ISSUER("mcpauth.as.upstream.issuer", null,
      "Embedded authorization server: sign users in at this OpenID Connect provider instead of the users file "
          + "(see docs/enterprise-sign-in.md). Its discovery document's `issuer` must equal this value exactly. "
          + "Our callback is `ISSUER/upstream/callback`, to be registered there as the redirect URI."),
  AS_UPSTREAM_CLIENT_ID("mcpauth.as.upstream.client-id", null,
      "Our one client id at the upstream provider (required with `mcpauth.as.upstream.issuer`). "
          + "ID tokens must name it in `aud` (and in `azp` when they carry one)."),
  AS_UPSTREAM_CLIENT_SECRET("mcpauth.as.upstream.client-secret", null,
      "Its client secret, sent with HTTP Basic; leave it and the secret file out for a public client (PKCE only)."),
  AS_UPSTREAM_CLIENT_SECRET_FILE("mcpauth.as.upstream.client-secret-file", null,
      "A file holding that client secret, read once at start (surrounding whitespace is ignored)."),
  AS_UPSTREAM_SCOPES("mcpauth.as.upstream.scopes", "openid email profile",
      "Scopes asked of the upstream provider; must hold `openid`. Add the provider's offline-access scope "
          + "(`offline_access` for most) so that our refresh tokens can be issued: without an upstream refresh token, "
          + "none of ours is."),
  AS_UPSTREAM_AUTHORIZATION_PARAMETERS("mcpauth.as.upstream.authorization-parameters", "",
      "Extra query parameters for the upstream authorization request, form-encoded, e.g. "
          + "`access_type=offline&prompt=consent` for Google. Parameters the flow sets itself cannot be overridden."),
  AS_UPSTREAM_SUBJECT_CLAIM("mcpauth.as.upstream.subject-claim", "sub",
      "ID-token claim that names the user; our tokens' `sub` is `upstream:` followed by its value "
          + "(e.g. `oid` for Entra ID, whose `sub` differs per application)."),
  AS_UPSTREAM_GROUPS_CLAIM("mcpauth.as.upstream.groups-claim", "groups",
      "ID-token claim (a string or an array of strings) read as the user's groups or roles for "
          + "`mcpauth.as.upstream.scopes-from.GROUP`."),
  AS_UPSTREAM_EMAIL_DOMAINS("mcpauth.as.upstream.email-domains", "",
      "Comma list of email domains: when set, only users whose ID token has `email_verified` true and an `email` "
          + "in one of them may sign in."),
  AS_UPSTREAM_REQUIRE("mcpauth.as.upstream.require.CLAIM", null,
      "Comma list of values: only users whose ID-token claim CLAIM equals one of them (or, for an array claim, "
          + "holds one of them) may sign in, e.g. `mcpauth.as.upstream.require.email_verified=true`, "
          + "`mcpauth.as.upstream.require.groups=mcp-users`. Booleans and numbers compare as their JSON text."),
  AS_UPSTREAM_SCOPES_FROM("mcpauth.as.upstream.scopes-from.GROUP", null,
      "Scopes that members of the upstream group GROUP may be granted, e.g. "
          + "`mcpauth.as.upstream.scopes-from.mcp-admins=mcp:admin`. A scope named in any of these rules is granted "
          + "only to members of a group that maps to it; other scopes on offer are open to every user who may sign in. "
          + "Re-read from the new ID token at each refresh."),
  AS_ID_JAG_ISSUERS("mcpauth.as.id-jag.issuers", "",
      "Comma list of enterprise IdP issuers whose Identity Assertion JWT Authorization Grants (ID-JAG) `/token` "
          + "redeems with the `urn:ietf:params:oauth:grant-type:jwt-bearer` grant; their keys come from their "
          + "metadata. Empty: the grant is off."),
  AS_ID_JAG_MAX_LIFETIME("mcpauth.as.id-jag.max-lifetime", "5m",
      "An ID-JAG whose `exp` lies further than this after its `iat` is refused (at most 1h)."),
  AUDIT_FILE("mcpauth.audit.file", null,
      "Turns on the audit trail: one JSON object per line (Elastic Common Schema names) for every decision of the gate "
          + "and every authorization-server event, written to this file, or to standard output for `-`. Turning it on "
          + "makes the gate read every POSTed JSON-RPC body, as per-message rules do, to name the method and tool. "
          + "See docs/operations.md."),
  AUDIT_ON_OVERFLOW("mcpauth.audit.on-overflow", "block",
      "When the trail's queue is full: `block` makes the request wait for room (and, while the trail cannot be "
          + "written, refuses MCP requests with 503 `audit_unavailable`); `drop` drops the event and counts it."),
  AUDIT_QUEUE_SIZE("mcpauth.audit.queue-size", "8192", "Events waiting for the trail's writer thread at most."),
  AUDIT_MAX_SIZE("mcpauth.audit.max-size", "100m",
      "The trail's file is rotated before it grows past this size (bytes; `k`, `m` or `g` for KiB, MiB, GiB): "
          + "FILE becomes FILE.1, FILE.1 becomes FILE.2, and so on."),
  AUDIT_MAX_FILES("mcpauth.audit.max-files", "5", "Rotated files kept besides the current one; older ones are deleted."),
  ALERTS_INVALID_TOKENS("mcpauth.alerts.invalid-tokens", "100",
      "A `security.alert` when this many requests with an invalid token come from one address, or name one client at "
          + "the token endpoint, within `mcpauth.alerts.invalid-tokens.window` (0: never)."),
  ALERTS_INVALID_TOKENS_WINDOW("mcpauth.alerts.invalid-tokens.window", "1m", "The window of `mcpauth.alerts.invalid-tokens`."),
  ALERTS_LOGIN_FAILURES("mcpauth.alerts.login-failures", "20",
      "A `security.alert` when this many sign-ins fail from one address, or for one username, within "
          + "`mcpauth.alerts.login-failures.window` (0: never)."),
  ALERTS_LOGIN_FAILURES_WINDOW("mcpauth.alerts.login-failures.window", "5m", "The window of `mcpauth.alerts.login-failures`."),
  ALERTS_KEYS_UNREACHABLE("mcpauth.alerts.keys-unreachable", "10m",
      "A `security.alert` when an issuer's keys have failed to load for this long (0: never)."),
  ALERTS_MIN_INTERVAL("mcpauth.alerts.min-interval", "5m",
      "After an alert, further alerts of its kind are held back for this long and counted; the next one says how many."),
  ALERTS_MAX_TRACKED("mcpauth.alerts.max-tracked", "10000",
      "Addresses, clients or usernames each detector tracks at most; the least recently seen are forgotten first."),
  METRICS_PORT("mcpauth.metrics.port", null,
      "When set, the agent serves its metrics in the Prometheus text format at `http://BIND-ADDRESS:PORT/metrics` "
          + "(GET only; 0 picks a free port, logged at start). Unset: no HTTP endpoint."),
  METRICS_BIND_ADDRESS("mcpauth.metrics.bind-address", "127.0.0.1",
      "Address (an IP literal) the metrics endpoint listens on. The metrics carry no secrets, but they tell who is "
          + "refused why: keep it on loopback or a monitoring network."),
  METRICS_JMX("mcpauth.metrics.jmx", "true",
      "Register the same metrics as MBeans in the domain `io.mcpauth` of the platform MBean server."),
  LOG_LEVEL("mcpauth.log.level", "INFO", "The agent's own log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF)."),
  LOG_FILE("mcpauth.log.file", null, "Write the agent's log to this file instead of standard error."),
  LOG_DENIALS_PER_SECOND("mcpauth.log.denials-per-second", "20",
      "Denied requests logged per second at most, one INFO line each; those beyond are counted by reason code, and the "
          + "next line written says how many were not (0: every one is logged). Each still counts in the metrics and "
          + "is an event of the audit trail.");

  /** The placeholder that marks a per-issuer key. */
  private static final String NAME = ".NAME.";
  /** The placeholders that end a scope-rule key: any name may stand there. */
  private static final class RuleNames {
    // A holder: the constants' constructors run before the enum's own static fields are set.
    static final java.util.List<String> ALL = java.util.List.of(".TOOL", ".PROMPT", ".URI", ".METHOD", ".SCOPE", ".CLAIM", ".GROUP");
  }

  private final String key;
  private final String defaultValue;
  private final String description;
  /** Computed once: every setting's name is compared with every key's family (ConfigSources#unknownKeys). */
  private final String ruleFamily;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
    this.ruleFamily = ruleFamilyOf(key);
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

  /**
   * The environment variable: upper case, with '.' and '-' replaced by '_'. Null for scope rules,
   * whose names (tool names, URIs) an environment variable's name cannot carry faithfully.
   */
  public String environmentVariable() {
    return ruleFamily() == null ? environmentVariable(key) : null;
  }

  /**
   * For a scope-rule key such as {@code mcpauth.scopes.tool.TOOL}: the prefix its keys share
   * ({@code mcpauth.scopes.tool.}); null for any other key.
   */
  public String ruleFamily() {
    return ruleFamily;
  }

  private static String ruleFamilyOf(String key) {
    for (String placeholder : RuleNames.ALL) {
      if (key.endsWith(placeholder)) {
        return key.substring(0, key.length() - placeholder.length() + 1);
      }
    }
    return null;
  }

  /** True for the keys of an additional issuer, whose {@code NAME} part is one of {@link #ADDITIONAL_ISSUERS}. */
  public boolean perIssuer() {
    return key.contains(NAME);
  }

  /** A per-issuer key for the issuer {@code name}, e.g. {@code mcpauth.issuer.partner.url}. */
  public String keyFor(String name) {
    return key.replace(NAME, "." + name + ".");
  }

  String environmentVariableFor(String name) {
    return environmentVariable(keyFor(name));
  }

  private static String environmentVariable(String key) {
    return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
