package io.mcpauth.tests;

import static io.mcpauth.tests.support.NodeClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.NodeClient;
import io.mcpauth.tests.support.OidcUpstream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Upstream sign-in against the shaded agent jar, with a real OpenID Provider (npm oidc-provider,
 * oidc-upstream.mjs) as the company IdP and the MCP TypeScript SDK as the client: the browser goes
 * from the authorization server to the provider's login form and back through the callback to the
 * authorization server's own consent page; the client gets the authorization server's tokens only,
 * with the provider's user as {@code upstream:<sub>} and the scopes its groups allow; and once the
 * provider disables the user, the next refresh fails.
 */
class UpstreamSignInTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static Path home;
  private static int upstreamPort;
  private static OidcUpstream upstream;
  private static EmbeddedAuthServer server;
  private static final List<NodeClient.Run> runs = new ArrayList<>();
  private static String upstreamSecret;
  private static String upstreamPassword;

  @BeforeAll
  static void start() throws Exception {
    OidcUpstream.requireInstalled();
    home = Files.createTempDirectory("mcpauth-upstream");
    upstreamSecret = "upstream-" + Long.toHexString(System.nanoTime()) + "-secret";
    upstreamPassword = "pw-" + Long.toHexString(System.nanoTime());
    Path secretFile = Files.writeString(home.resolve("client-secret"), upstreamSecret + "\n");
    Path passwordFile = Files.writeString(home.resolve("password"), upstreamPassword + "\n");
    upstreamPort = Fixture.freePort();
    server = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1).transport("streamable")
        .property("mcpauth.as.scopes", "mcp:tools mcp:admin offline_access")
        .property("mcpauth.as.upstream.issuer", "http://127.0.0.1:" + upstreamPort)
        .property("mcpauth.as.upstream.client-id", "mcpauth")
        .property("mcpauth.as.upstream.client-secret-file", secretFile.toString())
        .property("mcpauth.as.upstream.scopes", "openid email groups offline_access")
        .property("mcpauth.as.upstream.require.email_verified", "true")
        .property("mcpauth.as.upstream.scopes-from.mcp-admins", "mcp:admin"), "local-user");
    // The provider must know our callback, which names the port the authorization server bound.
    upstream = OidcUpstream.start(upstreamPort, server.issuer() + "/upstream/callback", secretFile, passwordFile);
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
    if (server != null) {
      server.close();
      List<String> secrets = new ArrayList<>(List.of(upstreamSecret, upstreamPassword));
      runs.forEach(run -> secrets.addAll(run.secrets()));
      LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), secrets);
    }
  }

  private static Map<String, Object> signIn(String account) {
    NodeClient.Run run = NodeClient.run("ts-client-upstream.mjs", TIMEOUT, Map.of(), server.mcpUrl("localhost"), account,
        home.resolve("password").toString(), upstream.disableUrl(account));
    runs.add(run);
    System.out.printf("ts-client-upstream.mjs (%s): exit %d in %d ms%n", account, run.exitCode(), run.duration().toMillis());
    if (run.exitCode() != 0) {
      System.out.println("--- provider log\n" + upstream.log() + "\n--- fixture\n" + server.fixture().output());
    }
    return run.requireResult();
  }

  @Test
  @DisplayName("UP-01: sign-in at the provider, our consent, our tokens; groups give scopes; disabled at the provider, the next refresh fails")
  void signInAndDeprovisioning() {
    Map<String, Object> alice = signIn("alice");
    assertEquals("upstream:alice", alice.get("sub"));
    assertEquals(server.issuer(), alice.get("iss"), "the access token is the authorization server's own");
    List<String> aliceScopes = List.of(((String) alice.get("scope")).split(" "));
    assertTrue(aliceScopes.contains("mcp:tools") && aliceScopes.contains("mcp:admin"), "mcp-admins may have mcp:admin: "
        + aliceScopes);
    assertEquals("hello upstream", alice.get("echo"));
    assertEquals("upstream:alice", at(alice, "whoami.subject"));
    assertEquals(true, alice.get("hasRefreshToken"));
    assertEquals("accepted", alice.get("refreshBefore"));
    assertEquals(204, ((Number) alice.get("disableStatus")).intValue());
    assertEquals("refused", alice.get("refreshAfter"), "deprovisioned at the provider: no new access token");
    assertEquals("invalid_grant", alice.get("refreshAfterError"));
    assertEquals("refused", alice.get("refreshAgain"));
    List<String> claimNames = at(alice, "claimNames");
    assertFalse(claimNames.contains("email") || claimNames.contains("nonce"), "nothing of the ID token is passed on");

    Map<String, Object> bob = signIn("bob");
    assertEquals("upstream:bob", bob.get("sub"));
    List<String> bobScopes = List.of(((String) bob.get("scope")).split(" "));
    assertTrue(bobScopes.contains("mcp:tools") && !bobScopes.contains("mcp:admin"),
        "bob is in no group that maps to mcp:admin, though his client asked for it: " + bobScopes);
  }

  @Test
  @DisplayName("UP-02: a callback whose state belongs to no sign-in is an error page; nothing is issued")
  void stateMismatch() {
    HttpResponse<String> response = Http.get(server.issuer() + "/upstream/callback?code=forged&state=not-a-state&iss="
        + URLEncoder.encode(upstream.issuer(), StandardCharsets.UTF_8));
    assertEquals(400, response.statusCode());
    assertTrue(response.body().contains("Sign-in failed"), response.body());
    assertFalse(response.headers().firstValue("Location").isPresent());
  }

  @Test
  @DisplayName("UP-03: an unreachable provider is an error page at /authorize, not a redirect")
  void unreachableUpstream() throws Exception {
    int closed = Fixture.freePort();
    try (EmbeddedAuthServer lonely = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1)
        .transport("streamable")
        .property("mcpauth.as.upstream.issuer", "http://127.0.0.1:" + closed)
        .property("mcpauth.as.upstream.client-id", "mcpauth"), "local-user")) {
      HttpResponse<String> registered = Http.send("POST", lonely.issuer() + "/register",
          "{\"redirect_uris\":[\"http://127.0.0.1:1/cb\"],\"token_endpoint_auth_method\":\"none\"}",
          "Content-Type", "application/json");
      assertEquals(201, registered.statusCode(), registered.body());
      String clientId = (String) NodeClient.parse(registered.body()).get("client_id");
      HttpResponse<String> response = Http.get(lonely.issuer() + "/authorize?response_type=code&client_id="
          + URLEncoder.encode(clientId, StandardCharsets.UTF_8) + "&redirect_uri=" + URLEncoder.encode("http://127.0.0.1:1/cb",
          StandardCharsets.UTF_8) + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
          + "&scope=mcp:tools&resource=" + URLEncoder.encode("http://localhost:" + lonely.mcpPort(), StandardCharsets.UTF_8));
      assertEquals(502, response.statusCode(), response.body());
      assertFalse(response.headers().firstValue("Location").isPresent());
    }
  }
}
