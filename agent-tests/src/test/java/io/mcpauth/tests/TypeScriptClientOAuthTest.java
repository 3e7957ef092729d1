package io.mcpauth.tests;

import static io.mcpauth.tests.support.NodeClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.NodeClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MCP TypeScript SDK (npm {@code @modelcontextprotocol/sdk}) against a fixture protected by the
 * agent's embedded authorization server, all of it real: the SDK's own 401 handling, discovery,
 * Dynamic Client Registration, PKCE, code exchange and refresh; the AS's login and consent pages
 * driven like a browser would (cookies, hidden fields, the approve button); the fixture's tools.
 * Script: {@code src/test/node/ts-client-oauth.mjs}.
 */
class TypeScriptClientOAuthTest {

  private static final String USER = "alice";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static EmbeddedAuthServer server;
  private static final List<NodeClient.Run> runs = new ArrayList<>();

  @BeforeAll
  static void start() {
    NodeClient.requireInstalled();
    server = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1).transport("streamable"), USER);
  }

  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    server.close();
    LogHygiene.assertNoSecretLogged(server, runs);
  }

  private static NodeClient.Run client(String host, Map<String, String> env, String passwordFile) {
    NodeClient.Run run = NodeClient.run("ts-client-oauth.mjs", TIMEOUT, env, server.mcpUrl(host), USER, passwordFile);
    runs.add(run);
    System.out.printf("ts-client-oauth.mjs (%s): exit %d in %d ms%n", host, run.exitCode(), run.duration().toMillis());
    return run;
  }

  @ParameterizedTest(name = "MCP server reached as {0}")
  @ValueSource(strings = {"localhost", "127.0.0.1"})
  @DisplayName("E2E-TS-01: the TypeScript SDK gets from a 401 to a tool result: discovery, DCR, login, consent, PKCE, token, refresh")
  void fullFlow(String host) {
    NodeClient.Run run = client(host, Map.of(), server.passwordFile().toString());
    Map<String, Object> result = run.requireResult();
    String issuer = server.issuer();
    String origin = "http://" + host + ":" + server.mcpPort();

    // the tool call went through, with the SDK's token
    assertEquals("hello", result.get("echo"), "echo round trip");
    List<String> tools = at(result, "tools");
    assertTrue(tools.containsAll(List.of("echo", "whoami")), "tools/list: " + tools);
    assertWhoami(result.get("whoami"));

    // the challenge and the protected resource metadata
    assertEquals(401L, ((Number) at(result, "challenge.status")).longValue());
    String challenge = at(result, "challenge.header");
    assertTrue(challenge.startsWith("Bearer resource_metadata=\"" + origin + "/.well-known/oauth-protected-resource"), challenge);
    assertEquals(List.of(issuer), at(result, "prm.authorization_servers"));
    String resource = at(result, "prm.resource");
    assertTrue(resource != null && (resource.equals(origin) || resource.startsWith(origin + "/")),
        "the resource is the origin the client used (" + origin + "): " + resource);

    // the authorization server metadata: the contract's endpoints, code + S256, public clients
    assertEquals(issuer, at(result, "asMetadata.issuer"));
    assertEquals(issuer + "/authorize", at(result, "asMetadata.authorization_endpoint"));
    assertEquals(issuer + "/token", at(result, "asMetadata.token_endpoint"));
    assertEquals(issuer + "/register", at(result, "asMetadata.registration_endpoint"));
    assertEquals(issuer + "/revoke", at(result, "asMetadata.revocation_endpoint"));
    assertEquals(issuer + "/introspect", at(result, "asMetadata.introspection_endpoint"));
    assertEquals(issuer + "/jwks", at(result, "asMetadata.jwks_uri"));
    assertTrue(((List<?>) at(result, "asMetadata.response_types_supported")).contains("code"));
    assertTrue(((List<?>) at(result, "asMetadata.code_challenge_methods_supported")).contains("S256"));
    assertTrue(((List<?>) at(result, "asMetadata.token_endpoint_auth_methods_supported")).contains("none"));
    assertTrue(((List<?>) at(result, "asMetadata.scopes_supported")).containsAll(List.of("mcp:tools", "offline_access")),
        "scopes on offer: " + at(result, "asMetadata.scopes_supported"));

    // Dynamic Client Registration of a public client
    assertEquals(Boolean.TRUE, result.get("registered"), "registered by DCR");
    assertEquals(Boolean.FALSE, result.get("hasClientSecret"), "a public client gets no secret");

    // the authorization request the SDK built, and the answer the pages led to
    assertEquals("S256", at(result, "authorizationRequest.codeChallengeMethod"));
    assertEquals(origin(resource), origin(at(result, "authorizationRequest.resource")), "resource indicator");
    assertEquals(Boolean.TRUE, at(result, "authorizationResponse.stateMatches"));
    assertEquals(issuer, at(result, "authorizationResponse.iss"), "RFC 9207 iss in the redirect");

    // the pages: a session cookie (HttpOnly, SameSite=Lax), hidden anti-CSRF fields, 303s, approve/deny
    List<Map<String, Object>> cookies = at(result, "forms.cookies");
    assertFalse(cookies.isEmpty(), "the login page sets a session cookie");
    assertTrue(cookies.stream().allMatch(c -> Boolean.TRUE.equals(c.get("httpOnly"))
        && "lax".equals(String.valueOf(c.get("sameSite")).toLowerCase(Locale.ROOT))), "cookies: " + cookies);
    assertFalse(((List<?>) at(result, "forms.loginHiddenFields")).isEmpty(), "the login form carries hidden fields");
    assertEquals(303L, ((Number) at(result, "forms.loginPostStatus")).longValue(), "login success is a 303");
    assertEquals(303L, ((Number) at(result, "forms.consentPostStatus")).longValue(), "approval is a 303");
    assertTrue(((List<?>) at(result, "forms.consentDecisions")).containsAll(List.of("approve", "deny")));

    // the access token: a JWT for this resource, from this issuer, naming the user
    assertEquals(Boolean.TRUE, at(result, "accessToken.jwt"));
    assertEquals("at+jwt", String.valueOf((Object) at(result, "accessToken.typ")).toLowerCase(Locale.ROOT));
    assertEquals(issuer, at(result, "accessToken.iss"));
    Object aud = at(result, "accessToken.aud");
    List<?> audiences = aud instanceof List<?> list ? list : List.of(String.valueOf(aud));
    assertTrue(audiences.stream().anyMatch(a -> origin(String.valueOf(a)).equals(origin(resource))), "aud " + aud + " names " + resource);
    assertEquals(USER, at(result, "accessToken.sub"));
    String tokenType = at(result, "tokenResponse.tokenType");
    assertTrue("bearer".equalsIgnoreCase(tokenType), "token_type " + tokenType);

    // refresh: the client registers for the refresh_token grant, so a refresh token is due; the
    // SDK's own 401-refresh-retry works and rotation holds
    assertEquals(Boolean.TRUE, at(result, "tokenResponse.hasRefreshToken"), "a refresh token for a refresh_token client");
    assertEquals(Boolean.TRUE, at(result, "refresh.refreshedBySdk"), "the SDK refreshed after the 401");
    assertEquals("after refresh", at(result, "refresh.echo"));
    assertEquals(Boolean.TRUE, at(result, "refresh.accessTokenChanged"));
    assertEquals(Boolean.TRUE, at(result, "refresh.refreshTokenRotated"), "refresh tokens rotate on every use");
    assertEquals("refused", at(result, "refresh.oldRefreshTokenReuse"), "a used refresh token is refused");
    assertEquals("refused", at(result, "refresh.currentRefreshTokenAfterReuse"),
        "after a reuse the grant is revoked: its current refresh token is refused too (RFC 9700 4.14.2)");
    assertFalse(run.secrets().isEmpty(), "the client reported the secrets it handled");
  }

  /** The fixture's whoami: the agent hands the token's subject to the MCP server, the user who signed in. */
  static void assertWhoami(Object whoami) {
    assertTrue(whoami instanceof Map<?, ?>, "whoami: " + whoami);
    assertEquals(USER, ((Map<?, ?>) whoami).get("subject"), "whoami: " + whoami);
  }

  /** A resource URI without the root slash: {@code http://h:1/} and {@code http://h:1} name one resource. */
  private static String origin(String uri) {
    return uri != null && uri.endsWith("/") && uri.indexOf('/', uri.indexOf("://") + 3) == uri.length() - 1
        ? uri.substring(0, uri.length() - 1) : uri;
  }

  @Test
  @DisplayName("E2E-TS-02: the user's decision 'deny' reaches the client as access_denied, with no code")
  void deny() {
    NodeClient.Run run = client("localhost", NodeClient.env("MCPAUTH_E2E_DECISION", "deny"), server.passwordFile().toString());
    String failure = run.requireFailure();
    assertTrue(failure.startsWith("authorization error: access_denied (iss ok, code absent)"), failure);
  }

  @Test
  @DisplayName("E2E-TS-03: a wrong password brings the login form back; no consent, no code")
  void wrongPassword() throws Exception {
    Path wrong = Files.createTempFile("mcpauth-wrong", ".txt");
    try {
      Files.writeString(wrong, "not-" + USER + "s-password\n");
      String failure = client("localhost", Map.of(), wrong.toString()).requireFailure();
      assertTrue(failure.contains("the login was refused"), failure);
    } finally {
      Files.deleteIfExists(wrong);
    }
  }
}
