package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.WithIdentityProvider;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mcpauth.scopes.filter-tools-list}: each caller's tools/list names only the tools its scopes
 * (with what they imply) let it call, on every SDK line's server (stateful and stateless); without
 * the setting every caller sees every tool and the calls are still checked.
 */
class ToolListFilterTest extends WithIdentityProvider {

  @ParameterizedTest(name = "{0} {1} filter={2}")
  @CsvSource({"servlet-jetty, streamable, true", "servlet-jetty-sdk017, sse, true", "servlet-tomcat-sdk1, stateless, true",
      "servlet-jetty-sdk10, streamable, true", "spring-webmvc-springai, stateless, true",
      "spring-webflux-sdk018, streamable, true", "servlet-jetty, streamable, false"})
  void eachCallerSeesTheToolsItMayCall(String module, String transport, boolean filter) {
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp)
        .property("mcpauth.scopes.filter-tools-list", String.valueOf(filter))
        .property("mcpauth.scopes.tool.whoami", "admin")
        .property("mcpauth.scopes.tool.add", "math")
        .property("mcpauth.scopes.implies.root", "admin math")
        .start()) {
      List<String> all = List.of("add", "echo", "whoami");
      assertEquals(filter ? List.of("echo") : all, tools(server, "mcp:tools"));
      assertEquals(filter ? List.of("echo", "whoami") : all, tools(server, "mcp:tools admin"));
      assertEquals(all, tools(server, "root"));
      assertEquals(filter, server.agentLog().stream().anyMatch(line -> line.contains("answering tools/list with the tools"
          + " each caller may call")), String.join("\n", server.agentLog()));
    }
  }

  private static List<String> tools(Fixture server, String scope) {
    String token = idp.token(server.resourceUri()).claim("scope", scope).sign();
    try (McpSyncClient client = ScopeRulesTest.client(server, token)) {
      client.initialize();
      List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
      assertTrue(names.contains("echo"), names.toString());
      return names;
    }
  }
}
