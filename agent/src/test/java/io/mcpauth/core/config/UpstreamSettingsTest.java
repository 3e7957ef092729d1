package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mcpauth.as.upstream.* and mcpauth.as.id-jag.* keys: what they make, and one error line naming each bad property. */
class UpstreamSettingsTest {

  private static final String SECRET = "upstream-secret-value-42";

  @TempDir
  Path dir;

  private final Properties sysprops = new Properties();

  private UpstreamSettingsTest set(String key, String value) {
    sysprops.setProperty(key, value);
    return this;
  }

  private UpstreamSettingsTest upstream() {
    return set("mcpauth.as.upstream.issuer", "https://login.example.com/realms/corp")
        .set("mcpauth.as.upstream.client-id", "mcpauth");
  }

  private AuthServerConfig parse() throws InvalidConfigException {
    return ConfigParser.parse(ConfigSources.of(sysprops, Map.of())).authServer();
  }

  private void refused(String property) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, this::parse);
    assertTrue(e.errors().stream().allMatch(error -> error.startsWith(property)), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  @DisplayName("off by default; the defaults when on: openid email profile, sub, groups, a public client")
  void defaults() throws Exception {
    assertNull(parse().upstream());
    assertTrue(parse().idJagIssuers().isEmpty());
    UpstreamConfig config = upstream().parse().upstream();
    assertEquals(URI.create("https://login.example.com/realms/corp"), config.issuer());
    assertEquals(List.of("openid", "email", "profile"), config.scopes());
    assertEquals("sub", config.subjectClaim());
    assertEquals("groups", config.groupsClaim());
    assertNull(config.clientSecret());
  }

  @Test
  @DisplayName("secret from a file, rules by claim and by group, email domains, id-jag issuers")
  void full() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    upstream().set("mcpauth.as.upstream.client-secret-file", secret.toString())
        .set("mcpauth.as.scopes", "mcp:tools mcp:admin offline_access")
        .set("mcpauth.as.upstream.require.email_verified", "true")
        .set("mcpauth.as.upstream.scopes-from./corp/admins", "mcp:admin")
        .set("mcpauth.as.upstream.email-domains", "Example.com, example.org")
        .set("mcpauth.as.id-jag.issuers", "https://idp.example.com, https://other.example.com");
    AuthServerConfig as = parse();
    assertEquals(SECRET, as.upstream().clientSecret());
    assertEquals(Map.of("email_verified", List.of("true")), as.upstream().requiredClaims());
    assertEquals(Map.of("/corp/admins", List.of("mcp:admin")), as.upstream().scopesFromGroups());
    assertEquals(List.of("example.com", "example.org"), as.upstream().emailDomains());
    assertEquals(List.of(URI.create("https://idp.example.com"), URI.create("https://other.example.com")), as.idJagIssuers());
    assertFalse(as.upstream().toString().contains(SECRET));
  }

  @Test
  @DisplayName("each bad setting stops the start with one line naming it")
  void refusals() {
    set("mcpauth.as.upstream.client-id", "x");
    refused("mcpauth.as.upstream.client-id");
    sysprops.clear();
    set("mcpauth.as.upstream.issuer", "https://login.example.com");
    refused("mcpauth.as.upstream.client-id");
    sysprops.clear();
    upstream().set("mcpauth.as.upstream.issuer", "http://login.example.com");
    refused("mcpauth.as.upstream.issuer");
    sysprops.clear();
    upstream().set("mcpauth.as.upstream.client-secret", SECRET).set("mcpauth.as.upstream.client-secret-file", "/x");
    refused("mcpauth.as.upstream.client-secret");
    sysprops.clear();
    upstream().set("mcpauth.as.upstream.scopes", "email profile");
    refused("mcpauth.as.upstream.scopes");
    sysprops.clear();
    upstream().set("mcpauth.as.upstream.authorization-parameters", "prompt=consent&redirect_uri=https://evil");
    refused("mcpauth.as.upstream.authorization-parameters");
    sysprops.clear();
    upstream().set("mcpauth.as.upstream.scopes-from.admins", "mcp:nothing");
    refused("mcpauth.as.upstream.scopes-from.admins");
    sysprops.clear();
    upstream().set("mcpauth.as.upstream.email-domains", "not a domain");
    refused("mcpauth.as.upstream.email-domains");
    sysprops.clear();
    set("mcpauth.as.id-jag.issuers", "http://idp.example.com");
    refused("mcpauth.as.id-jag.issuers");
    sysprops.clear();
    set("mcpauth.as.id-jag.issuers", "https://idp.example.com,https://idp.example.com");
    refused("mcpauth.as.id-jag.issuers");
  }
}
