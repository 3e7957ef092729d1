package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The introspection keys and the additional issuers: what they make, and one error line naming each bad property. */
class IssuerSettingsTest {

  private static final String ISSUER = "https://as.example.com";
  private static final String RESOURCE = "https://mcp.example.com/mcp";
  private static final String INTROSPECT = "https://as.example.com/introspect";
  private static final String SECRET = "very-secret-value-42";

  private final Properties sysprops = new Properties();
  private final Map<String, String> env = new HashMap<>();

  private IssuerSettingsTest set(String key, String value) {
    sysprops.setProperty(key, value);
    return this;
  }

  private IssuerSettingsTest external() {
    return set("mcpauth.issuer", ISSUER).set("mcpauth.resource", RESOURCE);
  }

  private IssuerSettingsTest introspection() {
    return external().set("mcpauth.introspection.uri", INTROSPECT)
        .set("mcpauth.introspection.client-id", "mcp").set("mcpauth.introspection.client-secret", SECRET);
  }

  private IssuerSettingsTest partner(String url) {
    return set("mcpauth.additional-issuers", "partner").set("mcpauth.issuer.partner.url", url);
  }

  private AgentConfig parse() throws InvalidConfigException {
    return ConfigParser.parse(ConfigSources.of(sysprops, env));
  }

  /** Refused with errors about {@code property} only, each on the one line, and the secret nowhere. */
  private InvalidConfigException refused(String property) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, this::parse);
    assertFalse(e.errors().isEmpty());
    assertTrue(e.errors().stream().allMatch(error -> error.startsWith(property)), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    return e;
  }

  @Test
  @DisplayName("introspection with an inline secret; the secret stays out of toString")
  void introspectionWithSecret() throws Exception {
    AgentConfig config = introspection().parse();
    IntrospectionSettings settings = config.introspection();
    assertEquals(URI.create(INTROSPECT), settings.endpoint());
    assertEquals("mcp", settings.clientId());
    assertEquals(SECRET, settings.clientSecret());
    assertEquals(Duration.ofSeconds(60), config.introspectionCacheTtl());
    assertFalse(config.toString().contains(SECRET), config.toString());
    assertEquals(List.of(new TrustedIssuer(URI.create(ISSUER), null, settings)), config.trustedIssuers());
    assertTrue(config.trustedIssuers().get(0).introspected());
  }

  @Test
  @DisplayName("without introspection keys the issuer is verified with its JWKS")
  void jwksByDefault() throws Exception {
    AgentConfig config = external().parse();
    assertNull(config.introspection());
    assertFalse(config.trustedIssuers().get(0).introspected());
    assertEquals(List.of(), config.additionalIssuers());
  }

  @Test
  @DisplayName("the secret file is read at start; surrounding whitespace is dropped")
  void secretFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, "  " + SECRET + "\r\n");
    introspection().set("mcpauth.introspection.client-secret-file", file.toString());
    sysprops.remove("mcpauth.introspection.client-secret");
    assertEquals(SECRET, parse().introspection().clientSecret());
  }

  @Test
  @DisplayName("the secret from the environment, the file name from a properties file")
  void otherSources() throws Exception {
    introspection();
    sysprops.remove("mcpauth.introspection.client-secret");
    env.put("MCPAUTH_INTROSPECTION_CLIENT_SECRET", SECRET);
    assertEquals(SECRET, parse().introspection().clientSecret());
  }

  @Test
  @DisplayName("a missing, empty or oversized secret file is one error naming the property, never the content")
  void badSecretFiles(@TempDir Path dir) throws Exception {
    introspection();
    sysprops.remove("mcpauth.introspection.client-secret");
    set("mcpauth.introspection.client-secret-file", dir.resolve("absent").toString());
    refused("mcpauth.introspection.client-secret-file");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    set("mcpauth.introspection.client-secret-file", empty.toString());
    refused("mcpauth.introspection.client-secret-file");
    Path huge = Files.writeString(dir.resolve("huge"), SECRET.repeat(500));
    set("mcpauth.introspection.client-secret-file", huge.toString());
    refused("mcpauth.introspection.client-secret-file");
    Path control = Files.writeString(dir.resolve("control"), SECRET + "\u0007x");
    set("mcpauth.introspection.client-secret-file", control.toString());
    refused("mcpauth.introspection.client-secret-file");
    set("mcpauth.introspection.client-secret-file", dir.toString());
    refused("mcpauth.introspection.client-secret-file");
  }

  @Test
  @DisplayName("exactly one of the secret and the secret file")
  void exactlyOneSecret(@TempDir Path dir) throws Exception {
    introspection().set("mcpauth.introspection.client-secret-file", Files.writeString(dir.resolve("s"), SECRET).toString());
    refused("mcpauth.introspection.client-secret");
    sysprops.remove("mcpauth.introspection.client-secret");
    sysprops.remove("mcpauth.introspection.client-secret-file");
    refused("mcpauth.introspection.client-secret");
  }

  @Test
  @DisplayName("the client id is required; an inline secret with a control character is refused without echo")
  void clientCredentials() {
    introspection();
    sysprops.remove("mcpauth.introspection.client-id");
    refused("mcpauth.introspection.client-id");
    introspection().set("mcpauth.introspection.client-secret", SECRET + "\u0000");
    refused("mcpauth.introspection.client-secret");
  }

  @Test
  @DisplayName("RS-SEC-56: an issuer is introspected or verified with its JWKS, never both")
  void jwksAndIntrospectionExcludeEachOther() {
    introspection().set("mcpauth.jwks.uri", "https://as.example.com/jwks");
    refused("mcpauth.jwks.uri");
  }

  @Test
  @DisplayName("client settings without the endpoint, and plain http to a remote endpoint, are refused")
  void endpoint() {
    external().set("mcpauth.introspection.client-id", "mcp");
    refused("mcpauth.introspection.client-id");
    sysprops.clear();
    introspection().set("mcpauth.introspection.uri", "http://as.example.com/introspect");
    refused("mcpauth.introspection.uri");
    introspection().set("mcpauth.introspection.uri", "http://127.0.0.1:9000/introspect");
    assertTrue(ok());
  }

  @Test
  @DisplayName("the cache TTL lies between 0 and 1h")
  void cacheTtl() throws Exception {
    introspection().set("mcpauth.introspection.cache-ttl", "0");
    assertEquals(Duration.ZERO, parse().introspectionCacheTtl());
    set("mcpauth.introspection.cache-ttl", "2h");
    refused("mcpauth.introspection.cache-ttl");
  }

  @Test
  @DisplayName("introspection and additional issuers need an external issuer, not the embedded server")
  void notWithTheEmbeddedServer() {
    set("mcpauth.introspection.uri", INTROSPECT);
    refused("mcpauth.introspection.uri");
    sysprops.clear();
    partner("https://partner.example.com");
    refused("mcpauth.additional-issuers");
  }

  @Test
  @DisplayName("additional issuers, in order, each with its JWKS or its introspection endpoint")
  void additionalIssuers() throws Exception {
    external().set("mcpauth.additional-issuers", "partner, legacy2")
        .set("mcpauth.issuer.partner.url", "https://partner.example.com")
        .set("mcpauth.issuer.partner.jwks.uri", "https://partner.example.com/keys")
        .set("mcpauth.issuer.legacy2.url", "https://legacy.example.com/realms/x")
        .set("mcpauth.issuer.legacy2.introspection.uri", "https://legacy.example.com/introspect")
        .set("mcpauth.issuer.legacy2.introspection.client-id", "mcp")
        .set("mcpauth.issuer.legacy2.introspection.client-secret", SECRET);
    AgentConfig config = parse();
    assertEquals(3, config.trustedIssuers().size());
    assertEquals(URI.create(ISSUER), config.trustedIssuers().get(0).issuer());
    TrustedIssuer partner = config.trustedIssuers().get(1);
    assertEquals(URI.create("https://partner.example.com"), partner.issuer());
    assertEquals(URI.create("https://partner.example.com/keys"), partner.jwksUri());
    TrustedIssuer legacy = config.trustedIssuers().get(2);
    assertEquals(URI.create("https://legacy.example.com/introspect"), legacy.introspection().endpoint());
    assertEquals(SECRET, legacy.introspection().clientSecret());
  }

  @Test
  @DisplayName("per-issuer keys from the environment: MCPAUTH_ISSUER_<NAME>_URL")
  void perIssuerEnvironment() throws Exception {
    external().set("mcpauth.additional-issuers", "partner");
    env.put("MCPAUTH_ISSUER_PARTNER_URL", "https://partner.example.com");
    assertEquals(URI.create("https://partner.example.com"), parse().additionalIssuers().get(0).issuer());
    assertEquals("MCPAUTH_ISSUER_NAME_URL", ConfigKey.ISSUER_NAMED_URL.environmentVariable());
  }

  @Test
  @DisplayName("a per-issuer key for a name that is not listed is a misspelling")
  void unlistedName() {
    external().partner("https://partner.example.com").set("mcpauth.issuer.partnr.jwks.uri", "https://partner.example.com/k");
    refused("mcpauth.issuer.partnr.jwks.uri");
    sysprops.clear();
    external().partner("https://partner.example.com").set("mcpauth.issuer.partner.jwks-uri", "https://partner.example.com/k");
    refused("mcpauth.issuer.partner.jwks-uri");
    sysprops.clear();
    external().set("mcpauth.issuer.NAME.url", "https://partner.example.com");
    refused("mcpauth.issuer.NAME.url");
  }

  @Test
  @DisplayName("an additional issuer needs its url, a valid name, and must not repeat an issuer")
  void additionalIssuerErrors() {
    external().set("mcpauth.additional-issuers", "partner");
    refused("mcpauth.issuer.partner.url");
    sysprops.clear();
    external().set("mcpauth.additional-issuers", "Partner");
    refused("mcpauth.additional-issuers");
    sysprops.clear();
    external().partner("https://partner.example.com").set("mcpauth.additional-issuers", "partner,partner");
    refused("mcpauth.additional-issuers");
    sysprops.clear();
    external().partner(ISSUER);
    refused("mcpauth.issuer.partner.url");
    sysprops.clear();
    external().partner("http://partner.example.com");
    refused("mcpauth.issuer.partner.url");
  }

  @Test
  @DisplayName("an additional issuer's JWKS and introspection exclude each other; its introspection needs credentials")
  void additionalIssuerIntrospection() {
    external().partner("https://partner.example.com")
        .set("mcpauth.issuer.partner.jwks.uri", "https://partner.example.com/keys")
        .set("mcpauth.issuer.partner.introspection.uri", "https://partner.example.com/introspect")
        .set("mcpauth.issuer.partner.introspection.client-id", "mcp")
        .set("mcpauth.issuer.partner.introspection.client-secret", SECRET);
    refused("mcpauth.issuer.partner.jwks.uri");
    sysprops.remove("mcpauth.issuer.partner.jwks.uri");
    sysprops.remove("mcpauth.issuer.partner.introspection.client-secret");
    refused("mcpauth.issuer.partner.introspection.client-secret");
  }

  private boolean ok() {
    try {
      parse();
      return true;
    } catch (InvalidConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
