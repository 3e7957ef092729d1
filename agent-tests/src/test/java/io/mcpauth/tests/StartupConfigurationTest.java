package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration from every source, and a JVM that refuses to serve when it is wrong. */
class StartupConfigurationTest extends WithIdentityProvider {

  @Test
  void invalidConfigurationStopsTheJvmWithOneLineNamingEveryBadProperty() {
    try (Fixture server = Fixture.builder()
        .property("mcpauth.issuer", "http://idp.example.com/realms/acme") // plain http off loopback
        .property("mcpauth.clock-skew", "soon")
        .property("mcpauth.algorithms", "RS256,none")
        .launch()) {
      int exit = server.awaitExit(Duration.ofSeconds(30));
      assertEquals(2, exit, "a configuration error exits with status 2 (docs/configuration.md)");
      assertTrue(server.stdout().stream().noneMatch(line -> line.startsWith("MCP server listening")), server.output());
      List<String> errors = server.stderr().stream().filter(line -> line.startsWith("mcpauth: configuration invalid")).toList();
      assertEquals(1, errors.size(), server.output());
      String line = errors.get(0);
      for (String property : List.of("mcpauth.issuer", "mcpauth.resource", "mcpauth.clock-skew", "mcpauth.algorithms")) {
        assertTrue(line.contains(property), property + " not named in: " + line);
      }
      assertTrue(line.startsWith("mcpauth: configuration invalid (4 errors)"), line);
    }
  }

  @Test
  void aMisspelledPropertyIsAnErrorNotASilentDefault() {
    try (Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.scope.required", "x").launch()) {
      assertEquals(2, server.awaitExit(Duration.ofSeconds(30)), server.output());
      assertTrue(server.output().contains("mcpauth.scope.required is not a known setting"), server.output());
    }
  }

  @Test
  void environmentVariablesConfigureTheAgentAndSystemPropertiesWin() {
    Fixture.Builder builder = Fixture.builder();
    try (Fixture server = builder
        .env("MCPAUTH_ISSUER", idp.issuer())
        .env("MCPAUTH_RESOURCE", "https://wrong.example/mcp")
        .property("mcpauth.resource", builder.resourceUri())
        .env("MCPAUTH_SCOPES_REQUIRED", "mcp:env")
        .start()) {
      HttpResponse401 check = new HttpResponse401(Http.post(server.url(), Http.INITIALIZE));
      assertTrue(check.challenge.contains("scope=\"mcp:env\""), check.challenge);
      assertTrue(check.challenge.contains(server.baseUrl()), "the system property beat the environment: " + check.challenge);
      String token = idp.token(server.resourceUri()).claim("scope", "mcp:env").sign();
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(token)).statusCode());
    }
  }

  @Test
  void aPropertiesFileConfiguresTheAgentBelowEnvironmentAndSystemProperties(@TempDir Path dir) throws IOException {
    Fixture.Builder builder = Fixture.builder();
    Path file = dir.resolve("mcpauth.properties");
    Files.writeString(file, "mcpauth.issuer=" + idp.issuer() + "\n"
        + "mcpauth.resource=" + builder.resourceUri() + "\n"
        + "mcpauth.scopes.required=mcp:file\n");
    try (Fixture server = builder.property("mcpauth.config", file.toString())
        .env("MCPAUTH_SCOPES_REQUIRED", "mcp:env-wins").start()) {
      String challenge = new HttpResponse401(Http.post(server.url(), Http.INITIALIZE)).challenge;
      assertTrue(challenge.contains("scope=\"mcp:env-wins\""), challenge);
    }
  }

  @Test
  void disabledAgentSaysSoOnceAndLeavesTheServerOpen() {
    try (Fixture server = Fixture.builder().property("mcpauth.enabled", "false").start()) {
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE).statusCode());
      String warning = server.awaitLog("NOT protected", Duration.ofSeconds(5));
      assertTrue(warning.contains("WARN"), warning);
      assertEquals(1, server.agentLog().size(), server.output());
    }
  }

  @Test
  void theAgentNeverAddsALineToStandardOutput() {
    try (Fixture plain = Fixture.builder().withoutAgent().start();
         Fixture agent = Fixture.builder().protectedBy(idp).start()) {
      Http.post(plain.url(), Http.INITIALIZE);
      Http.post(agent.url(), Http.INITIALIZE);
      assertEquals(1, plain.stdout().size(), plain.output());
      assertEquals(1, agent.stdout().size(), agent.output());
      assertFalse(agent.agentLog().isEmpty());
    }
  }

  @Test
  void theAgentsLogGoesToItsFileAtItsLevel(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("mcpauth.log");
    try (Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.log.file", log.toString()).start()) {
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE, "Authorization", "Bearer not.a.token").statusCode());
      String denied = awaitLine(log, "denied POST /mcp: 401");
      assertTrue(denied.matches("^\\d{4}-\\d\\d-\\d\\dT\\S+ mcpauth INFO  denied POST /mcp: 401 .*"), denied);
      awaitLine(log, "protecting MCP transports");
      assertTrue(server.agentLog().isEmpty(), "nothing of the agent on standard error: " + server.output());
      assertFalse(Files.readString(log).contains("not.a.token"), "never the token");
    }

    Path quiet = dir.resolve("quiet.log");
    try (Fixture server = Fixture.builder().protectedBy(idp)
        .property("mcpauth.log.file", quiet.toString())
        .property("mcpauth.log.level", "WARN")
        .start()) {
      // the denial is logged, at INFO, before the 401 is written: once it is answered, it was dropped
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE, "Authorization", "Bearer not.a.token").statusCode());
      assertTrue(!Files.exists(quiet) || Files.readString(quiet).isEmpty(), "no INFO line at WARN");
      assertTrue(server.agentLog().isEmpty(), server.output());
    }
  }

  private static String awaitLine(Path file, String text) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file)) {
          if (line.contains(text)) {
            return line;
          }
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no line with '" + text + "' in " + file + ": "
        + (Files.exists(file) ? Files.readString(file) : "(no file)"));
  }

  @Test
  void theHostsLogbackConfigurationIsNeverRead(@TempDir Path dir) throws IOException {
    // A configuration logback would choke on, loudly: if anything of the agent's read it (the agent
    // once shipped a relocated logback), status lines ("|-ERROR ...") would appear and the agent's
    // own log format would change.
    Path broken = dir.resolve("logback.xml");
    Files.writeString(broken, "<configuration><appender name=\"x\" class=\"no.such.Appender\"/><root><appender-ref ref=\"x\"/></root>");
    try (Fixture server = Fixture.builder().protectedBy(idp)
        .property("logback.configurationFile", broken.toString())
        .start()) {
      Http.post(server.url(), Http.INITIALIZE);
      server.awaitLog("denied POST /mcp", Duration.ofSeconds(5));
      assertTrue(server.output().lines().noneMatch(line -> line.contains("|-") || line.contains("no.such")), server.output());
      assertTrue(server.agentLog().stream().allMatch(line -> line.matches("^\\d{4}-\\d\\d-\\d\\dT.* mcpauth (INFO |WARN |ERROR|DEBUG|TRACE) .*")),
          server.output());
    }
  }

  /** The challenge of a response that must be a 401. */
  private static final class HttpResponse401 {
    final String challenge;

    HttpResponse401(java.net.http.HttpResponse<String> response) {
      assertEquals(401, response.statusCode(), response::body);
      challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
    }
  }
}
