package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Finding 1: anyone who could reach {@code /register} got a client-credentials client, and with it
 * an access token the MCP server accepted, with no user and no consent. Now open registration
 * refuses that grant, the token endpoint serves it only to service clients the operator made with
 * the jar's {@code client add}, and {@code client remove} / {@code rotate-secret} take effect on a
 * running server: at once at the token endpoint, within a second at the resource server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCredentialsAttackTest extends AuthServerAttackSupport {

  /** How long the resource server may take to see a change of the service-clients file (it looks every second). */
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  @Test
  @DisplayName("Finding 1: an anonymous registration asking for client_credentials is refused, so it yields no token")
  void anonymousRegistrationGetsNoToken() {
    OAuthDriver driver = browser();
    for (String grantTypes : List.of("[\"client_credentials\"]", "[\"authorization_code\",\"client_credentials\"]")) {
      for (String method : List.of("client_secret_basic", "client_secret_post")) {
        HttpResponse<String> response = driver.register("{\"client_name\":\"anonymous machine\",\"redirect_uris\":"
            + "[\"https://client.example/callback\"],\"token_endpoint_auth_method\":\"" + method + "\",\"grant_types\":"
            + grantTypes + "}");
        if (response.statusCode() == 201) {
          fail("registered " + grantTypes + " with " + method + " anonymously; " + whatTheAttackGets(driver, response));
        }
        Map<String, Object> error = assertTokenError(response, 400, "invalid_client_metadata");
        String description = (String) error.get("error_description");
        assertTrue(description.contains("java -jar mcpauth-agent.jar client add"), description);
      }
    }
  }

  @Test
  @DisplayName("Finding 1: no client from open registration or a metadata document gets a client_credentials token")
  void noSelfMadeClientGetsAClientCredentialsToken() {
    OAuthDriver driver = browser();
    OAuthDriver.Client basic = confidentialClient(driver, "client_secret_basic", "[\"authorization_code\"]");
    OAuthDriver.Client post = confidentialClient(driver, "client_secret_post", "[\"authorization_code\"]");
    OAuthDriver.Client open = publicClient(driver);
    Map<String, String> grant = Map.of("grant_type", "client_credentials", "resource", resource());
    assertTokenError(driver.token(grant, "Authorization", OAuthDriver.basic(basic)), 400, "unauthorized_client");
    assertTokenError(driver.token(with(with(grant, "client_id", post.id()), "client_secret", post.secret())), 400,
        "unauthorized_client");
    assertTokenError(driver.token(with(grant, "client_id", open.id())), 400, "unauthorized_client");
    // A metadata-document client is public (no secret), so it is refused the same way; see ClientMetadataDocumentFlowTest.
  }

  @Test
  @DisplayName("Finding 1: a client registered for client_credentials before the fix (in clients.json) gets no token")
  void legacyRegisteredClientGetsNoToken() throws Exception {
    String legacyId = "LegacyClientId0123456A";
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String legacySecret = secret(Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    long now = System.currentTimeMillis() / 1000;
    String clientsJson = "{\"clients\":{\"" + legacyId + "\":{\"secret_hash\":\"" + HexFormat.of().formatHex(sha256(legacySecret))
        + "\",\"issued\":" + now + ",\"first_authorized\":" + now + ",\"metadata\":{\"redirect_uris\":[],"
        + "\"token_endpoint_auth_method\":\"client_secret_basic\",\"grant_types\":[\"client_credentials\"],"
        + "\"response_types\":[],\"client_name\":\"registered by an old version\",\"application_type\":\"web\"}}}}";
    EmbeddedAuthServer legacy = EmbeddedAuthServer.start(fixtureBuilder(), USER,
        dataDir -> Files.writeString(dataDir.resolve("clients.json"), clientsJson));
    try {
      OAuthDriver driver = new OAuthDriver(legacy.issuer());
      HttpResponse<String> response = driver.token(Map.of("grant_type", "client_credentials",
          "resource", "http://localhost:" + legacy.mcpPort() + "/"), "Authorization",
          OAuthDriver.basic(new OAuthDriver.Client(legacyId, legacySecret, null)));
      if (response.statusCode() == 200) {
        secret((String) OAuthDriver.json(response.body()).get("access_token"));
      }
      assertTokenError(response, 400, "unauthorized_client");
    } finally {
      legacy.close();
    }
    String output = legacy.fixture().output();
    assertTrue(output.contains("1 stored client(s) registered themselves for client_credentials"), "the operator is told: " + output);
    LogHygiene.assertNoSecretLogged("the legacy fixture", output, List.of(legacySecret));
  }

  @Test
  @DisplayName("Finding 1: an access token issued to a self-registered client before the fix (no grant, no service credential) is refused")
  void legacyClientCredentialsTokenIsRefused() throws Exception {
    // Such tokens were minted by the AS's own key, so they are forged here with that key, exactly as
    // the old token endpoint minted them for a self-registered client (client_credentials had no grant_id).
    String clientId = "AnonRegisteredClient12";
    long now = System.currentTimeMillis() / 1000;
    String claims = "\"iss\":\"" + server.issuer() + "\",\"sub\":\"" + clientId + "\",\"aud\":\"" + resource()
        + "\",\"client_id\":\"" + clientId + "\",\"scope\":\"mcp:tools\",\"iat\":" + now + ",\"exp\":" + (now + 600)
        + ",\"jti\":\"legacy-" + now + "\"";
    assertAccepted(signWithTheServersKey("{" + claims + ",\"grant_id\":\"a-user-grant\"}"),
        "control: the same token with a grant is one the resource server accepts, so the forging is faithful");
    assertRefused(signWithTheServersKey("{" + claims + "}"), "a client-credentials token of a self-registered client");
  }

  @Test
  @DisplayName("Finding 1: a service client made with 'client add' on the running server gets a token for its scopes only, which the MCP server accepts")
  void serviceClientGetsATokenForItsScopes() {
    EmbeddedAuthServer.CommandResult added = add("report-bot", "mcp:tools reports");
    OAuthDriver.Client bot = new OAuthDriver.Client("report-bot", added.value("client_secret"), null);
    OAuthDriver driver = browser();

    Map<String, Object> tokens = ok(clientCredentials(driver, bot, null));
    String accessToken = (String) tokens.get("access_token");
    assertEquals("mcp:tools", tokens.get("scope"), "its own scopes, and only those the server offers");
    assertNull(tokens.get("refresh_token"), "no refresh token without a user");
    Map<String, Object> claims = claims(accessToken);
    assertEquals("report-bot", claims.get("sub"));
    assertEquals("report-bot", claims.get("client_id"));
    assertEquals("mcp:tools", claims.get("scope"));
    assertAccepted(accessToken, "a service client's token");

    assertEquals("mcp:tools", ok(clientCredentials(driver, bot, "mcp:tools")).get("scope"));
    assertTokenError(clientCredentials(driver, bot, "offline_access"), 400, "invalid_scope");
    assertTokenError(clientCredentials(driver, bot, "mcp:tools mcp:admin"), 400, "invalid_scope");

    OAuthDriver.Client unoffered = new OAuthDriver.Client("reports-only",
        add("reports-only", "reports").value("client_secret"), null);
    assertTokenError(clientCredentials(driver, unoffered, null), 400, "invalid_scope");

    // HTTP Basic only, and no other grant: it cannot stand in for a user.
    assertTokenError(driver.token(Map.of("grant_type", "client_credentials", "resource", resource(),
        "client_id", bot.id(), "client_secret", bot.secret())), 401, "invalid_client");
    assertTokenError(driver.token(Map.of("grant_type", "authorization_code", "code", "x", "code_verifier",
        OAuthDriver.pkce().verifier()), "Authorization", OAuthDriver.basic(bot)), 400, "unauthorized_client");

    EmbeddedAuthServer.CommandResult refused = server.client("add", "--client-id", "greedy", "--scope", "mcp:tools offline_access");
    assertEquals(2, refused.exit(), refused.stderr());
    EmbeddedAuthServer.CommandResult list = server.client("list");
    assertEquals(0, list.exit(), list.stderr());
    assertTrue(list.stdout().contains("report-bot\tmcp:tools reports"), list.stdout());
    assertFalse(list.stdout().contains(bot.secret()) || list.stderr().contains(bot.secret()), "list never shows a secret");
  }

  @Test
  @DisplayName("Finding 1: after 'client remove' on the running server the token endpoint refuses the client at once and its live token gets 401")
  void removeEndsTheClientAndItsTokens() {
    OAuthDriver.Client bot = new OAuthDriver.Client("removed-bot", add("removed-bot", "mcp:tools").value("client_secret"), null);
    OAuthDriver.Client introspector = new OAuthDriver.Client("introspector",
        add("introspector", "mcp:tools").value("client_secret"), null);
    OAuthDriver driver = browser();
    String accessToken = (String) ok(clientCredentials(driver, bot, null)).get("access_token");
    assertAccepted(accessToken, "before the removal");
    assertEquals(Boolean.TRUE, introspect(driver, introspector, accessToken).get("active"));

    EmbeddedAuthServer.CommandResult removed = server.client("remove", "--client-id", "removed-bot");
    assertEquals(0, removed.exit(), removed.stderr());

    assertTokenError(clientCredentials(driver, bot, null), 401, "invalid_client");
    awaitRefused(accessToken, "its client was removed");
    assertEquals(Boolean.FALSE, introspect(driver, introspector, accessToken).get("active"));

    // The id may be used again; the old token stays dead.
    OAuthDriver.Client again = new OAuthDriver.Client("removed-bot", add("removed-bot", "mcp:tools").value("client_secret"), null);
    assertAccepted((String) ok(clientCredentials(driver, again, null)).get("access_token"), "the new client's token");
    assertRefused(accessToken, "a client added again under the same id does not revive the old tokens");
  }

  @Test
  @DisplayName("Finding 1: after 'client rotate-secret' the old secret fails, the new one works, and tokens of the old secret end")
  void rotateSecret() {
    OAuthDriver.Client before = new OAuthDriver.Client("rotated-bot", add("rotated-bot", "mcp:tools").value("client_secret"), null);
    OAuthDriver driver = browser();
    String oldToken = (String) ok(clientCredentials(driver, before, null)).get("access_token");

    EmbeddedAuthServer.CommandResult rotated = server.client("rotate-secret", "--client-id", "rotated-bot");
    assertEquals(0, rotated.exit(), rotated.stderr());
    OAuthDriver.Client after = new OAuthDriver.Client("rotated-bot", secret(rotated.value("client_secret")), null);
    assertNotEquals(before.secret(), after.secret());

    assertTokenError(clientCredentials(driver, before, null), 401, "invalid_client");
    String newToken = (String) ok(clientCredentials(driver, after, null)).get("access_token");
    awaitRefused(oldToken, "it was bought with the rotated-out secret");
    assertAccepted(newToken, "bought with the new secret");
  }

  // ---------------------------------------------------------------- helpers

  private EmbeddedAuthServer.CommandResult add(String clientId, String scope) {
    EmbeddedAuthServer.CommandResult result = server.client("add", "--client-id", clientId, "--scope", scope);
    assertEquals(0, result.exit(), () -> "client add failed: " + result.stderr());
    secret(result.value("client_secret"));
    assertEquals(clientId, result.value("client_id"));
    return result;
  }

  private HttpResponse<String> clientCredentials(OAuthDriver driver, OAuthDriver.Client client, String scope) {
    Map<String, String> form = with(Map.of("grant_type", "client_credentials", "resource", resource()), "scope", scope);
    return driver.token(form, "Authorization", OAuthDriver.basic(client));
  }

  private Map<String, Object> introspect(OAuthDriver driver, OAuthDriver.Client introspector, String token) {
    HttpResponse<String> response = driver.postTo("/introspect", Map.of("token", token), "Authorization",
        OAuthDriver.basic(introspector));
    assertEquals(200, response.statusCode(), response.body());
    return OAuthDriver.json(response.body());
  }

  /** Polls the MCP endpoint until it refuses the token, within {@link #PROPAGATION}. */
  private void awaitRefused(String accessToken, String why) {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    int status = atResourceServer(accessToken);
    while (status != 401 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      status = atResourceServer(accessToken);
    }
    assertEquals(401, status, "the resource server must refuse the access token within " + PROPAGATION + ": " + why);
  }

  /** The rest of the attack, for the failure message: a token, and what the MCP server answers it. */
  private String whatTheAttackGets(OAuthDriver driver, HttpResponse<String> registration) {
    Map<String, Object> registered = OAuthDriver.json(registration.body());
    String clientSecret = secret((String) registered.get("client_secret"));
    OAuthDriver.Client client = new OAuthDriver.Client((String) registered.get("client_id"), clientSecret, null);
    HttpResponse<String> token = driver.token(Map.of("grant_type", "client_credentials", "resource", resource()),
        "Authorization", OAuthDriver.basic(client));
    if (token.statusCode() != 200) {
      return "/token answered " + token.statusCode();
    }
    String accessToken = secret((String) OAuthDriver.json(token.body()).get("access_token"));
    return "/token issued an access token with no user, and the MCP endpoint answers it " + atResourceServer(accessToken);
  }

  /** An RS256 at+jwt signed with the AS's active key from its data folder (keys.json: the last key signs). */
  private String signWithTheServersKey(String claimsJson) throws Exception {
    Map<String, Object> stored = OAuthDriver.json(Files.readString(server.dataDir().resolve("keys.json")));
    List<?> keys = (List<?>) stored.get("keys");
    Map<?, ?> active = (Map<?, ?>) keys.get(keys.size() - 1);
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(
        new PKCS8EncodedKeySpec(Base64.getDecoder().decode((String) active.get("private"))));
    Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + active.get("kid") + "\"}";
    String signingInput = base64url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + base64url.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(key);
    signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return secret(signingInput + "." + base64url.encodeToString(signature.sign()));
  }

  private static byte[] sha256(String value) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
  }
}
