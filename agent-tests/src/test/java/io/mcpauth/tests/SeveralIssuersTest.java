package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two trusted JWKS issuers on one MCP server ({@code mcpauth.issuer} and one of
 * {@code mcpauth.additional-issuers}), and a third identity provider nobody trusts. Every provider
 * signs with its own key under the same kid, {@code rsa-1}: only the issuer tells them apart.
 */
class SeveralIssuersTest {

  private static TestIdentityProvider primary;
  private static TestIdentityProvider partner;
  private static TestIdentityProvider stranger;
  private static Fixture server;

  @BeforeAll
  static void start() {
    primary = TestIdentityProvider.start();
    partner = TestIdentityProvider.start();
    stranger = TestIdentityProvider.start();
    server = Fixture.builder().protectedBy(primary)
        .property("mcpauth.additional-issuers", "partner")
        .property("mcpauth.issuer.partner.url", partner.issuer())
        .start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      for (TestIdentityProvider idp : List.of(primary, partner, stranger)) {
        LogHygiene.assertNoTokenLogged(server, idp);
      }
    }
    for (TestIdentityProvider idp : new TestIdentityProvider[] {primary, partner, stranger}) {
      if (idp != null) {
        idp.close();
      }
    }
  }

  private static HttpResponse<String> initialize(String token) {
    return Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(token));
  }

  private static void assertInvalidToken(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response::body);
    assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer error=\"invalid_token\""));
  }

  @Test
  @DisplayName("RS-07: tokens of each trusted issuer are accepted, each verified with its own JWKS")
  void eachTrustedIssuer() {
    assertEquals(200, initialize(primary.token(server.resourceUri()).sign()).statusCode());
    assertEquals(200, initialize(partner.token(server.resourceUri()).sign()).statusCode());
    assertEquals(200, initialize(partner.token(server.resourceUri()).key("ec-1").sign()).statusCode());
    assertTrue(primary.jwksRequests() >= 1 && partner.jwksRequests() >= 1);
    server.awaitLog("trusted issuers: " + primary.issuer() + " (JWKS from its metadata), " + partner.issuer(),
        Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("RS-SEC-35: a token claiming one trusted issuer but signed with the other's key (same kid) is refused")
  void keysNeverCrossIssuers() {
    assertInvalidToken(initialize(partner.token(server.resourceUri()).claim("iss", primary.issuer()).sign()));
    assertInvalidToken(initialize(primary.token(server.resourceUri()).claim("iss", partner.issuer()).sign()));
  }

  @Test
  @DisplayName("RS-07 / RS-SEC-42: an issuer that is not trusted is refused without fetching anything of it")
  void unknownIssuer() {
    assertInvalidToken(initialize(stranger.token(server.resourceUri()).sign()));
    assertInvalidToken(initialize(primary.token(server.resourceUri()).claim("iss", primary.issuer() + "/").sign()));
    assertEquals(0, stranger.jwksRequests() + stranger.metadataRequests());
    server.awaitLog("iss is not a trusted issuer", Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("an opaque token cannot be routed without an introspecting issuer and is refused")
  void opaqueToken() {
    assertInvalidToken(initialize("an-opaque-token-of-nobody"));
  }

  @Test
  @DisplayName("RS-01: the Protected Resource Metadata lists every trusted issuer, the primary one first")
  void metadataListsEveryIssuer() {
    HttpResponse<String> prm = Http.get(server.baseUrl() + "/.well-known/oauth-protected-resource/mcp");
    assertEquals(200, prm.statusCode());
    assertEquals(List.of(primary.issuer(), partner.issuer()), OAuthDriver.json(prm.body()).get("authorization_servers"));
  }
}
