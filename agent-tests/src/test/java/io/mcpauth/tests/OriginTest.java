package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RS-18, RS-SEC-59, vector J18: a browser page of a foreign origin (DNS rebinding, a cross-site
 * request) gets 403 before its token is even looked at; the resource's own origin, the configured
 * ones and, for a loopback server, local pages pass; clients that send no Origin are not affected.
 */
class OriginTest extends WithIdentityProvider {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"servlet-jetty, streamable", "servlet-tomcat-sdk017, stateless", "spring-webflux-springai, stateless",
      "spring-webmvc-sdk018, streamable"})
  void foreignOriginsAreRefused(String module, String transport) {
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp)
        .property("mcpauth.allowed-origins", "https://app.example.com").start()) {
      String auth = "Bearer " + idp.token(server.resourceUri()).sign();
      for (String origin : new String[] {"https://evil.example", "null", "http://127.0.0.1.evil.example:" + server.port(),
          "https://app.example.com.evil.example"}) {
        HttpResponse<String> refused = Http.post(server.url(), Http.INITIALIZE, "Authorization", auth, "Origin", origin);
        assertEquals(403, refused.statusCode(), origin);
        assertFalse(refused.headers().firstValue("WWW-Authenticate").isPresent(), "no token helps: no challenge");
        assertEquals("{\"error\":\"invalid_request\",\"error_description\":\"The Origin of this request is not allowed\"}",
            refused.body());
      }
      for (String origin : new String[] {null, "http://127.0.0.1:" + server.port(), "http://localhost:6274",
          "https://app.example.com"}) {
        HttpResponse<String> served = origin == null ? Http.post(server.url(), Http.INITIALIZE, "Authorization", auth)
            : Http.post(server.url(), Http.INITIALIZE, "Authorization", auth, "Origin", origin);
        assertEquals(200, served.statusCode(), origin + ": " + served.body());
      }
    }
  }
}
