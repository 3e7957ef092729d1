package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.CompatibilityMatrix;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.SessionProbe;
import io.mcpauth.tests.support.WithIdentityProvider;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the compatibility matrix (servlet transports on Jetty and Tomcat for every SDK line,
 * Spring WebMVC and WebFlux in fat jars) on every transport, driven by the real MCP Java SDK client:
 * a valid token gets through initialize, tools/list and tools/call; no token gets 401; a token for
 * another audience gets 401; the metadata answers on the server's own origin.
 */
class TransportMatrixTest extends WithIdentityProvider {

  // Also, in every cell: the tool sees its caller, and a session answers only the caller it belongs to.

  /**
   * Every cell of the matrix; with {@code -Dmcpauth.matrix.rows=module,...} only those rows' (to run a
   * few rows by hand: CI runs them all).
   */
  static Stream<Arguments> cells() {
    Stream.Builder<Arguments> cells = Stream.builder();
    String only = System.getProperty("mcpauth.matrix.rows", "");
    for (CompatibilityMatrix.Row row : CompatibilityMatrix.ROWS) {
      if (!only.isBlank() && !java.util.List.of(only.split(",")).contains(row.module())) {
        continue;
      }
      for (String transport : row.served()) {
        cells.add(Arguments.of(row.module(), transport, row.callerVisible()));
      }
    }
    return cells.build();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cells")
  void protectsTheTransport(String module, String transport, boolean callerVisible) {
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp).start()) {
      String token = idp.token(server.resourceUri()).sign();

      try (McpSyncClient client = client(server, token)) {
        client.initialize();
        assertTrue(client.listTools().tools().stream().anyMatch(tool -> tool.name().equals("echo")));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi")));
        assertEquals("hi", ((McpSchema.TextContent) result.content().get(0)).text());
        McpSchema.CallToolResult whoami = client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
        assertEquals(callerVisible ? "{\"subject\":\"alice\",\"client_id\":\"test-client\",\"scopes\":[\"mcp:tools\"]}"
            : "anonymous", ((McpSchema.TextContent) whoami.content().get(0)).text(),
            callerVisible ? "the tool sees its caller through McpTransportContext" : "an SDK line without a transport context");
      }

      if (!transport.equals("stateless")) {
        String mallory = idp.token(server.resourceUri()).claim("sub", "mallory").sign();
        SessionProbe.assertBoundToItsOwner(server, token, mallory);
      }

      try (McpSyncClient anonymous = client(server, null)) {
        Exception refused = assertThrows(Exception.class, anonymous::initialize);
        if (!transport.equals("sse")) {
          // raised by the SDK client for a 401/403 answer; the SSE client only times out
          assertTrue(causeChain(refused).contains("McpHttpClientTransportAuthorizationException"), causeChain(refused));
        }
      }

      String entry = transport.equals("sse") ? server.baseUrl() + "/sse" : server.url();
      HttpResponse<String> noToken = transport.equals("sse")
          ? Http.get(entry, "Accept", "text/event-stream")
          : Http.post(entry, Http.INITIALIZE);
      assertEquals(401, noToken.statusCode());
      assertTrue(noToken.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer resource_metadata="));

      String otherAudience = idp.token("http://127.0.0.1:1/mcp").sign();
      HttpResponse<String> wrongAudience = transport.equals("sse")
          ? Http.get(entry, "Accept", "text/event-stream", "Authorization", bearer(otherAudience))
          : Http.post(entry, Http.INITIALIZE, "Authorization", bearer(otherAudience));
      assertEquals(401, wrongAudience.statusCode());
      assertTrue(wrongAudience.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));

      if (transport.equals("sse")) {
        // the legacy message endpoint is gated on its own, whatever session id it is given
        assertEquals(401, Http.post(server.baseUrl() + "/mcp/message?sessionId=x", Http.TOOLS_LIST).statusCode());
      }

      HttpResponse<String> metadata = Http.get(server.baseUrl() + "/.well-known/oauth-protected-resource/mcp");
      assertEquals(200, metadata.statusCode());
      assertTrue(metadata.body().contains("\"resource\":\"" + server.resourceUri() + "\""), metadata.body());

      server.close();
      LogHygiene.assertNoTokenLogged(server, idp);
    }
  }

  private static McpSyncClient client(Fixture server, String token) {
    McpSyncHttpClientRequestCustomizer auth = (request, method, uri, body, context) -> {
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
    };
    McpClientTransport transport = server.transport().equals("sse")
        ? HttpClientSseClientTransport.builder(server.baseUrl()).sseEndpoint("/sse").httpRequestCustomizer(auth).build()
        : HttpClientStreamableHttpTransport.builder(server.baseUrl()).endpoint("/mcp").httpRequestCustomizer(auth).build();
    Duration timeout = Duration.ofSeconds(token == null ? 3 : 10);
    return McpClient.sync(transport).requestTimeout(timeout).initializationTimeout(timeout).build();
  }

  private static String causeChain(Throwable error) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      out.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
    }
    return out.toString();
  }
}
