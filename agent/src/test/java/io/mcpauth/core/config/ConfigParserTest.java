package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** ConfigParser: precedence, validation, and every error reported at once. */
class ConfigParserTest {

  private static final String ISSUER = "https://as.example.com";
  private static final String RESOURCE = "https://mcp.example.com/mcp";

  private final Properties sysprops = new Properties();
  private final Map<String, String> env = new HashMap<>();

  private ConfigParserTest set(String key, String value) {
    sysprops.setProperty(key, value);
    return this;
  }

  private ConfigParserTest valid() {
    return set("mcpauth.issuer", ISSUER).set("mcpauth.resource", RESOURCE);
  }

  private AgentConfig parse() throws InvalidConfigException {
    return ConfigParser.parse(ConfigSources.of(sysprops, env));
  }

  private InvalidConfigException invalid() {
    return assertThrows(InvalidConfigException.class, this::parse);
  }

  /** Refused, and every error is about {@code property} (nothing else was wrong). */
  private void refused(String property) {
    InvalidConfigException e = invalid();
    assertFalse(e.errors().isEmpty());
    assertTrue(e.errors().stream().allMatch(error -> error.startsWith(property)), e.getMessage());
  }

  @Test
  @DisplayName("defaults with only issuer and resource")
  void defaults() throws Exception {
    AgentConfig config = valid().parse();
    assertTrue(config.enabled());
    assertEquals(URI.create(ISSUER), config.issuer());
    assertEquals(Set.of(RESOURCE), config.audiences());
    assertEquals(List.of(), config.requiredScopes());
    assertEquals(Duration.ofSeconds(60), config.clockSkew());
    assertEquals(Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"),
        config.algorithms());
    assertEquals(Set.of("at+jwt"), config.tokenTypes());
    assertEquals(Duration.ofHours(24), config.tokenMaxLifetime());
    assertEquals(8192, config.tokenMaxLength());
    assertEquals(10_000, config.tokenCacheSize());
    assertEquals(Duration.ofSeconds(30), config.jwksMinRefetchInterval());
    assertEquals("INFO", config.logLevel());
    assertEquals(URI.create("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
        AgentConfig.protectedResourceMetadataUrl(config.resource()));
  }

  @Test
  @DisplayName("environment variable names: upper case, '.' and '-' become '_'")
  void environmentNames() {
    assertEquals("MCPAUTH_ISSUER", ConfigKey.ISSUER.environmentVariable());
    assertEquals("MCPAUTH_CLOCK_SKEW", ConfigKey.CLOCK_SKEW.environmentVariable());
    assertEquals("MCPAUTH_TOKEN_CACHE_SIZE", ConfigKey.TOKEN_CACHE_SIZE.environmentVariable());
    assertEquals("MCPAUTH_JWKS_MIN_REFETCH_INTERVAL", ConfigKey.JWKS_MIN_REFETCH_INTERVAL.environmentVariable());
  }

  @Test
  @DisplayName("precedence: system property > environment > file > default")
  void precedence(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mcpauth.properties");
    Files.writeString(file, "mcpauth.clock-skew=10s\nmcpauth.resource=" + RESOURCE + "\nmcpauth.token.types=jwt\n");
    env.put("MCPAUTH_CONFIG", file.toString());
    env.put("MCPAUTH_ISSUER", ISSUER);
    env.put("MCPAUTH_CLOCK_SKEW", "20s");
    set("mcpauth.clock-skew", "30s");
    assertEquals(Duration.ofSeconds(30), parse().clockSkew());
    ConfigSources sources = ConfigSources.of(sysprops, env);
    assertEquals("system property", sources.sourceOf(ConfigKey.CLOCK_SKEW));
    assertEquals("environment", sources.sourceOf(ConfigKey.ISSUER));
    assertEquals("file", sources.sourceOf(ConfigKey.RESOURCE));
    assertEquals("default", sources.sourceOf(ConfigKey.TOKEN_MAX_LENGTH));

    sysprops.remove("mcpauth.clock-skew");
    assertEquals(Duration.ofSeconds(20), parse().clockSkew());
    env.remove("MCPAUTH_CLOCK_SKEW");
    assertEquals(Duration.ofSeconds(10), parse().clockSkew());
    assertEquals(URI.create(ISSUER), parse().issuer(), "issuer from the environment");
    assertEquals(Set.of("jwt"), parse().tokenTypes(), "token types from the file");
    Files.writeString(file, "mcpauth.resource=" + RESOURCE + "\n");
    assertEquals(Duration.ofSeconds(60), parse().clockSkew());
    set("mcpauth.resource", RESOURCE).set("mcpauth.config", dir.resolve("missing.properties").toString());
    refused("mcpauth.config");
  }

  @Test
  @DisplayName("every error at once, in one line that names each property")
  void allErrorsAtOnce() {
    set("mcpauth.clock-skew", "five minutes").set("mcpauth.algorithms", "RS256,HS256")
        .set("mcpauth.issuerr", ISSUER).set("mcpauth.token.max-length", "big")
        .set("mcpauth.issuer", "http://as.example.com");
    InvalidConfigException e = invalid();
    String message = e.getMessage();
    assertFalse(message.contains("\n") || message.contains("\r"), message);
    for (String property : List.of("mcpauth.issuer ", "mcpauth.resource", "mcpauth.clock-skew", "mcpauth.algorithms",
        "mcpauth.issuerr", "mcpauth.token.max-length")) {
      assertTrue(message.contains(property), property + " in " + message);
    }
    assertEquals(6, e.errors().size(), message);
    assertTrue(message.startsWith("mcpauth: configuration invalid (6 errors): "), message);
  }

  @Test
  @DisplayName("an external issuer needs a resource; jwks.uri needs an issuer")
  void required() {
    set("mcpauth.issuer", ISSUER).set("mcpauth.resource", "  ");
    refused("mcpauth.resource");
    sysprops.clear();
    set("mcpauth.jwks.uri", "https://as.example.com/jwks");
    refused("mcpauth.jwks.uri");
  }

  @Test
  @DisplayName("no issuer: the embedded authorization server with its documented defaults, and a loopback resource")
  void embeddedDefaults() throws InvalidConfigException {
    AgentConfig config = parse();
    assertTrue(config.embeddedAuthServer());
    assertTrue(config.loopbackResource());
    AuthServerConfig as = config.authServer();
    assertEquals(7979, as.port());
    assertTrue(as.bindAddress().isLoopbackAddress());
    assertEquals(Path.of(System.getProperty("user.home"), ".mcpauth"), as.dataDirectory());
    assertEquals(as.dataDirectory().resolve("users"), as.usersFile());
    assertEquals(List.of("mcp:tools", "offline_access"), as.scopes());
    assertEquals(URI.create("http://localhost:7979"), as.issuerFor(7979));
    assertEquals(Duration.ofMinutes(15), as.accessTokenLifetime());
    assertTrue(as.dynamicRegistration() && as.metadataDocuments());
    assertEquals(16384, as.metadataDocumentMaxBytes());
    assertFalse(as.metadataDocumentPrivateAddresses());
    assertFalse(as.toString().contains("password"), "no secret in the record's text");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "mcpauth.as.bind-address|0.0.0.0",
      "mcpauth.as.bind-address|example.com",
      "mcpauth.as.issuer|http://as.example.com",
      "mcpauth.as.issuer|https://as.example.com/",
      "mcpauth.as.issuer|https://as.example.com?x=1",
      "mcpauth.as.port|70000",
      "mcpauth.as.scopes|,",
      "mcpauth.as.tls.keystore|/nonexistent/keystore.p12",
      "mcpauth.as.cimd.trusted-hosts|exa mple!.com",
      "mcpauth.as.cimd.cache-min|2d",
      "mcpauth.as.access-token-lifetime|2d",
      "mcpauth.as.dcr|maybe"})
  @DisplayName("embedded authorization server settings that cannot be served safely are refused, naming the key")
  void embeddedRefused(String key, String value) {
    set(key, value);
    refused(key);
  }

  @Test
  @DisplayName("plain http on a non-loopback address only with the explicit opt-in")
  void insecureHttpOptIn() throws InvalidConfigException {
    set("mcpauth.as.bind-address", "0.0.0.0").set("mcpauth.as.insecure-http", "true");
    AgentConfig config = parse();
    assertTrue(config.authServer().insecureHttp());
  }

  @ParameterizedTest(name = "issuer {0}")
  @ValueSource(strings = {"http://as.example.com", "http://10.0.0.1", "http://127.0.0.1.nip.io", "http://localhost.evil.com",
      "ftp://as.example.com", "as.example.com", "/issuer", "https://user@as.example.com", "https://as.example.com#x",
      "https://as example.com"})
  @DisplayName("an issuer over plain http to a non-loopback host, or not an absolute https URI, is refused")
  void issuerRefused(String issuer) {
    set("mcpauth.issuer", issuer).set("mcpauth.resource", RESOURCE);
    refused("mcpauth.issuer");
  }

  @ParameterizedTest(name = "issuer {0}")
  @ValueSource(strings = {"http://localhost:8080", "http://127.0.0.1:9000/realms/x", "http://[::1]:8080", "https://as.example.com/tenant/"})
  @DisplayName("plain http is accepted for loopback issuers")
  void issuerAccepted(String issuer) throws Exception {
    set("mcpauth.issuer", issuer).set("mcpauth.resource", RESOURCE);
    assertEquals(issuer, parse().issuer().toString());
  }

  @ParameterizedTest(name = "resource {0}")
  @ValueSource(strings = {"https://MCP.example.com/mcp", "HTTPS://mcp.example.com/mcp", "https://mcp.example.com/mcp#frag",
      "https://mcp.example.com/mcp?x=1", "http://mcp.example.com/mcp", "mcp.example.com/mcp"})
  @DisplayName("a resource with upper-case scheme/host, a fragment or query, or plain http is refused")
  void resourceRefused(String resource) {
    set("mcpauth.issuer", ISSUER).set("mcpauth.resource", resource);
    refused("mcpauth.resource");
  }

  @ParameterizedTest(name = "algorithms {0}")
  @ValueSource(strings = {"none", "NONE", "RS256,none", "HS256", "hs512", "RS256 HS384", "ES256K", "RS1", ",", ""})
  @DisplayName("algorithms containing none, HS* or unknown names (or none at all) are refused")
  void algorithmsRefused(String algorithms) {
    valid().set("mcpauth.algorithms", algorithms);
    refused("mcpauth.algorithms");
  }

  @Test
  @DisplayName("algorithms, token types, audiences and scopes are parsed as lists")
  void lists() throws Exception {
    AgentConfig config = valid().set("mcpauth.algorithms", "ES256, EdDSA ES256")
        .set("mcpauth.token.types", "AT+JWT, application/JWT none")
        .set("mcpauth.audience", "api://mcp, " + RESOURCE)
        .set("mcpauth.scopes.required", "tools:read, tools:write tools:read").parse();
    assertEquals(Set.of("ES256", "EdDSA"), config.algorithms());
    assertEquals(Set.of("at+jwt", "jwt", "none"), config.tokenTypes());
    assertEquals(Set.of("api://mcp", RESOURCE), config.audiences());
    assertEquals(List.of("tools:read", "tools:write"), config.requiredScopes());
    sysprops.clear();
    valid().set("mcpauth.audience", "api://mcp,,x");
    refused("mcpauth.audience");
    sysprops.clear();
    valid().set("mcpauth.scopes.required", "tools:\"read\"");
    refused("mcpauth.scopes.required");
  }

  @Test
  @DisplayName("an unknown mcpauth.* system property (a typo) is refused; other properties are ignored")
  void unknownProperties(@TempDir Path dir) throws IOException {
    valid().set("mcpauth.clockskew", "30s").set("java.vendor.x", "y").set("mcpauthx", "z");
    InvalidConfigException e = invalid();
    assertEquals(List.of("mcpauth.clockskew is not a known setting"), e.errors());
    sysprops.clear();
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "mcpauth.jwks.url=https://as.example.com/jwks\n");
    valid().set("mcpauth.config", file.toString());
    refused("mcpauth.jwks.url");
  }

  @ParameterizedTest(name = "clock-skew {0}")
  @ValueSource(strings = {"5 minutes", "-1s", "1.5s", "", "11m", "1w", "s", "99999999999s", "PT30S"})
  @DisplayName("bad or out-of-range durations are refused")
  void badDurations(String skew) {
    valid().set("mcpauth.clock-skew", skew);
    refused("mcpauth.clock-skew");
  }

  @Test
  @DisplayName("durations: ms/s/m/h/d units, bare numbers are seconds, case and spaces are tolerated")
  void durations() throws Exception {
    AgentConfig config = valid().set("mcpauth.clock-skew", "90").set("mcpauth.http.timeout", "500ms")
        .set("mcpauth.token.max-lifetime", "2D").set("mcpauth.jwks.refresh-interval", " 10 m ").parse();
    assertEquals(Duration.ofSeconds(90), config.clockSkew());
    assertEquals(Duration.ofMillis(500), config.httpTimeout());
    assertEquals(Duration.ofDays(2), config.tokenMaxLifetime());
    assertEquals(Duration.ofMinutes(10), config.jwksRefreshInterval());
    sysprops.clear();
    valid().set("mcpauth.token.max-lifetime", "30s");
    refused("mcpauth.token.max-lifetime");
  }

  @Test
  @DisplayName("numbers out of range and bad booleans / log levels are refused")
  void numbersAndEnums() {
    valid().set("mcpauth.token.max-length", "100");
    refused("mcpauth.token.max-length");
    sysprops.clear();
    valid().set("mcpauth.token-cache.size", "-1");
    refused("mcpauth.token-cache.size");
    sysprops.clear();
    valid().set("mcpauth.enabled", "yes");
    refused("mcpauth.enabled");
    sysprops.clear();
    valid().set("mcpauth.log.level", "VERBOSE");
    refused("mcpauth.log.level");
  }

  @Test
  @DisplayName("enabled=false parses even without issuer and resource")
  void disabled() throws Exception {
    set("mcpauth.enabled", "false");
    assertFalse(parse().enabled());
    set("mcpauth.enabled", " FALSE ");
    assertFalse(parse().enabled());
    sysprops.clear();
    env.put("MCPAUTH_ENABLED", "false");
    assertFalse(parse().enabled());
  }

  @Test
  @DisplayName("RS-18: allowed origins must be http(s) origins")
  void allowedOrigins() throws Exception {
    assertEquals(List.of("https://app.example.com", "http://localhost:6274"),
        valid().set("mcpauth.allowed-origins", "https://app.example.com, http://localhost:6274").parse().allowedOrigins());
    sysprops.clear();
    valid().set("mcpauth.allowed-origins", "https://app.example.com/path,app.example.com");
    InvalidConfigException e = invalid();
    assertEquals(List.of("mcpauth.allowed-origins has 'https://app.example.com/path', which is not an http(s) origin such as"
        + " https://app.example.com", "mcpauth.allowed-origins has 'app.example.com', which is not an http(s) origin such as"
        + " https://app.example.com"), e.errors());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uFF18\uFF10\uFF18\uFF10", "\u0668\u0660\u0668\u0660", "+8080", "8080\u3000", "\u00A08080", "99999999999"})
  @DisplayName("a whole number is ASCII digits with an optional '-': full-width, Arabic-Indic, '+' and non-ASCII spaces are refused")
  void wholeNumbersAreAscii(String size) {
    valid().set("mcpauth.token-cache.size", size);
    refused("mcpauth.token-cache.size");
  }

  @Test
  @DisplayName("log level and booleans compare in ASCII case only: '\u0131nfo' (dotless i) is no INFO")
  void wordsAreAscii() {
    valid().set("mcpauth.log.level", "\u0131nfo");
    refused("mcpauth.log.level");
    assertFalse(ConfigParser.isLoopback("localho\u017Ft"));
    assertTrue(ConfigParser.isLoopback("LOCALHOST"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cafe", "dead", "1.2.3.4.5", "12345678901", "999.0.0.1", "127.1", "2130706433", "localhost6", ""})
  @DisplayName("an address is read as a literal only: a name that looks hex or numeric is never resolved")
  void ipLiteralsOnly(String text) {
    // "cafe" and "1.2.3.4.5" used to reach InetAddress.getByName, which asks the name service
    assertEquals(null, ConfigParser.ipLiteral(text));
    assertFalse(ConfigParser.isLoopback(text));
  }

  @Test
  void ipLiteralsRead() {
    assertTrue(ConfigParser.isLoopback("127.0.0.1"));
    assertTrue(ConfigParser.isLoopback("[::1]"));
    assertTrue(ConfigParser.isLoopback("localhost"));
    assertEquals("/10.0.0.255", ConfigParser.ipLiteral("10.0.0.255").toString());
    assertEquals("/0:0:0:0:0:0:0:1", ConfigParser.ipLiteral("::1").toString());
  }
}
