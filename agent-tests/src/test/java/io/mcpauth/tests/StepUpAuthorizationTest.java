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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RS-11 step-up with a real client: the MCP TypeScript SDK authorizes for the scope of the 401,
 * meets a tool that needs more, gets one 403 naming every scope the call needs, re-authorizes for
 * them on its own (login and consent driven like a browser), and the same call then succeeds.
 * Script: {@code src/test/node/ts-client-stepup.mjs}.
 *
 * <p>The client is registered beforehand for every scope it may ask for, without refresh tokens.
 * Both are the SDK's limits, not the server's: SDK 1.32 registers dynamically with the scope of its
 * first authorization (and the authorization server refuses scopes a client did not register,
 * AS-SEC-16), and when it holds a refresh token it answers the 403 with a refresh, which cannot
 * widen a grant (RFC 6749 §6), instead of a new authorization.
 */
class StepUpAuthorizationTest {

  private static final String USER = "alice";

  @Test
  @DisplayName("E2E-TS-STEPUP: 403 insufficient_scope, re-authorization for the named scopes, then the call succeeds")
  void theTypeScriptClientStepsUp() {
    NodeClient.requireInstalled();
    try (EmbeddedAuthServer server = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1)
        .transport("streamable")
        .property("mcpauth.as.scopes", "mcp:tools admin offline_access")
        .property("mcpauth.scopes.required", "mcp:tools")
        .property("mcpauth.scopes.tool.whoami", "admin"), USER)) {
      String redirectUri = "http://127.0.0.1:" + Fixture.freePort() + "/oauth/callback";
      HttpResponse<String> registered = Http.post(server.issuer() + "/register", "{\"client_name\":\"step-up e2e\","
          + "\"redirect_uris\":[\"" + redirectUri + "\"],\"grant_types\":[\"authorization_code\"],"
          + "\"token_endpoint_auth_method\":\"none\",\"scope\":\"mcp:tools admin\"}");
      assertEquals(201, registered.statusCode(), registered.body());
      String clientId = (String) NodeClient.parse(registered.body()).get("client_id");

      NodeClient.Run run = NodeClient.run("ts-client-stepup.mjs", Duration.ofSeconds(90), Map.of(),
          server.mcpUrl("localhost"), USER, server.passwordFile().toString(), clientId, redirectUri);
      Map<String, Object> result = run.requireResult();

      assertEquals("mcp:tools", result.get("firstScope"), "the first authorization asked for the 401's scope");
      assertEquals("hello", result.get("echo"));
      assertEquals("Bearer error=\"insufficient_scope\", scope=\"mcp:tools admin\", resource_metadata=\"http://localhost:"
          + server.mcpPort() + "/.well-known/oauth-protected-resource\"", at(result, "stepUpChallenge.challenge"));
      assertEquals(List.of("mcp:tools", "mcp:tools admin"), result.get("authorizationScopes"),
          "the SDK re-authorized with exactly the scopes the 403 named");
      assertEquals(Boolean.TRUE, result.get("reauthorized"));
      assertEquals("mcp:tools admin", result.get("secondScope"));
      assertEquals("alice", at(result, "whoami.subject"), "the call that was refused now runs, as the same user");
      assertEquals(List.of("mcp:tools", "admin"), at(result, "whoami.scopes"));
      assertFalse((Boolean) result.get("refreshTokenHeld"));
      assertEquals(0, ((Number) result.get("registrations")).intValue(), "the pre-registered client was used");
      assertTrue(server.fixture().agentLog().stream().anyMatch(line -> line.contains("403")
          && line.contains("lacks a scope for tools/call whoami")), String.join("\n", server.fixture().agentLog()));

      server.close();
      List<String> secrets = new ArrayList<>(List.of(server.password()));
      secrets.addAll(run.secrets());
      LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), secrets);
      LogHygiene.assertNoSecretLogged(run.script(), run.output(), secrets);
    }
  }
}
