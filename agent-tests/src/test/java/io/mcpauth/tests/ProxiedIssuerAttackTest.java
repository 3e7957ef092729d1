package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.OAuthDriver;
import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embedded authorization server as documented for a TLS-terminating proxy: a public
 * {@code https} issuer ({@code mcpauth.as.issuer}) in front of the AS's plain-HTTP listener (here on
 * loopback, where no {@code mcpauth.as.insecure-http} is needed). The tests talk to the listener
 * directly, as the proxy does. Browsers only ever see the https origin, so the session cookie must
 * be one for an https origin (AS-SEC-18), and everything the AS names must be the configured
 * issuer, never the address the request reached (AS-SEC-01/02).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxiedIssuerAttackTest extends AuthServerAttackSupport {

  private static final String PUBLIC_ISSUER = "https://auth.example.test";

  @Override
  Map<String, String> properties() {
    return Map.of("mcpauth.as.issuer", PUBLIC_ISSUER);
  }

  @Test
  @DisplayName("AS-SEC-01/02: behind a proxy the metadata, endpoints and redirect iss are the configured https issuer, whatever the Host")
  void configuredIssuer() {
    HttpResponse<String> response = Http.get(server.issuer() + "/.well-known/oauth-authorization-server",
        "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http");
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> metadata = OAuthDriver.json(response.body());
    assertEquals(PUBLIC_ISSUER, metadata.get("issuer"));
    for (String endpoint : List.of("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")) {
      assertTrue(String.valueOf(metadata.get(endpoint)).startsWith(PUBLIC_ISSUER + "/"), endpoint + ": " + metadata.get(endpoint));
    }
    assertFalse(response.body().contains("localhost") || response.body().contains("evil.example"), response.body());

    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    HttpResponse<String> error = driver.authorize(with(request, "scope", "no-such-scope"));
    assertEquals(303, error.statusCode(), error.body());
    assertEquals(PUBLIC_ISSUER, OAuthDriver.query(header(error, "Location")).get("iss"), "RFC 9207 iss");
  }

  @Test
  @DisplayName("AS-SEC-18: behind a TLS-terminating proxy (https issuer) the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax")
  void secureCookieBehindProxy() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    HttpResponse<String> page = driver.authorize(request(driver, client));
    assertLoginPage(page);
    List<String> setCookies = page.headers().allValues("Set-Cookie");
    assertEquals(1, setCookies.size(), "one session cookie: " + setCookies);
    String line = setCookies.get(0);
    HttpCookie cookie = HttpCookie.parse(line).get(0);
    String lower = line.toLowerCase(Locale.ROOT);
    assertTrue(cookie.isHttpOnly(), "HttpOnly: " + line);
    assertTrue(lower.contains("samesite=lax"), "SameSite=Lax: " + line);
    // The public origin is https: without Secure a browser also sends the session cookie over plain
    // http to the same host (any port), and without __Host- a sibling domain can overwrite it.
    assertTrue(cookie.getSecure(), "Secure for an https issuer: " + line);
    assertTrue(cookie.getName().startsWith("__Host-"), "__Host- prefix for an https issuer: " + line);
    assertTrue(lower.contains("path=/") && !lower.contains("domain="), "__Host- needs Path=/ and no Domain: " + line);
  }
}
