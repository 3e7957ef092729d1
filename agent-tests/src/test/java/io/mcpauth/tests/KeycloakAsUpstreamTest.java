package io.mcpauth.tests;

import static io.mcpauth.tests.support.NodeClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Keycloak;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.NodeClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
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
 * Keycloak as the company identity provider of the embedded authorization server
 * ({@code mcpauth.as.upstream.*}, the Keycloak recipe of docs/enterprise-sign-in.md): the MCP
 * TypeScript SDK client registers (DCR), headless Chromium signs the user in on Keycloak's login page
 * and approves on our consent page, the client calls tools with our token; then the user is
 * disabled in Keycloak and the next refresh of our refresh token is {@code invalid_grant}.
 */
class KeycloakAsUpstreamTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static Keycloak keycloak;
  private static EmbeddedAuthServer server;
  private static HttpServer deprovisioning;
  private static Path home;
  private static final List<NodeClient.Run> runs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    NodeClient.requireInstalled();
    NodeClient.chromium();
    keycloak = Keycloak.shared();
    home = Files.createTempDirectory("mcpauth-kc-upstream");
    Path secretFile = Files.writeString(home.resolve("client-secret"), keycloak.upstreamSecret() + "\n");
    Files.writeString(home.resolve("password"), keycloak.password(Keycloak.ALICE) + "\n");
    server = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1).transport("streamable")
        .property("mcpauth.as.scopes", "mcp:tools mcp:admin offline_access")
        .property("mcpauth.as.upstream.issuer", keycloak.issuer(Keycloak.REALM))
        .property("mcpauth.as.upstream.client-id", Keycloak.UPSTREAM_CLIENT)
        .property("mcpauth.as.upstream.client-secret-file", secretFile.toString())
        .property("mcpauth.as.upstream.scopes", "openid email profile offline_access")
        .property("mcpauth.as.upstream.require.email_verified", "true")
        .property("mcpauth.as.upstream.scopes-from.mcp-admins", "mcp:admin"), "local-user");
    // Keycloak's valid redirect URI: our callback, which names the port the authorization server bound
    keycloak.setRedirectUris(Keycloak.REALM, Keycloak.UPSTREAM_CLIENT, List.of(server.issuer() + "/upstream/callback"));
    // what an administrator does in Keycloak's console, on the script's cue (POST /disable/USER)
    deprovisioning = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    deprovisioning.createContext("/disable/", exchange -> {
      int status = 405;
      if ("POST".equals(exchange.getRequestMethod())) {
        String user = exchange.getRequestURI().getPath().substring("/disable/".length());
        try {
          keycloak.disableUser(Keycloak.REALM, user);
          status = 204;
        } catch (AssertionError | RuntimeException e) {
          System.out.println("disabling " + user + " in Keycloak failed: " + e.getMessage());
          status = 500;
        }
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    deprovisioning.start();
  }

  @AfterAll
  static void stop() {
    if (deprovisioning != null) {
      deprovisioning.stop(0);
    }
    if (server != null) {
      server.close();
      List<String> secrets = new ArrayList<>(keycloak.secrets());
      runs.forEach(run -> secrets.addAll(run.secrets()));
      LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), secrets);
    }
  }

  @Test
  @DisplayName("KC-U1: DCR, Keycloak's login page, our consent, tools/call; disabled in Keycloak, the next refresh is invalid_grant")
  void signInThroughKeycloakAndDeprovisioning() {
    String disableUrl = "http://127.0.0.1:" + deprovisioning.getAddress().getPort() + "/disable/" + Keycloak.ALICE;
    NodeClient.Run run = NodeClient.run("ts-client-upstream.mjs", TIMEOUT, NodeClient.env("MCPAUTH_E2E_USER_AGENT", "chromium"),
        server.mcpUrl("localhost"), Keycloak.ALICE, home.resolve("password").toString(), disableUrl);
    runs.add(run);
    System.out.printf("ts-client-upstream.mjs through Keycloak: exit %d in %d ms%n", run.exitCode(), run.duration().toMillis());
    if (run.exitCode() != 0) {
      System.out.println("--- Keycloak log\n" + keycloak.logTail() + "\n--- fixture\n" + server.fixture().output());
    }
    Map<String, Object> result = run.requireResult();

    assertEquals("chromium", at(result, "forms.client"));
    assertEquals(keycloak.url(), at(result, "forms.loginPage.origin"), "the password was typed into Keycloak's page");
    assertEquals(origin(server.issuer()), at(result, "forms.consentPage.origin"), "consent is ours");

    String subject = "upstream:" + keycloak.userId(Keycloak.REALM, Keycloak.ALICE);
    assertEquals(subject, result.get("sub"), "our sub is Keycloak's sub of the user");
    assertEquals(server.issuer(), result.get("iss"), "the access token is the authorization server's own, not Keycloak's");
    List<String> scopes = List.of(((String) result.get("scope")).split(" "));
    assertTrue(scopes.contains("mcp:tools") && scopes.contains("mcp:admin"), "Keycloak group mcp-admins gives mcp:admin: "
        + scopes);
    assertEquals("hello upstream", result.get("echo"));
    assertEquals(subject, at(result, "whoami.subject"));

    assertEquals(true, result.get("hasRefreshToken"));
    assertEquals("accepted", result.get("refreshBefore"));
    assertEquals(204, ((Number) result.get("disableStatus")).intValue());
    assertEquals("refused", result.get("refreshAfter"), "disabled in Keycloak: no new access token");
    assertEquals("invalid_grant", result.get("refreshAfterError"));
    assertEquals("refused", result.get("refreshAgain"));
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }
}
