package io.mcpauth.tests;

import static io.mcpauth.tests.support.NodeClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.NodeClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Spring AI 1.0.x starter app (MCP Java SDK 0.10.0: the legacy HTTP+SSE transport only, built as
 * the Spring AI reference shows) protected by the agent and its embedded authorization server, and
 * the MCP TypeScript SDK's SSEClientTransport as its client, end to end: the 401 on the SSE stream,
 * discovery, registration, login, consent, PKCE, the token, then tools over the SSE session.
 * Script: {@code src/test/node/ts-client-oauth.mjs} with {@code MCPAUTH_E2E_TRANSPORT=sse}.
 */
class SpringAiStarterTypeScriptClientTest {

  private static final String USER = "alice";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"springai10-webmvc", "springai10-webflux"})
  @DisplayName("E2E-TS-04: the TypeScript SDK over SSE gets from a 401 to tool results on a Spring AI 1.0 starter app")
  void sseFlow(String module) {
    NodeClient.requireInstalled();
    List<String> secrets = new ArrayList<>();
    NodeClient.Run run;
    try (EmbeddedAuthServer server = EmbeddedAuthServer.start(Fixture.builder().module(module).transport("sse"), USER)) {
      String sseUrl = "http://localhost:" + server.mcpPort() + "/sse";
      run = NodeClient.run("ts-client-oauth.mjs", Duration.ofSeconds(90), NodeClient.env("MCPAUTH_E2E_TRANSPORT", "sse"),
          sseUrl, USER, server.passwordFile().toString());
      System.out.printf("ts-client-oauth.mjs over SSE (%s): exit %d in %d ms%n", module, run.exitCode(),
          run.duration().toMillis());
      secrets.add(server.password());
      secrets.addAll(run.secrets());

      var result = run.requireResult();
      assertEquals("SSEClientTransport", result.get("transport"));
      assertEquals(401L, ((Number) at(result, "challenge.status")).longValue(), "the SSE stream without a token");
      assertEquals(Boolean.TRUE, result.get("registered"), "registered by DCR");
      List<String> tools = at(result, "tools");
      assertTrue(tools.containsAll(List.of("add", "echo", "whoami")), "tools/list: " + tools);
      assertEquals("hello", result.get("echo"), "echo round trip over the SSE session: " + run.stdout());
      // SDK 0.10 has no transport context: the server is protected, but its tools cannot see the caller
      assertEquals("anonymous", result.get("whoami"));
      assertTrue(server.fixture().output().lines().anyMatch(line -> line.equals("FIXTURE tools/call echo")),
          "the echo call reached the app");
      server.close();
      LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), secrets);
    }
    LogHygiene.assertNoSecretLogged(run.script(), run.output(), secrets);
  }
}
