package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.WithIdentityProvider;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The caller reaches tools even when the application configured its own context extractor: its keys
 * are kept, ours win over any it sets for itself, and on servlet transports the caller is also a
 * request attribute the application can read.
 */
class CallerIdentityTest extends WithIdentityProvider {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"servlet-jetty, streamable", "servlet-jetty, sse", "servlet-jetty, stateless",
      "servlet-jetty-sdk017, streamable", "servlet-tomcat-sdk1, stateless"})
  void theApplicationsExtractorIsWrappedNotReplaced(String module, String transport) {
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp).args("--app-context")
        .start()) {
      String token = idp.token(server.resourceUri()).claim("sub", "bob").claim("client_id", "bobs-client")
          .claim("scope", "mcp:tools mcp:admin").sign();
      try (McpSyncClient client = client(server, token, "tag-42")) {
        client.initialize();
        McpSchema.CallToolResult whoami = client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
        assertEquals("{\"subject\":\"bob\",\"client_id\":\"bobs-client\",\"scopes\":[\"mcp:tools\",\"mcp:admin\"],"
            + "\"app.tag\":\"tag-42\",\"app.saw-subject\":\"bob\"}",
            ((McpSchema.TextContent) whoami.content().get(0)).text());
      }
    }
  }

  private static McpSyncClient client(Fixture server, String token, String tag) {
    McpSyncHttpClientRequestCustomizer headers = (request, method, uri, body, context) ->
        request.header("Authorization", "Bearer " + token).header("X-App-Tag", tag);
    McpClientTransport transport = server.transport().equals("sse")
        ? HttpClientSseClientTransport.builder(server.baseUrl()).sseEndpoint("/sse").httpRequestCustomizer(headers).build()
        : HttpClientStreamableHttpTransport.builder(server.baseUrl()).endpoint("/mcp").httpRequestCustomizer(headers).build();
    return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).initializationTimeout(Duration.ofSeconds(10))
        .build();
  }
}
