package io.mcpauth.core.config;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.rpc.JsonRpcPeek;
import io.mcpauth.core.rpc.OriginCheck;
import io.mcpauth.core.scopes.ScopePolicy;
import io.mcpauth.core.text.Ascii;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns {@link ConfigSources} into an {@link AgentConfig}, collecting every error before failing. */
public final class ConfigParser {

  static final Set<String> KNOWN_ALGORITHMS = Set.of(
      "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?");
  // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  final ConfigSources sources;
  final List<String> errors = new ArrayList<>();

  private ConfigParser(ConfigSources sources) {
    this.sources = sources;
  }

  public static AgentConfig parse(ConfigSources sources) throws InvalidConfigException {
    return new ConfigParser(sources).parse();
  }

  private AgentConfig parse() throws InvalidConfigException {
    if (sources.fileError() != null) {
      errors.add(ConfigKey.CONFIG_FILE.key() + ": " + sources.fileError());
    }
    for (String unknown : sources.unknownKeys(IssuerSettings.listedNames(sources))) {
      errors.add(unknown + " is not a known setting");
    }
    boolean enabled = bool(ConfigKey.ENABLED);
    if (!enabled && errors.isEmpty()) {
      // Nothing will be enforced, so nothing else needs to be valid; only logging is used.
      return AgentConfig.builder().logLevel(logLevel()).logFile(blankToNull(sources.get(ConfigKey.LOG_FILE))).build();
    }
    URI issuer = httpUri(ConfigKey.ISSUER, false);
    URI jwksUri = httpUri(ConfigKey.JWKS_URI, false);
    boolean embedded = blankToNull(sources.get(ConfigKey.ISSUER)) == null;
    if (embedded && jwksUri != null) {
      errors.add(ConfigKey.JWKS_URI.key() + " needs " + ConfigKey.ISSUER.key()
          + " (without an issuer the embedded authorization server signs the tokens)");
    }
    IssuerSettings issuerSettings = new IssuerSettings(this, embedded);
    IntrospectionSettings introspection = issuerSettings.primaryIntrospection();
    List<TrustedIssuer> additionalIssuers = issuerSettings.additionalIssuers(issuer);
    Duration introspectionCacheTtl = duration(ConfigKey.INTROSPECTION_CACHE_TTL, Duration.ZERO, Duration.ofHours(1));
    URI resource = resource(!embedded);
    AuthServerConfig authServer = embedded ? new AuthServerSettings(this).parse() : null;
    Set<String> audiences = audiences(resource);
    ScopePolicy scopePolicy = new ScopePolicySettings(this).parse();
    int maxBodyBytes = integer(ConfigKey.MAX_BODY_BYTES, 1024, JsonRpcPeek.LARGEST_MAX_BODY_BYTES);
    boolean filterToolList = bool(ConfigKey.FILTER_TOOLS_LIST);
    String scopePrefix = scopePrefix();
    List<String> allowedOrigins = allowedOrigins();
    if (authServer != null) {
      for (String scope : scopePolicy.namedScopes()) {
        if (!scopePolicy.grants(authServer.scopes(), List.of(scope))) {
          errors.add("the scope rules need '" + LogText.printable(scope) + "', which the embedded authorization server "
              + "does not offer: add it to " + ConfigKey.AS_SCOPES.key());
        }
      }
    }
    Duration skew = duration(ConfigKey.CLOCK_SKEW, Duration.ZERO, Duration.ofMinutes(10));
    Set<String> algorithms = algorithms();
    Set<String> tokenTypes = tokenTypes();
    Duration maxLifetime = duration(ConfigKey.TOKEN_MAX_LIFETIME, Duration.ofMinutes(1), Duration.ofDays(366));
    int maxLength = integer(ConfigKey.TOKEN_MAX_LENGTH, 256, 1 << 20);
    int cacheSize = integer(ConfigKey.TOKEN_CACHE_SIZE, 0, 10_000_000);
    Duration refresh = duration(ConfigKey.JWKS_REFRESH_INTERVAL, Duration.ofSeconds(1), Duration.ofDays(7));
    Duration minRefetch = duration(ConfigKey.JWKS_MIN_REFETCH_INTERVAL, Duration.ZERO, Duration.ofDays(1));
    Duration timeout = duration(ConfigKey.HTTP_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(2));
    int maxBytes = integer(ConfigKey.JWKS_MAX_BYTES, 1024, 64 << 20);
    String logLevel = logLevel();
    String logFile = blankToNull(sources.get(ConfigKey.LOG_FILE));
    int logDenials = integer(ConfigKey.LOG_DENIALS_PER_SECOND, 0, 1_000_000);
    Duration sessionIdle = duration(ConfigKey.SESSION_IDLE_TIMEOUT, Duration.ofMinutes(1), Duration.ofDays(30));
    int sessionMax = integer(ConfigKey.SESSION_MAX_BINDINGS, 100, 10_000_000);
    AuditConfig audit = new AuditSettings(this).parse();
    MetricsConfig metrics = metrics();
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
    return AgentConfig.builder()
        .enabled(enabled)
        .issuer(issuer)
        .jwksUri(jwksUri)
        .introspection(introspection)
        .additionalIssuers(additionalIssuers)
        .introspectionCacheTtl(introspectionCacheTtl)
        .resource(resource)
        .audiences(audiences)
        .scopePolicy(scopePolicy)
        .advertisedScopePrefix(scopePrefix)
        .clockSkew(skew)
        .algorithms(algorithms)
        .tokenTypes(tokenTypes)
        .tokenMaxLifetime(maxLifetime)
        .tokenMaxLength(maxLength)
        .tokenCacheSize(cacheSize)
        .jwksRefreshInterval(refresh)
        .jwksMinRefetchInterval(minRefetch)
        .httpTimeout(timeout)
        .maxDocumentBytes(maxBytes)
        .logLevel(logLevel)
        .logFile(logFile)
        .logDenialsPerSecond(logDenials)
        .sessionIdleTimeout(sessionIdle)
        .sessionMaxBindings(sessionMax)
        .authServer(authServer)
        .maxBodyBytes(maxBodyBytes)
        .filterToolList(filterToolList)
        .allowedOrigins(allowedOrigins)
        .audit(audit)
        .metrics(metrics)
        .build();
  }

  private MetricsConfig metrics() {
    boolean jmx = bool(ConfigKey.METRICS_JMX);
    String address = Ascii.trim(sources.get(ConfigKey.METRICS_BIND_ADDRESS));
    // A literal address only, as for the authorization server: never wherever a name resolves today.
    InetAddress bind = ipLiteral(address);
    if (bind == null) {
      errors.add(ConfigKey.METRICS_BIND_ADDRESS.key() + " must be an IP address, not '" + LogText.printable(address) + "'");
    }
    int port = blankToNull(sources.get(ConfigKey.METRICS_PORT)) == null ? -1 : integer(ConfigKey.METRICS_PORT, 0, 65535);
    return new MetricsConfig(bind, port, jmx);
  }

  boolean bool(ConfigKey key) {
    String value = Ascii.toLowerCase(Ascii.trim(sources.get(key)));
    if (!value.equals("true") && !value.equals("false")) {
      errors.add(key.key() + " must be true or false, not '" + LogText.printable(value) + "'");
    }
    return !value.equals("false");
  }

  /** An absolute http(s) URI without fragment; plain http only towards a loopback host. */
  URI httpUri(ConfigKey key, boolean required) {
    return httpUri(key.key(), sources.get(key), required);
  }

  /** {@link #httpUri(ConfigKey, boolean)} for the value of {@code property}, e.g. a per-issuer key. */
  URI httpUri(String property, String rawValue, boolean required) {
    String value = blankToNull(rawValue);
    if (value == null) {
      if (required) {
        errors.add(property + " is required");
      }
      return null;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      errors.add(property + " is not a valid URI: '" + LogText.printable(value) + "'");
      return null;
    }
    if (!uri.isAbsolute() || uri.getRawAuthority() == null || uri.getHost() == null) {
      errors.add(property + " must be an absolute URI with a host, not '" + LogText.printable(value) + "'");
      return null;
    }
    String scheme = uri.getScheme();
    if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(uri.getHost()))) {
      errors.add(property + " must use https (plain http is accepted only for a loopback host): '"
          + LogText.printable(value) + "'");
      return null;
    }
    if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      errors.add(property + " must not have a fragment or user info: '" + LogText.printable(value) + "'");
      return null;
    }
    return uri;
  }

  private URI resource(boolean required) {
    URI uri = httpUri(ConfigKey.RESOURCE, false);
    String raw = blankToNull(sources.get(ConfigKey.RESOURCE));
    if (raw == null) {
      if (required) {
        errors.add(ConfigKey.RESOURCE.key() + " is required with " + ConfigKey.ISSUER.key()
            + " (the canonical URI of this MCP server, e.g. https://mcp.example.com/mcp)");
      }
      return null;
    }
    if (uri == null) {
      return null;
    }
    // RFC 9728 §3.3 / MCP canonical server URI: compared as strings, so it must be canonical.
    String host = uri.getHost();
    if (!uri.getScheme().equals(Ascii.toLowerCase(uri.getScheme()))
        || !host.equals(Ascii.toLowerCase(host))) {
      errors.add(ConfigKey.RESOURCE.key() + " must have a lower-case scheme and host: '" + LogText.printable(raw) + "'");
    }
    if (uri.getRawQuery() != null) {
      errors.add(ConfigKey.RESOURCE.key() + " must not have a query: '" + LogText.printable(raw) + "'");
    }
    return uri;
  }

  private Set<String> audiences(URI resource) {
    String value = blankToNull(sources.get(ConfigKey.AUDIENCE));
    Set<String> audiences = new LinkedHashSet<>();
    if (value == null) {
      if (resource != null) {
        audiences.add(resource.toString());
      }
      return Set.copyOf(audiences);
    }
    for (String part : value.split(",")) {
      String audience = part.trim();
      if (audience.isEmpty()) {
        errors.add(ConfigKey.AUDIENCE.key() + " has an empty entry: '" + LogText.printable(value) + "'");
      } else {
        audiences.add(audience);
      }
    }
    return Set.copyOf(audiences);
  }

  /** RS-18: each entry an http(s) origin; a path or query would suggest a URL was meant to match more. */
  private List<String> allowedOrigins() {
    List<String> origins = new ArrayList<>();
    for (String part : sources.get(ConfigKey.ALLOWED_ORIGINS).split(",")) {
      String origin = part.trim();
      if (origin.isEmpty()) {
        continue;
      }
      try {
        new OriginCheck(List.of(origin));
        URI uri = new URI(origin);
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
          throw new IllegalArgumentException("a path");
        }
        origins.add(origin);
      } catch (IllegalArgumentException | URISyntaxException e) {
        errors.add(ConfigKey.ALLOWED_ORIGINS.key() + " has '" + LogText.printable(origin)
            + "', which is not an http(s) origin such as https://app.example.com");
      }
    }
    return List.copyOf(origins);
  }

  /** Empty, or characters a scope may hold (RFC 6749 §3.3): what it prefixes must stay a scope. */
  private String scopePrefix() {
    String prefix = sources.get(ConfigKey.SCOPES_ADVERTISED_PREFIX);
    if (!prefix.isEmpty() && !SCOPE_TOKEN.matcher(prefix).matches()) {
      errors.add(ConfigKey.SCOPES_ADVERTISED_PREFIX.key() + " has a character no scope may hold: '"
          + LogText.printable(prefix) + "' (RFC 6749 §3.3)");
    }
    return prefix;
  }

  List<String> scopes(ConfigKey key) {
    return scopes(key.key(), sources.get(key));
  }

  /** A space or comma separated list of RFC 6749 scopes; {@code where} names it in errors. */
  List<String> scopes(String where, String value) {
    List<String> scopes = new ArrayList<>();
    for (String part : value.split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!SCOPE_TOKEN.matcher(part).matches()) {
        errors.add(where + " has an invalid scope '" + LogText.printable(part) + "' (RFC 6749 §3.3)");
      } else if (!scopes.contains(part)) {
        scopes.add(part);
      }
    }
    return List.copyOf(scopes);
  }

  private Set<String> algorithms() {
    Set<String> algorithms = new LinkedHashSet<>();
    for (String part : sources.get(ConfigKey.ALGORITHMS).split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      if (KNOWN_ALGORITHMS.contains(part)) {
        algorithms.add(part);
      } else if (Ascii.equalsIgnoreCase(part, "none") || Ascii.startsWithIgnoreCase(part, "HS")) {
        errors.add(ConfigKey.ALGORITHMS.key() + ": '" + LogText.printable(part)
            + "' can never be enabled (unsigned or shared-secret tokens against public keys)");
      } else {
        errors.add(ConfigKey.ALGORITHMS.key() + ": unknown algorithm '" + LogText.printable(part)
            + "' (known: " + String.join(", ", new java.util.TreeSet<>(KNOWN_ALGORITHMS)) + ")");
      }
    }
    if (algorithms.isEmpty()) {
      errors.add(ConfigKey.ALGORITHMS.key() + " must name at least one algorithm");
    }
    return Set.copyOf(algorithms);
  }

  private Set<String> tokenTypes() {
    Set<String> types = new LinkedHashSet<>();
    for (String part : sources.get(ConfigKey.TOKEN_TYPES).split("[,\\s]+")) {
      String type = Ascii.toLowerCase(part);
      if (type.startsWith("application/")) {
        type = type.substring("application/".length());
      }
      if (!type.isEmpty()) {
        types.add(type);
      }
    }
    if (types.isEmpty()) {
      errors.add(ConfigKey.TOKEN_TYPES.key() + " must name at least one type (e.g. at+jwt)");
    }
    return Set.copyOf(types);
  }

  Duration duration(ConfigKey key, Duration min, Duration max) {
    String value = Ascii.toLowerCase(Ascii.trim(sources.get(key)));
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      errors.add(key.key() + " must be a duration such as 500ms, 30s, 5m, 1h or 2d, not '" + LogText.printable(value) + "'");
      return min;
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration duration = switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofSeconds(amount);
    };
    if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
      errors.add(key.key() + " must lie between " + min + " and " + max + ", not " + value);
      return min;
    }
    return duration;
  }

  int integer(ConfigKey key, int min, int max) {
    String value = Ascii.trim(sources.get(key));
    boolean negative = value.startsWith("-");
    long magnitude = Ascii.parseDecimal(negative ? value.substring(1) : value, 10);
    if (magnitude < 0) {
      errors.add(key.key() + " must be a whole number, not '" + LogText.printable(value) + "'");
      return min;
    }
    long n = negative ? -magnitude : magnitude;
    if (n < min || n > max) {
      errors.add(key.key() + " must lie between " + min + " and " + max + ", not " + n);
      return min;
    }
    return (int) n;
  }

  private String logLevel() {
    String level = Ascii.toUpperCase(Ascii.trim(sources.get(ConfigKey.LOG_LEVEL)));
    if (!LOG_LEVELS.contains(level)) {
      errors.add(ConfigKey.LOG_LEVEL.key() + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, not '"
          + LogText.printable(level) + "'");
      return "INFO";
    }
    return level;
  }

  static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (Ascii.equalsIgnoreCase(h, "localhost")) {
      return true;
    }
    InetAddress address = ipLiteral(h);
    return address != null && address.isLoopbackAddress();
  }

  /**
   * The address {@code text} spells as a literal, dotted-quad IPv4 or IPv6, or null; never asks
   * DNS. The JDK's getByName resolves whatever is not a literal it reads: "cafe", "1.2.3.4.5" and
   * "12345678901" fit a pattern of hex digits or of digits and dots, yet went to the name service.
   */
  static InetAddress ipLiteral(String text) {
    try {
      if (text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
        String[] parts = text.split("\\.");
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return null;
          }
          address[i] = (byte) octet;
        }
        return InetAddress.getByAddress(address);
      }
      // With a colon in it, the JDK parses the text as an IPv6 literal and never asks DNS.
      if (text.indexOf(':') >= 0 && text.matches("[0-9a-fA-F:.]+")) {
        return InetAddress.getByName(text);
      }
    } catch (java.net.UnknownHostException e) {
      return null;
    }
    return null;
  }

  /** A file path as configured; a leading {@code ~/} is the user's home directory. */
  static Path path(String value) {
    String path = value.trim();
    if (path.equals("~") || path.startsWith("~/")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return Path.of(path).toAbsolutePath().normalize();
  }

  static String blankToNull(String value) {
    return value == null || Ascii.isBlank(value) ? null : Ascii.trim(value);
  }

}
