package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.RawSession;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RS-11 from a JSON policy file: prompts, resources (exact and by prefix) and methods as well as
 * tools, with a hierarchy; the metadata lists the scopes the rules name; a policy the agent cannot
 * use stops the JVM with one line naming it.
 */
class PolicyFileTest extends WithIdentityProvider {

  @TempDir
  static Path dir;

  private static final String POLICY = """
      {
        "tools": {"whoami": "admin"},
        "prompts": {"greeting": "prompts:read"},
        "resources": {"fixture://secret/*": "secrets", "fixture://notes/readme": ""},
        "methods": {"resources/list": "catalog"},
        "implies": {"admin": "prompts:read secrets catalog"}
      }
      """;

  private static String prompt(String name) {
    return "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"prompts/get\",\"params\":{\"name\":\"" + name + "\"}}";
  }

  private static String read(String uri) {
    return "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":\"" + uri + "\"}}";
  }

  private static final String LIST_RESOURCES = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/list\"}";

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"servlet-jetty, streamable", "servlet-tomcat-sdk017, stateless", "spring-webmvc-springai, stateless",
      "spring-webflux-springai, streamable"})
  void promptsResourcesAndMethodsFollowThePolicy(String module, String transport) throws Exception {
    Path policy = Files.writeString(dir.resolve("policy-" + module + ".json"), POLICY);
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp)
        .property("mcpauth.scopes.required", "mcp:tools")
        .property("mcpauth.policy-file", policy.toString())
        .start()) {
      String narrow = idp.token(server.resourceUri()).claim("scope", "mcp:tools").sign();
      try (RawSession session = RawSession.open(server, narrow)) {
        assertChallenge(session.post(prompt("greeting")), server, "mcp:tools prompts:read");
        assertChallenge(session.post(read("fixture://secret/plan")), server, "mcp:tools secrets");
        assertChallenge(session.post(LIST_RESOURCES), server, "mcp:tools catalog");
        assertServed(session.post(read("fixture://notes/readme")), "fixture notes");
        assertServed(session.post(RawSession.toolsCall("add").replace("\"text\":\"hi\"", "\"a\":2,\"b\":3")), "5");
      }
      String admin = idp.token(server.resourceUri()).claim("scope", "mcp:tools admin").sign();
      try (RawSession session = RawSession.open(server, admin)) {
        assertServed(session.post(prompt("greeting")), "hello from the fixture");
        assertServed(session.post(read("fixture://secret/plan")), "secret plan");
        assertServed(session.post(LIST_RESOURCES), "fixture://secret/plan");
        assertServed(session.post(RawSession.toolsCall("whoami")), "mcp:tools");
      }
      HttpResponse<String> metadata = Http.get(server.baseUrl() + "/.well-known/oauth-protected-resource/mcp");
      assertTrue(metadata.body().contains("\"scopes_supported\":[\"mcp:tools\",\"catalog\",\"admin\",\"prompts:read\","
          + "\"secrets\"]"), metadata.body());
    }
  }

  private static void assertChallenge(HttpResponse<String> response, Fixture server, String scopes) {
    assertEquals(403, response.statusCode(), response.body());
    assertEquals("Bearer error=\"insufficient_scope\", scope=\"" + scopes + "\", resource_metadata=\"http://127.0.0.1:"
        + server.port() + "/.well-known/oauth-protected-resource/mcp\"",
        response.headers().firstValue("WWW-Authenticate").orElseThrow());
  }

  /** Streamable and stateless answer a request in the POST's own response (JSON or one SSE event). */
  private static void assertServed(HttpResponse<String> response, String expected) {
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains(expected), response.body());
  }

  @Test
  void aPolicyTheAgentCannotUseStopsTheJvmWithOneLine() throws Exception {
    Path policy = Files.writeString(dir.resolve("bad.json"), "{\"tools\": {\"whoami\": \"admin\"}, \"tool\": {}}");
    try (Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.policy-file", policy.toString())
        .property("mcpauth.scopes.tool.whoami", "root").launch()) {
      assertEquals(2, server.awaitExit(java.time.Duration.ofSeconds(30)));
      String output = server.output();
      assertTrue(output.contains("mcpauth.policy-file " + policy + ": unknown member 'tool' (expected tools, prompts,"
          + " resources, methods, implies)"), output);
      assertTrue(output.contains("mcpauth.policy-file " + policy + ": tools.whoami is also set by"
          + " mcpauth.scopes.tool.whoami; set each rule in one place"), output);
    }
  }
}
