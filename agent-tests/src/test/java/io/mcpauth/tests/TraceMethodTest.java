package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every method that reaches an MCP transport goes through the gate or is refused. {@code HttpServlet}
 * answers the methods a transport does not declare itself: TRACE by echoing the request's headers
 * (its Authorization and Cookie), OPTIONS for anyone. Neither may answer in the transport's place.
 */
class TraceMethodTest extends WithIdentityProvider {

  private static final String COOKIE = "session=cookie-secret-0f3c";

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"servlet-jetty, streamable", "servlet-jetty, sse", "servlet-jetty, stateless",
      "servlet-jetty-sdk017, streamable", "servlet-tomcat, streamable", "servlet-tomcat, sse",
      "spring-webmvc-sdk018, streamable", "spring-webflux-springai, streamable"})
  void onlyGatedMethodsAreAnswered(String module, String transport) {
    try (Fixture server = Fixture.builder().module(module).transport(transport).protectedBy(idp).start()) {
      String token = idp.token(server.resourceUri()).sign();
      String url = transport.equals("sse") ? server.baseUrl() + "/sse" : server.url();
      for (String method : List.of("TRACE", "OPTIONS", "PUT", "PATCH", "PROPFIND", "FOO")) {
        for (boolean withToken : List.of(true, false)) {
          HttpResponse<String> response = withToken
              ? Http.send(method, url, null, "Authorization", "Bearer " + token, "Cookie", COOKIE)
              : Http.send(method, url, null, "Cookie", COOKIE);
          String what = method + (withToken ? " with a token" : " without a token") + " -> " + response.statusCode()
              + " " + response.body();
          if (module.startsWith("servlet")) {
            // the transport servlet's own rule: what it does not gate, it refuses
            assertEquals(405, response.statusCode(), what);
            assertFalse(response.headers().firstValue("Allow").orElse("").contains(method), what);
          } else {
            // Spring routes only the handlers' methods to them; anything else is the container's error
            assertTrue(response.statusCode() >= 400, what);
          }
          assertFalse(response.body().contains(token), "the token echoed: " + what);
          assertFalse(response.body().contains("cookie-secret"), "the cookie echoed: " + what);
          assertFalse(response.headers().toString().contains("cookie-secret"), "the cookie in a header: " + what);
        }
      }
      // HEAD is GET without a body: it goes through the gate
      if (module.startsWith("servlet") && !transport.equals("stateless")) {
        HttpResponse<String> head = Http.send("HEAD", url, null);
        assertEquals(401, head.statusCode(), "HEAD without a token");
        assertTrue(head.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer "), "HEAD's challenge");
      }
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode(), "POST without a token");
    }
  }
}
