package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.net.http.HttpResponse;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RS-01..05: the RFC 9728 document on the MCP server's own origin, whatever path the application
 * mapped its MCP servlet to (the transport never routes the well-known path itself).
 */
class ProtectedResourceMetadataTest extends WithIdentityProvider {

  @ParameterizedTest(name = "servlet mapped to {0}")
  @ValueSource(strings = {"/*", "/mcp", "/mcp/*"})
  void servedOnTheServersOwnOrigin(String mapping) throws Exception {
    try (Fixture server = Fixture.builder().protectedBy(idp).args("--servlet-mapping", mapping)
        .property("mcpauth.scopes.required", "mcp:tools mcp:read").start()) {
      String url = server.baseUrl() + "/.well-known/oauth-protected-resource/mcp";

      HttpResponse<String> challenge = Http.post(server.url(), Http.INITIALIZE);
      assertEquals(401, challenge.statusCode(), "the MCP endpoint stays protected");
      assertTrue(challenge.headers().firstValue("WWW-Authenticate").orElseThrow()
          .contains("resource_metadata=\"" + url + "\""), "the challenge points at the document");

      for (String path : new String[] {url, server.baseUrl() + "/.well-known/oauth-protected-resource"}) {
        // a forged forwarding header changes nothing (AS-SEC-02 for the resource side)
        HttpResponse<String> response = Http.get(path, "X-Forwarded-Host", "evil.example");
        assertEquals(200, response.statusCode(), path);
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElseThrow(), "RS-04");
        var document = JsonUtil.parseJson(response.body());
        assertEquals(server.resourceUri(), document.get("resource"), "RS-02");
        assertEquals(java.util.List.of(idp.issuer()), document.get("authorization_servers"), "RS-01");
        assertEquals(java.util.List.of("mcp:tools", "mcp:read"), document.get("scopes_supported"), "RS-05");
        assertEquals(java.util.List.of("header"), document.get("bearer_methods_supported"), "RS-05");
      }
    }
  }
}
