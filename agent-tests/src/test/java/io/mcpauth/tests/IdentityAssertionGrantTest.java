package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.NodeClient;
import io.mcpauth.tests.support.TestIdentityProvider;
import io.mcpauth.tests.support.TokenBuilder;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Enterprise-Managed Authorization against the shaded agent jar: the embedded authorization
 * server redeems Identity Assertion JWT Authorization Grants (ID-JAG) from a trusted enterprise IdP
 * with the jwt-bearer grant, and the fixture's gate admits the access token it issues. The MCP
 * TypeScript SDK (1.32.2) has no client for this grant, so the assertions are minted here with the
 * test IdP's keys, as the IdP's token exchange would mint them.
 */
class IdentityAssertionGrantTest {

  private static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TestIdentityProvider idp;
  private static TestIdentityProvider untrusted;
  private static EmbeddedAuthServer server;
  private static final List<String> secrets = new ArrayList<>();

  @BeforeAll
  static void start() {
    idp = TestIdentityProvider.start();
    untrusted = TestIdentityProvider.start();
    server = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1).transport("streamable")
        .property("mcpauth.as.id-jag.issuers", idp.issuer()), "alice");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      List<String> all = new ArrayList<>(secrets);
      all.addAll(idp.mintedTokens());
      LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), all);
    }
    idp.close();
    untrusted.close();
  }

  record Registered(String id, String secret) {}

  private static Registered register(String authMethod, String grantTypes) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.issuer() + "/register"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"token_endpoint_auth_method\":\"" + authMethod + "\",\"grant_types\":" + grantTypes
                + ",\"redirect_uris\":[\"http://127.0.0.1:1/cb\"],\"client_name\":\"enterprise agent\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    Map<String, Object> json = NodeClient.parse(response.body());
    if (json.get("client_secret") != null) {
      secrets.add((String) json.get("client_secret"));
    }
    return new Registered((String) json.get("client_id"), (String) json.get("client_secret"));
  }

  private static Registered confidential() throws Exception {
    return register("client_secret_basic", "[\"authorization_code\",\"" + GRANT + "\"]");
  }

  private static String resource() {
    return "http://localhost:" + server.mcpPort();
  }

  /** An ID-JAG as the IdP's token exchange mints it for {@code clientId}. */
  private static TokenBuilder assertion(TestIdentityProvider from, String clientId) {
    return from.token(server.issuer()).header("typ", "oauth-id-jag+jwt").claim("client_id", clientId)
        .claim("sub", "U019488227").claim("resource", resource()).claim("scope", "mcp:tools");
  }

  private static HttpResponse<String> redeem(Registered client, String assertion, String... extra) throws Exception {
    StringBuilder form = new StringBuilder("grant_type=" + enc(GRANT) + "&assertion=" + enc(assertion));
    for (int i = 0; i < extra.length; i += 2) {
      form.append('&').append(extra[i]).append('=').append(enc(extra[i + 1]));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.issuer() + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if (client.secret() != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (enc(client.id()) + ":" + enc(client.secret())).getBytes(StandardCharsets.UTF_8)));
    } else {
      form.append("&client_id=").append(enc(client.id()));
    }
    HttpResponse<String> response = HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200) {
      secrets.add((String) NodeClient.parse(response.body()).get("access_token"));
    }
    return response;
  }

  private static String error(HttpResponse<String> response) {
    return (String) NodeClient.parse(response.body()).get("error");
  }

  @Test
  @DisplayName("EMA-01: metadata lists the jwt-bearer grant and the id-jag profile, never the trusted IdP")
  void metadata() {
    HttpResponse<String> response = io.mcpauth.tests.support.Http.get(server.issuer()
        + "/.well-known/oauth-authorization-server");
    Map<String, Object> metadata = NodeClient.parse(response.body());
    assertTrue(((List<?>) metadata.get("grant_types_supported")).contains(GRANT), response.body());
    assertEquals(List.of("urn:ietf:params:oauth:grant-profile:id-jag"), metadata.get("authorization_grant_profiles_supported"));
    assertFalse(response.body().contains(idp.issuer()));
  }

  @Test
  @DisplayName("EMA-02: an ID-JAG buys an access token the gate admits: sub as asserted, no refresh token; replay refused")
  void redeemedAndAdmitted() throws Exception {
    Registered client = confidential();
    String assertion = assertion(idp, client.id()).sign();
    HttpResponse<String> response = redeem(client, assertion);
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> body = NodeClient.parse(response.body());
    assertFalse(body.containsKey("refresh_token"), response.body());
    assertEquals("mcp:tools", body.get("scope"));
    String token = (String) body.get("access_token");
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(resource())
        .endpoint("/mcp").httpRequestCustomizer((request, method, uri, requestBody, context) ->
            request.header("Authorization", "Bearer " + token)).build();
    try (McpSyncClient mcp = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
        .initializationTimeout(Duration.ofSeconds(10)).build()) {
      mcp.initialize();
      McpSchema.CallToolResult whoami = mcp.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
      String text = ((McpSchema.TextContent) whoami.content().get(0)).text();
      assertTrue(text.contains("\"subject\":\"U019488227\"") && text.contains("\"client_id\":\"" + client.id() + "\""), text);
    }
    HttpResponse<String> replay = redeem(client, assertion);
    assertEquals(400, replay.statusCode());
    assertEquals("invalid_grant", error(replay));
  }

  @Test
  @DisplayName("EMA-03: invalid_grant for a bent assertion: other client, aud, iss, alg none, jwk/jku header, expired, typ")
  void bentAssertions() throws Exception {
    Registered client = confidential();
    Registered other = confidential();
    Map<String, String> bent = new java.util.LinkedHashMap<>();
    bent.put("another client's assertion", assertion(idp, other.id()).sign());
    bent.put("aud the token endpoint", idp.token(server.issuer() + "/token").header("typ", "oauth-id-jag+jwt")
        .claim("client_id", client.id()).claim("resource", resource()).sign());
    bent.put("an untrusted IdP", assertion(untrusted, client.id()).sign());
    bent.put("a trusted iss, signed by another IdP's key", assertion(untrusted, client.id()).claim("iss", idp.issuer()).sign());
    bent.put("typ at+jwt", assertion(idp, client.id()).header("typ", "at+jwt").sign());
    bent.put("expired", assertion(idp, client.id()).expiresIn(-120).sign());
    bent.put("jwk in the header", assertion(idp, client.id()).header("jwk", NodeClient.parse(idp.publicJwkJson("rsa-1"))).sign());
    bent.put("jku in the header", assertion(idp, client.id()).header("jku", idp.jwksUri()).sign());
    String valid = assertion(idp, client.id()).sign();
    String[] parts = valid.split("\\.");
    bent.put("alg none", Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"none\",\"typ\":\"oauth-id-jag+jwt\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".");
    for (Map.Entry<String, String> entry : bent.entrySet()) {
      HttpResponse<String> response = redeem(client, entry.getValue());
      assertEquals(400, response.statusCode(), entry.getKey() + ": " + response.body());
      assertEquals("invalid_grant", error(response), entry.getKey());
    }
    assertEquals(200, redeem(client, valid).statusCode(), "the valid one was not used up by the refusals");
  }

  @Test
  @DisplayName("EMA-04: invalid_target for a resource not ours; invalid_client for a wrong secret or a public client")
  void targetAndClient() throws Exception {
    Registered client = confidential();
    HttpResponse<String> elsewhere = redeem(client, assertion(idp, client.id()).claim("resource",
        "https://elsewhere.example.com/mcp").sign());
    assertEquals("invalid_target", error(elsewhere));
    HttpResponse<String> wrongSecret = redeem(new Registered(client.id(), "not-the-secret"), assertion(idp, client.id()).sign());
    assertEquals(401, wrongSecret.statusCode());
    assertEquals("invalid_client", error(wrongSecret));
    Registered publicClient = register("none", "[\"authorization_code\"]");
    HttpResponse<String> refused = redeem(publicClient, assertion(idp, publicClient.id()).sign());
    assertEquals(401, refused.statusCode());
    assertEquals("invalid_client", error(refused));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
