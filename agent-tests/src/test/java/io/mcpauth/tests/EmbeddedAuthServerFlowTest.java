package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The zero-configuration default end to end: a fixture started with the agent and no issuer, a
 * client that discovers everything from the 401, registers, goes through login and consent, and
 * calls tools with the real MCP Java SDK client. Then the token lifecycle as the resource server
 * sees it: refresh rotation, reuse detection, revocation taking effect on the next request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedAuthServerFlowTest {

  private EmbeddedAuthServer server;
  private String resource;
  private final List<String> secrets = new ArrayList<>();

  @BeforeAll
  void start() {
    server = EmbeddedAuthServer.start(Fixture.builder().property("mcpauth.as.dcr.per-minute", "1000"), "alice");
    resource = "http://localhost:" + server.mcpPort() + "/";
    secrets.add(server.password());
  }

  @AfterAll
  void stop() {
    server.close();
    LogHygiene.assertNoSecretLogged("the fixture", server.fixture().output(), secrets);
  }

  @Test
  @DisplayName("AS-02, RS-01..03: from a bare 401 a client finds the resource, its authorization server and every endpoint")
  void discoveryFromThe401() {
    HttpResponse<String> denied = Http.post(server.mcpUrl("localhost"), Http.INITIALIZE);
    assertEquals(401, denied.statusCode());
    Matcher metadataUrl = Pattern.compile("resource_metadata=\"([^\"]+)\"")
        .matcher(denied.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertTrue(metadataUrl.find());
    Map<String, Object> prm = OAuthDriver.json(Http.get(metadataUrl.group(1)).body());
    assertEquals(resource, prm.get("resource"), "the resource is the loopback origin the client used");
    assertEquals(List.of(server.issuer()), prm.get("authorization_servers"));
    assertEquals(List.of("mcp:tools"), prm.get("scopes_supported"));

    Map<String, Object> as = OAuthDriver.json(Http.get(server.issuer() + "/.well-known/oauth-authorization-server").body());
    assertEquals(server.issuer(), as.get("issuer"));
    for (String endpoint : List.of("authorization", "token", "registration", "revocation", "introspection")) {
      assertEquals(server.issuer() + "/" + Map.of("authorization", "authorize", "registration", "register",
          "revocation", "revoke", "introspection", "introspect", "token", "token").get(endpoint),
          as.get(endpoint + "_endpoint"), endpoint);
    }
    assertEquals(server.issuer() + "/jwks", as.get("jwks_uri"));
    assertEquals(List.of("code"), as.get("response_types_supported"));
    assertEquals(List.of("authorization_code", "refresh_token", "client_credentials"), as.get("grant_types_supported"));
    assertEquals(List.of("S256"), as.get("code_challenge_methods_supported"));
    assertEquals(List.of("none", "client_secret_basic", "client_secret_post"), as.get("token_endpoint_auth_methods_supported"));
    assertEquals(List.of("mcp:tools", "offline_access"), as.get("scopes_supported"));
    assertEquals(Boolean.TRUE, as.get("client_id_metadata_document_supported"));
    assertEquals(Boolean.TRUE, as.get("authorization_response_iss_parameter_supported"));
  }

  @Test
  @DisplayName("register, sign in, consent, then the MCP Java SDK client lists and calls tools with the token")
  void javaSdkClientAfterTheBrowserFlow() {
    OAuthDriver browser = new OAuthDriver(server.issuer());
    OAuthDriver.Client client = browser.registerPublic("Java SDK client");
    Map<String, Object> tokens = browser.tokens(client, resource, "mcp:tools offline_access", "alice", server.password());
    String accessToken = (String) tokens.get("access_token");
    remember(tokens);
    assertEquals("Bearer", tokens.get("token_type"));
    assertEquals("mcp:tools offline_access", tokens.get("scope"));
    assertEquals(900L, ((Number) tokens.get("expires_in")).longValue());

    try (McpSyncClient mcp = client("localhost", accessToken)) {
      mcp.initialize();
      assertTrue(mcp.listTools().tools().stream().anyMatch(tool -> tool.name().equals("echo")));
      McpSchema.CallToolResult result = mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hello")));
      assertEquals("hello", ((McpSchema.TextContent) result.content().get(0)).text());
      McpSchema.CallToolResult whoami = mcp.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
      assertEquals("{\"subject\":\"alice\",\"client_id\":\"" + client.id() + "\",\"scopes\":[\"mcp:tools\",\"offline_access\"]}",
          ((McpSchema.TextContent) whoami.content().get(0)).text(), "the tool sees who called it");
    }
    // The token is bound to the origin it was requested for (RFC 8707): 127.0.0.1 is another resource.
    assertEquals(401, Http.post(server.mcpUrl("127.0.0.1"), Http.INITIALIZE, "Authorization", "Bearer " + accessToken)
        .statusCode());
  }

  @Test
  @DisplayName("AS-12, AS-SEC-34: refresh rotates; replaying the old refresh token revokes the family at the resource server")
  void refreshRotationAndReuse() {
    OAuthDriver browser = new OAuthDriver(server.issuer());
    OAuthDriver.Client client = browser.registerPublic("rotating client");
    Map<String, Object> first = browser.tokens(client, resource, "mcp:tools offline_access", "alice", server.password());
    remember(first);
    HttpResponse<String> refreshed = browser.refresh(client, (String) first.get("refresh_token"));
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    assertEquals("no-store", refreshed.headers().firstValue("Cache-Control").orElse(""));
    Map<String, Object> second = OAuthDriver.json(refreshed.body());
    remember(second);
    assertNotEquals(first.get("refresh_token"), second.get("refresh_token"));
    assertAccepted((String) first.get("access_token"));
    assertAccepted((String) second.get("access_token"));

    HttpResponse<String> replay = browser.refresh(client, (String) first.get("refresh_token"));
    assertEquals(400, replay.statusCode());
    assertEquals("invalid_grant", OAuthDriver.json(replay.body()).get("error"));
    assertRefused((String) first.get("access_token"));
    assertRefused((String) second.get("access_token"));
    assertEquals(400, browser.refresh(client, (String) second.get("refresh_token")).statusCode(),
        "the current refresh token of a revoked family is dead too");
  }

  @Test
  @DisplayName("AS-16: a revoked access token is refused on its very next request, though the resource server had cached it")
  void revocationTakesEffectAtOnce() {
    OAuthDriver browser = new OAuthDriver(server.issuer());
    OAuthDriver.Client client = browser.registerPublic("revoking client");
    Map<String, Object> tokens = browser.tokens(client, resource, "mcp:tools offline_access", "alice", server.password());
    remember(tokens);
    String accessToken = (String) tokens.get("access_token");
    assertAccepted(accessToken);
    assertAccepted(accessToken);
    HttpResponse<String> revoked = browser.postTo("/revoke", Map.of("token", accessToken, "client_id", client.id()));
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertRefused(accessToken);

    // Revoking the refresh token ends the grant: a new access token from it dies with it.
    HttpResponse<String> refreshed = browser.refresh(client, (String) tokens.get("refresh_token"));
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    Map<String, Object> next = OAuthDriver.json(refreshed.body());
    remember(next);
    assertAccepted((String) next.get("access_token"));
    assertEquals(200, browser.postTo("/revoke", Map.of("token", (String) next.get("refresh_token"),
        "token_type_hint", "refresh_token", "client_id", client.id())).statusCode());
    assertRefused((String) next.get("access_token"));
  }

  @Test
  @DisplayName("AS-16: introspection answers a confidential client: active for a live token, inactive once revoked")
  void introspection() {
    OAuthDriver browser = new OAuthDriver(server.issuer());
    OAuthDriver.Client client = browser.registerPublic("introspected client");
    Map<String, Object> tokens = browser.tokens(client, resource, "mcp:tools", "alice", server.password());
    remember(tokens);
    OAuthDriver.Client resourceServer = browser.registerConfidential("resource server", "client_secret_basic",
        "[\"authorization_code\"]");
    secrets.add(resourceServer.secret());
    String accessToken = (String) tokens.get("access_token");

    Map<String, Object> active = OAuthDriver.json(browser.postTo("/introspect", Map.of("token", accessToken),
        "Authorization", OAuthDriver.basic(resourceServer)).body());
    assertEquals(Boolean.TRUE, active.get("active"));
    assertEquals("alice", active.get("sub"));
    assertEquals(client.id(), active.get("client_id"));
    assertEquals(resource, active.get("aud"));
    assertEquals("mcp:tools", active.get("scope"));

    assertEquals(401, browser.postTo("/introspect", Map.of("token", accessToken, "client_id", client.id())).statusCode(),
        "a public client may not introspect");
    browser.postTo("/revoke", Map.of("token", accessToken, "client_id", client.id()));
    Map<String, Object> inactive = OAuthDriver.json(browser.postTo("/introspect", Map.of("token", accessToken),
        "Authorization", OAuthDriver.basic(resourceServer)).body());
    assertEquals(Map.of("active", false), inactive);
  }

  @Test
  @DisplayName("EXT-01: client credentials for a service client made with 'client add', whose token the resource server accepts")
  void clientCredentials() {
    OAuthDriver browser = new OAuthDriver(server.issuer());
    EmbeddedAuthServer.CommandResult added = server.client("add", "--client-id", "service", "--scope", "mcp:tools");
    assertEquals(0, added.exit(), added.stderr());
    OAuthDriver.Client service = new OAuthDriver.Client("service", added.value("client_secret"), null);
    secrets.add(service.secret());
    HttpResponse<String> response = browser.token(Map.of("grant_type", "client_credentials", "resource", resource),
        "Authorization", OAuthDriver.basic(service));
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> tokens = OAuthDriver.json(response.body());
    remember(tokens);
    assertFalse(tokens.containsKey("refresh_token"));
    assertAccepted((String) tokens.get("access_token"));
  }

  private void assertAccepted(String accessToken) {
    HttpResponse<String> response = Http.post(server.mcpUrl("localhost"), Http.INITIALIZE, "Authorization", "Bearer " + accessToken);
    assertEquals(200, response.statusCode(), response.body());
  }

  private void assertRefused(String accessToken) {
    HttpResponse<String> response = Http.post(server.mcpUrl("localhost"), Http.INITIALIZE, "Authorization", "Bearer " + accessToken);
    assertEquals(401, response.statusCode(), response.body());
  }

  private void remember(Map<String, Object> tokens) {
    for (String name : List.of("access_token", "refresh_token")) {
      if (tokens.get(name) instanceof String value) {
        secrets.add(value);
      }
    }
  }

  private McpSyncClient client(String host, String accessToken) {
    McpSyncHttpClientRequestCustomizer auth = (request, method, uri, body, context) ->
        request.header("Authorization", "Bearer " + accessToken);
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder("http://" + host + ":" + server.mcpPort()).endpoint("/mcp").httpRequestCustomizer(auth).build();
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).initializationTimeout(Duration.ofSeconds(10))
        .build();
  }
}
