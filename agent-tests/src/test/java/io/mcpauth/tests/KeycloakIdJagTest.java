package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.Keycloak;
import io.mcpauth.tests.support.LogHygiene;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Enterprise-managed authorization with a real IdP: a user signs in at Keycloak, the client
 * exchanges the ID token there (RFC 8693, {@code requested_token_type} id-jag) for an ID-JAG, and
 * redeems it at the embedded authorization server. The Keycloak client is configured as
 * Keycloak's issuer guide says (feature {@code identity-assertion-jwt}, client attributes
 * {@code id.jag.*}, standard token exchange on).
 *
 * <p>Keycloak 26.7 has only the receiving side of ID-JAG; its issuer (a token-exchange provider
 * for the id-jag token type) came later. Against a Keycloak without it, the test checks that the
 * sign-in and the client's authentication worked and that the exchange is refused for its token
 * type alone, then ends as <em>skipped</em> with Keycloak's answer: our side was not reached.
 * Against a Keycloak that issues, it runs the whole flow.
 */
class KeycloakIdJagTest {

  private static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final String ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";
  private static final String REALM = "enterprise";

  private static Keycloak keycloak;
  private static EmbeddedAuthServer server;
  private static final List<String> secrets = new ArrayList<>();

  @BeforeAll
  static void start() {
    keycloak = Keycloak.shared();
    keycloak.createRealm(REALM);
    server = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1).transport("streamable")
        .property("mcpauth.as.id-jag.issuers", keycloak.issuer(REALM)), "alice");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      List<String> all = new ArrayList<>(secrets);
      all.addAll(keycloak.secrets());
      LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), all);
    }
  }

  record Registered(String id, String secret) {}

  /** A confidential client registered with us (DCR) for the jwt-bearer grant. */
  private static Registered registerWithUs() {
    HttpResponse<String> response = Http.send("POST", server.issuer() + "/register",
        "{\"token_endpoint_auth_method\":\"client_secret_basic\",\"grant_types\":[\"" + GRANT + "\"],"
            + "\"client_name\":\"enterprise agent\"}", "Content-Type", "application/json");
    assertEquals(201, response.statusCode(), response.body());
    Map<String, Object> json = Keycloak.json(response.body());
    secrets.add((String) json.get("client_secret"));
    return new Registered((String) json.get("client_id"), (String) json.get("client_secret"));
  }

  private static String resource() {
    return "http://localhost:" + server.mcpPort();
  }

  /** The ID-JAG settings of Keycloak's issuer guide on the Keycloak client, naming us and our client id for it. */
  private static void allowIssuance(Registered atUs) {
    keycloak.setClientAttributes(REALM, Keycloak.CLIENT, Map.of(
        "standard.token.exchange.enabled", "true",
        "id.jag.issuance.enabled", "true",
        "id.jag.allowed.audiences", server.issuer(),
        "id.jag.client.id", atUs.id()));
  }

  /** The RFC 8693 exchange at Keycloak's token endpoint: the user's ID token for an ID-JAG for us and our resource. */
  private static HttpResponse<String> exchange(String subjectToken, String subjectTokenType) {
    return Keycloak.form(keycloak.issuer(REALM) + "/protocol/openid-connect/token",
        "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
        "client_id", Keycloak.CLIENT, "client_secret", keycloak.clientSecret(),
        "subject_token", subjectToken, "subject_token_type", subjectTokenType,
        "requested_token_type", ID_JAG, "audience", server.issuer(), "resource", resource());
  }

  private static HttpResponse<String> redeem(Registered client, String assertion) {
    String basic = Base64.getEncoder().encodeToString((enc(client.id()) + ":" + enc(client.secret()))
        .getBytes(StandardCharsets.UTF_8));
    return Http.send("POST", server.issuer() + "/token", "grant_type=" + enc(GRANT) + "&assertion=" + enc(assertion),
        "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Basic " + basic);
  }

  @Test
  @DisplayName("KC-IDJAG-01: sign-in at Keycloak, ID token exchanged there for an ID-JAG, redeemed with us (sub as asserted, no refresh token), a tool called; the replayed ID-JAG is invalid_grant")
  void keycloakIssuedIdJag() {
    Registered client = registerWithUs();
    allowIssuance(client);
    Map<String, Object> signIn = keycloak.tokenResponse(REALM, Keycloak.CLIENT, Keycloak.ALICE);
    String idToken = (String) signIn.get("id_token");
    assertNotNull(idToken, "the sign-in (password grant, scope openid) gives an ID token: " + signIn.keySet());
    secrets.add(idToken);
    secrets.add((String) signIn.get("access_token"));
    String alice = keycloak.userId(REALM, Keycloak.ALICE);
    assertEquals(alice, Keycloak.jwtPart(idToken, 1).get("sub"));
    assertEquals(Keycloak.CLIENT, Keycloak.jwtPart(idToken, 1).get("azp"), "the ID token was issued to the client");

    HttpResponse<String> exchanged = exchange(idToken, "urn:ietf:params:oauth:token-type:id_token");
    Map<String, Object> answer = Keycloak.json(exchanged.body());
    if (exchanged.statusCode() != 200 || !ID_JAG.equals(answer.get("issued_token_type"))) {
      // Keycloak took the client's credentials and the request, and has no issuer for it: its standard
      // token exchange answers, which takes access tokens only, and issues no ID-JAG for one either
      assertRefused(exchanged, "Parameter 'subject_token' supports access tokens only");
      HttpResponse<String> fromAccessToken = exchange((String) signIn.get("access_token"),
          "urn:ietf:params:oauth:token-type:access_token");
      assertRefused(fromAccessToken, REQUESTED_TYPE_REFUSED);
      Assumptions.abort("Keycloak " + keycloak.version() + " issues no ID-JAG: the ID token as subject_token: "
          + exchanged.statusCode() + " " + exchanged.body() + "; the access token: " + fromAccessToken.statusCode()
          + " " + fromAccessToken.body());
    }

    String idJag = (String) answer.get("access_token");
    secrets.add(idJag);
    assertEquals("oauth-id-jag+jwt", Keycloak.jwtPart(idJag, 0).get("typ"));
    Map<String, Object> claims = Keycloak.jwtPart(idJag, 1);
    assertEquals(keycloak.issuer(REALM), claims.get("iss"));
    assertEquals(alice, claims.get("sub"));
    assertEquals(client.id(), claims.get("client_id"));
    assertEquals(resource(), claims.get("resource"));

    HttpResponse<String> redeemed = redeem(client, idJag);
    assertEquals(200, redeemed.statusCode(), () -> redeemed.body() + "\n--- server log\n" + server.fixture().output());
    Map<String, Object> tokens = Keycloak.json(redeemed.body());
    assertFalse(tokens.containsKey("refresh_token"), redeemed.body());
    String accessToken = (String) tokens.get("access_token");
    secrets.add(accessToken);
    assertEquals(alice, Keycloak.jwtPart(accessToken, 1).get("sub"), "our token's sub is the ID-JAG's sub, as is");
    assertEquals(keycloak.issuer(REALM), Keycloak.jwtPart(accessToken, 1).get("assertion_iss"));

    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(resource())
        .endpoint("/mcp").httpRequestCustomizer((request, method, uri, requestBody, context) ->
            request.header("Authorization", Http.bearer(accessToken))).build();
    try (McpSyncClient mcp = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
        .initializationTimeout(Duration.ofSeconds(10)).build()) {
      mcp.initialize();
      McpSchema.CallToolResult whoami = mcp.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
      Map<String, Object> caller = Keycloak.json(((McpSchema.TextContent) whoami.content().get(0)).text());
      assertEquals(alice, caller.get("subject"));
      assertEquals(client.id(), caller.get("client_id"));
    }

    // the assertion is still valid (signature, time, audience): only our single-use rule refuses it
    HttpResponse<String> replay = redeem(client, idJag);
    assertEquals(400, replay.statusCode(), replay.body());
    assertEquals("invalid_grant", Keycloak.json(replay.body()).get("error"));
  }

  /** Keycloak 26.7's standard token exchange on {@code requested_token_type} id-jag. */
  private static final String REQUESTED_TYPE_REFUSED = "requested_token_type unsupported";

  private static void assertRefused(HttpResponse<String> response, String description) {
    Map<String, Object> error = Keycloak.json(response.body());
    assertEquals(400, response.statusCode(), response.body());
    assertEquals("invalid_request", error.get("error"), response.body());
    assertEquals(description, error.get("error_description"), response.body());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
