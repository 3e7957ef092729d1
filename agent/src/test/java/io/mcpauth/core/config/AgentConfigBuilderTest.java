package io.mcpauth.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** AgentConfig.builder(): the defaults of a disabled agent in one place, and copies that change one thing. */
class AgentConfigBuilderTest {

  private static AgentConfig parse(String... keyValues) throws InvalidConfigException {
    Properties properties = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return ConfigParser.parse(ConfigSources.of(properties, new HashMap<>()));
  }

  @Test
  @DisplayName("a builder given nothing but the log settings is the configuration of a disabled agent")
  void defaultsAreADisabledAgent() throws Exception {
    AgentConfig disabled = parse("mcpauth.enabled", "false", "mcpauth.log.level", "warn");
    // ScopePolicy has identity equality: the disabled agent's policy requires nothing.
    assertEquals(List.of(), AgentConfig.builder().build().scopePolicy().everyRequest());
    assertEquals(AgentConfig.builder().logLevel("WARN").scopePolicy(disabled.scopePolicy()).build(), disabled);
    assertFalse(disabled.enabled());
    assertEquals(List.of(), disabled.requiredScopes());
  }

  @Test
  @DisplayName("toBuilder keeps every setting; requiredScopes follows the scope policy")
  void copies() throws Exception {
    AgentConfig config = parse("mcpauth.issuer", "https://as.example.com", "mcpauth.resource", "https://mcp.example.com/mcp",
        "mcpauth.scopes.required", "tools:read", "mcpauth.clock-skew", "5s");
    assertEquals(config, config.toBuilder().build());
    assertEquals(List.of("tools:read"), config.requiredScopes());
    AgentConfig other = config.toBuilder().resource(URI.create("https://other.example.com/mcp")).build();
    assertNotEquals(config, other);
    assertEquals(config.clockSkew(), other.clockSkew());
    assertEquals(config.scopePolicy(), other.scopePolicy());
  }

  @Test
  @DisplayName("withIssuer changes the issuer of the configuration and of the embedded authorization server, nothing else")
  void withIssuer() throws Exception {
    AgentConfig embedded = parse("mcpauth.as.port", "0");
    URI bound = URI.create("http://127.0.0.1:43210");
    AgentConfig withIssuer = embedded.withIssuer(bound);
    assertEquals(bound, withIssuer.issuer());
    assertEquals(embedded.authServer().withIssuer(bound), withIssuer.authServer());
    assertEquals(embedded.toBuilder().issuer(bound).authServer(embedded.authServer().withIssuer(bound)).build(), withIssuer);
  }
}
