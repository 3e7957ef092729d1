package io.mcpauth.tests;

import static io.mcpauth.tests.support.RawSession.toolsCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.RawSession;
import io.mcpauth.tests.support.WithIdentityProvider;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RS-11 per-tool scopes (RS-SEC-47, -50, -51, -57), checked before dispatch, on every servlet transport across the SDK's two
 * ways of reading a body (getReader before 0.18.4/1.1.4/2.0.1, readBody after) and on the Spring
 * WebMVC and WebFlux transports: the tool a caller lacks the scope for is refused with one 403
 * naming every scope the call needs; the tools it may call run, with the body the server reads
 * being the one the gate judged; a scope that implies another is honoured.
 */
class ScopeRulesTest extends WithIdentityProvider {

  @ParameterizedTest(name = "RS-SEC-47/50/51/57 {0} {1}")
  @CsvSource({"servlet-jetty, streamable", "servlet-jetty, sse", "servlet-jetty, stateless",
      "servlet-jetty-sdk017, streamable", "servlet-jetty-sdk017, sse", "servlet-tomcat-sdk1, stateless",
      "servlet-tomcat-sdk018, streamable",
      "spring-webmvc-springai, streamable", "spring-webmvc-sdk018, sse", "spring-webmvc-sdk018, stateless",
      "spring-webflux-springai, streamable", "spring-webflux-sdk018, sse", "spring-webflux-sdk018, stateless"})
  void aToolNeedsItsScopeBeforeItRuns(String module, String transport) {
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp)
        .property("mcpauth.scopes.required", "mcp:tools")
        .property("mcpauth.scopes.tool.whoami", "admin")
        .property("mcpauth.scopes.implies.root", "admin mcp:tools")
        .start()) {
      String narrow = idp.token(server.resourceUri()).claim("sub", "nora").claim("scope", "mcp:tools").sign();
      try (RawSession session = RawSession.open(server, narrow)) {
        HttpResponse<String> refused = session.post(toolsCall("whoami"));
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("Bearer error=\"insufficient_scope\", scope=\"mcp:tools admin\", resource_metadata=\""
                + "http://127.0.0.1:" + server.port() + "/.well-known/oauth-protected-resource/mcp\"",
            refused.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(refused.body().contains("\"error\":\"insufficient_scope\""), refused.body());
        // the same call spelt with a JSON escape is the same tool to the server, and to the gate
        assertEquals(403, session.post(toolsCall("who\\u0061mi")).statusCode());
        int echo = session.post(toolsCall("echo")).statusCode();
        assertTrue(echo == 200 || echo == 202, "a tool without a rule of its own runs: " + echo);
      }
      // RS-SEC-50, RS-SEC-51: near misses and an unconfigured "admin-like" scope grant nothing
      for (String nearMiss : List.of("mcp:tools ADMIN", "mcp:tools admi", "mcp:tools adminx", "mcp:tools mcp:admin")) {
        String token = idp.token(server.resourceUri()).claim("scope", nearMiss).sign();
        try (RawSession session = RawSession.open(server, token)) {
          assertEquals(403, session.post(toolsCall("whoami")).statusCode(), nearMiss);
        }
      }
      try (McpSyncClient client = client(server, narrow)) {
        client.initialize();
        assertEquals("hi", text(client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi")))));
        RuntimeException refused = assertThrows(RuntimeException.class,
            () -> client.callTool(new McpSchema.CallToolRequest("whoami", Map.of())));
        assertRefusedWith403(refused);
      }
      String wide = idp.token(server.resourceUri()).claim("sub", "walt").claim("scope", "mcp:tools admin").sign();
      String root = idp.token(server.resourceUri()).claim("sub", "ruth").claim("scope", "root").sign();
      for (Map.Entry<String, String> caller : Map.of("walt", wide, "ruth", root).entrySet()) {
        try (McpSyncClient client = client(server, caller.getValue())) {
          client.initialize();
          String whoami = text(client.callTool(new McpSchema.CallToolRequest("whoami", Map.of())));
          assertTrue(whoami.startsWith("{\"subject\":\"" + caller.getKey() + "\""), whoami);
        }
      }
      assertTrue(server.agentLog().stream().anyMatch(line -> line.contains("403")
          && line.contains("subject nora lacks a scope for tools/call whoami")), String.join("\n", server.agentLog()));
      server.close();
      LogHygiene.assertNoTokenLogged(server, idp);
    }
  }

  /**
   * The SDK client was refused by the gate's 403, not by anything else: its Streamable and
   * stateless transports report the answer in a McpHttpClientTransportAuthorizationException, its
   * SSE transport names the status in the message.
   */
  private static void assertRefusedWith403(Throwable thrown) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof McpHttpClientTransportAuthorizationException refusal) {
        HttpResponse.ResponseInfo answer = refusal.getResponseInfo();
        assertEquals(403, answer.statusCode());
        assertTrue(answer.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"insufficient_scope\""),
            answer.headers().toString());
        return;
      }
      messages.append(t).append('\n');
    }
    assertTrue(messages.toString().contains("403"), "not refused with 403:\n" + messages);
  }

  static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  static McpSyncClient client(Fixture server, String token) {
    McpSyncHttpClientRequestCustomizer headers = (request, method, uri, body, context) ->
        request.header("Authorization", "Bearer " + token);
    McpClientTransport transport = server.transport().equals("sse")
        ? HttpClientSseClientTransport.builder(server.baseUrl()).sseEndpoint("/sse").httpRequestCustomizer(headers).build()
        : HttpClientStreamableHttpTransport.builder(server.baseUrl()).endpoint("/mcp").httpRequestCustomizer(headers).build();
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).initializationTimeout(Duration.ofSeconds(10))
        .build();
  }
}
