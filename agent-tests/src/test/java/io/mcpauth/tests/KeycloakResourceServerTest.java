package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.Keycloak;
import io.mcpauth.tests.support.LogHygiene;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The agent as a resource server in front of a fixture, with tokens a real Keycloak issues: the
 * Keycloak recipe of docs/identity-providers.md followed as written (the audience mapper on a realm
 * default client scope, {@code mcpauth.token.types=at+jwt,jwt}), Keycloak's own {@code at+jwt}
 * option, a key rotation in Keycloak, introspection with revocation, and two server JVMs behind the
 * one issuer.
 */
class KeycloakResourceServerTest {

  private static final String RESOURCE = "https://mcp.example.com/mcp";
  private static final String REALM = "acme";

  private static Keycloak keycloak;
  private static String audienceScope;
  private static final List<Fixture> fixtures = new ArrayList<>();
  private static final List<String> tokens = new ArrayList<>();

  @BeforeAll
  static void start() {
    keycloak = Keycloak.shared();
    keycloak.createRealm(REALM);
    audienceScope = keycloak.addAudienceScope(REALM, "mcp-server", RESOURCE);
  }

  @AfterAll
  static void stop() {
    List<String> secrets = new ArrayList<>(tokens);
    secrets.addAll(keycloak.secrets());
    for (Fixture fixture : fixtures) {
      fixture.close();
      LogHygiene.assertNoSecretLogged("a fixture protected by Keycloak", fixture.output(), secrets);
    }
  }

  /** The recipe's agent settings, as docs/identity-providers.md gives them for Keycloak. */
  private static Fixture.Builder recipe(String realm) {
    return Fixture.builder()
        .property("mcpauth.issuer", keycloak.issuer(realm))
        .property("mcpauth.resource", RESOURCE)
        .property("mcpauth.token.types", "at+jwt,jwt");
  }

  private static Fixture started(Fixture.Builder builder) {
    Fixture fixture = builder.start();
    fixtures.add(fixture);
    return fixture;
  }

  private static String token(String realm, String clientId) {
    String token = keycloak.accessToken(realm, clientId, Keycloak.ALICE);
    tokens.add(token);
    return token;
  }

  private static int initialize(Fixture server, String token) {
    return Http.post(server.url(), Http.INITIALIZE, "Authorization", Http.bearer(token)).statusCode();
  }

  /** The status of an initialize with {@code token}; the server's log in the message when it is not {@code expected}. */
  private static void assertStatus(int expected, Fixture server, String token, String why) {
    int status = initialize(server, token);
    assertEquals(expected, status, () -> why + "\n--- server log\n" + server.output());
  }

  /** whoami through the MCP Java SDK client: what the tools see of the caller. */
  private static Map<String, Object> whoami(Fixture server, String token) {
    McpSyncHttpClientRequestCustomizer bearer = (request, method, uri, body, context) ->
        request.header("Authorization", Http.bearer(token));
    try (McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(server.baseUrl()).endpoint("/mcp")
        .httpRequestCustomizer(bearer).build()).requestTimeout(Duration.ofSeconds(10))
        .initializationTimeout(Duration.ofSeconds(10)).build()) {
      client.initialize();
      McpSchema.CallToolResult whoami = client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
      return Keycloak.json(((McpSchema.TextContent) whoami.content().get(0)).text());
    }
  }

  @Test
  @DisplayName("KC-01: the Keycloak recipe as written: Keycloak's tokens (typ JWT, and at+jwt with the client option) are accepted; the caller is the user and azp")
  void theRecipeAsWritten() {
    String jwt = token(REALM, Keycloak.CLIENT);
    String atJwt = token(REALM, Keycloak.CLIENT_RFC9068);
    // what the recipe says of Keycloak's tokens
    assertEquals("JWT", Keycloak.jwtPart(jwt, 0).get("typ"), "Keycloak's default access token typ");
    assertEquals("at+jwt", Keycloak.jwtPart(atJwt, 0).get("typ"), "the client's at+jwt option");
    Map<String, Object> claims = Keycloak.jwtPart(jwt, 1);
    assertTrue(String.valueOf(claims.get("aud")).contains(RESOURCE), "the audience mapper puts the resource in aud: "
        + claims.get("aud"));
    assertEquals(Keycloak.CLIENT, claims.get("azp"));
    assertEquals(null, claims.get("client_id"), "Keycloak names the client in azp only");

    Fixture server = started(recipe(REALM));
    String alice = keycloak.userId(REALM, Keycloak.ALICE);
    Map<String, Object> caller = whoami(server, jwt);
    assertEquals(alice, caller.get("subject"));
    assertEquals(Keycloak.CLIENT, caller.get("client_id"), "without client_id, the caller's client is azp");
    assertEquals(Keycloak.CLIENT_RFC9068, whoami(server, atJwt).get("client_id"));

    // an ID token of the same realm has typ JWT too: its aud (the client) keeps it out
    String idToken = (String) keycloak.tokenResponse(REALM, Keycloak.CLIENT, Keycloak.ALICE).get("id_token");
    assertNotNull(idToken, "an ID token (scope openid)");
    tokens.add(idToken);
    assertStatus(401, server, idToken, "an ID token is not an access token for the resource");

    // the realm default scope reaches a client registered afterwards (dynamic registration)
    Map<String, Object> registered = keycloak.registerClient(REALM, "registered after the recipe");
    String registeredToken = keycloak.clientCredentialsToken(REALM, (String) registered.get("client_id"),
        (String) registered.get("client_secret"));
    tokens.add(registeredToken);
    assertTrue(String.valueOf(Keycloak.jwtPart(registeredToken, 1).get("aud")).contains(RESOURCE),
        "a dynamically registered client's tokens name the resource too");
    assertStatus(200, server, registeredToken, "");
  }

  @Test
  @DisplayName("KC-02: without mcpauth.token.types, Keycloak's typ JWT is refused and the client's at+jwt option is accepted")
  void theAtJwtOption() {
    Fixture server = started(Fixture.builder().property("mcpauth.issuer", keycloak.issuer(REALM))
        .property("mcpauth.resource", RESOURCE));
    assertStatus(401, server, token(REALM, Keycloak.CLIENT), "");
    assertStatus(200, server, token(REALM, Keycloak.CLIENT_RFC9068), "");
  }

  @Test
  @DisplayName("KC-03: a key rotation in Keycloak (new active key, old one passive) is picked up without a restart")
  void keyRotation() throws Exception {
    String realm = "rotation";
    keycloak.createRealm(realm);
    keycloak.addAudienceScope(realm, "mcp-server", RESOURCE);
    // a short unknown-kid window keeps the test short; the default (30s) only delays the pick-up
    Fixture server = started(recipe(realm).property("mcpauth.jwks.min-refetch-interval", "3s"));
    String before = token(realm, Keycloak.CLIENT);
    String oldKid = (String) Keycloak.jwtPart(before, 0).get("kid");
    assertStatus(200, server, before, "");

    keycloak.rotateRsaKey(realm);
    String after = token(realm, Keycloak.CLIENT);
    String newKid = (String) Keycloak.jwtPart(after, 0).get("kid");
    assertNotEquals(oldKid, newKid, "Keycloak signs with the new key");
    assertTrue(keycloak.publishedKids(realm).contains(oldKid), "the passive key stays published");

    long deadline = System.nanoTime() + 15_000_000_000L;
    int status = initialize(server, after);
    while (status != 200 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      status = initialize(server, after);
    }
    assertEquals(200, status, "a token signed with the new key is accepted by the running server");
    assertStatus(200, server, token(realm, Keycloak.CLIENT), "");
    assertStatus(200, server, before, "a token of the passive key is still accepted");
  }

  @Test
  @DisplayName("KC-04: introspection at Keycloak; a token revoked there is refused within the cache TTL")
  void introspectionAndRevocation() throws Exception {
    // Keycloak 26.7 answers active: false unless the introspecting client is in the token's aud
    keycloak.addClientAudience(REALM, audienceScope, Keycloak.SERVER_CLIENT);
    Path secret = Files.createTempFile("mcpauth-kc-introspection", ".secret");
    Files.writeString(secret, keycloak.serverSecret() + "\n");
    String issuer = keycloak.issuer(REALM);
    Fixture server = started(Fixture.builder()
        .property("mcpauth.issuer", issuer)
        .property("mcpauth.resource", RESOURCE)
        .property("mcpauth.introspection.uri", issuer + "/protocol/openid-connect/token/introspect")
        .property("mcpauth.introspection.client-id", Keycloak.SERVER_CLIENT)
        .property("mcpauth.introspection.client-secret-file", secret.toString())
        .property("mcpauth.introspection.cache-ttl", "3s"));
    String token = token(REALM, Keycloak.CLIENT);
    assertStatus(200, server, token, "");

    keycloak.revoke(REALM, Keycloak.CLIENT, token);
    long revoked = System.nanoTime();
    int status = initialize(server, token);
    while (status == 200 && System.nanoTime() - revoked < 10_000_000_000L) {
      Thread.sleep(250);
      status = initialize(server, token);
    }
    long refusedAfterMs = (System.nanoTime() - revoked) / 1_000_000;
    assertEquals(401, status, "the revoked token is refused");
    assertTrue(refusedAfterMs <= 3_000 + 1_500, "refused within the 3 s cache TTL (and a request): " + refusedAfterMs + " ms");
    assertStatus(200, server, token(REALM, Keycloak.CLIENT), "another token of the same user still works");
  }

  @Test
  @DisplayName("KC-05: two server JVMs behind the one Keycloak issuer accept the same token")
  void twoServersOneIssuer() {
    Fixture first = started(recipe(REALM));
    Fixture second = started(recipe(REALM));
    String token = token(REALM, Keycloak.CLIENT);
    Map<String, Object> onFirst = whoami(first, token);
    Map<String, Object> onSecond = whoami(second, token);
    assertEquals(keycloak.userId(REALM, Keycloak.ALICE), onFirst.get("subject"));
    assertEquals(onFirst, onSecond, "both servers see the same caller");
  }
}
