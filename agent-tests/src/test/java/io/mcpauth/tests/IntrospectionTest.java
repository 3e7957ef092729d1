package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * RFC 7662 against a real authorization server: the agent's own embedded one, in fixture A, is the
 * issuer of fixture B, which knows no key of A's and judges every token by asking A's
 * {@code /introspect} as a confidential client (secret from a file). Fixture C trusts a JWKS issuer
 * and A (introspected) side by side; a WebFlux fixture shows the event loop never waits for A. The
 * last test stops A.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IntrospectionTest {

  private EmbeddedAuthServer a;
  private OAuthDriver browser;
  private OAuthDriver.Client app;
  private Path home;
  private Fixture b;
  private String resourceB;
  private String urlB;
  private TestIdentityProvider idp;
  private Fixture c;
  private String resourceC;
  private final List<String> secrets = new ArrayList<>();
  private String resourceServerId;

  @BeforeAll
  void start() throws Exception {
    a = EmbeddedAuthServer.start(Fixture.builder().property("mcpauth.as.dcr.per-minute", "1000"), "alice");
    secrets.add(a.password());
    browser = new OAuthDriver(a.issuer());
    OAuthDriver.Client resourceServer = browser.registerConfidential("mcp server B", "client_secret_basic",
        "[\"authorization_code\"]");
    secrets.add(resourceServer.secret());
    resourceServerId = resourceServer.id();
    home = Files.createTempDirectory("mcpauth-introspection");
    Path secretFile = Files.writeString(Files.createFile(home.resolve("secret"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), resourceServer.secret() + "\n");
    app = browser.registerPublic("inspector");

    int portB = Fixture.freePort();
    resourceB = "http://localhost:" + portB + "/";
    urlB = resourceB + "mcp";
    b = Fixture.builder().port(portB)
        .property("mcpauth.issuer", a.issuer())
        .property("mcpauth.resource", resourceB)
        .property("mcpauth.introspection.uri", a.issuer() + "/introspect")
        .property("mcpauth.introspection.client-id", resourceServer.id())
        .property("mcpauth.introspection.client-secret-file", secretFile.toString())
        .property("mcpauth.introspection.cache-ttl", "1s")
        .start();

    idp = TestIdentityProvider.start();
    int portC = Fixture.freePort();
    resourceC = "http://localhost:" + portC + "/";
    c = Fixture.builder().port(portC)
        .property("mcpauth.issuer", idp.issuer())
        .property("mcpauth.resource", resourceC)
        .property("mcpauth.additional-issuers", "embedded")
        .property("mcpauth.issuer.embedded.url", a.issuer())
        .property("mcpauth.issuer.embedded.introspection.uri", a.issuer() + "/introspect")
        .property("mcpauth.issuer.embedded.introspection.client-id", resourceServer.id())
        .env("MCPAUTH_ISSUER_EMBEDDED_INTROSPECTION_CLIENT_SECRET", resourceServer.secret())
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    // all stopped first: a failed assertion on one must not leave the others running
    for (Fixture fixture : new Fixture[] {b, c}) {
      if (fixture != null) {
        fixture.close();
      }
    }
    if (a != null) {
      a.close();
    }
    for (Fixture fixture : new Fixture[] {b, c}) {
      if (fixture != null) {
        LogHygiene.assertNoSecretLogged("fixture " + fixture.port(), fixture.output(), secrets);
        LogHygiene.assertNoTokenLogged(fixture, idp);
      }
    }
    if (a != null) {
      LogHygiene.assertNoSecretLogged("the authorization server's fixture", a.fixture().output(), secrets);
    }
    if (idp != null) {
      idp.close();
    }
    if (home != null) {
      Files.deleteIfExists(home.resolve("secret"));
      Files.deleteIfExists(home);
    }
  }

  private Map<String, Object> tokens(String resource, String scope) {
    Map<String, Object> tokens = browser.tokens(app, resource, scope, "alice", a.password());
    for (String name : List.of("access_token", "refresh_token")) {
      if (tokens.get(name) instanceof String secret) {
        secrets.add(secret);
      }
    }
    return tokens;
  }

  private String accessToken(String resource) {
    return (String) tokens(resource, "mcp:tools").get("access_token");
  }

  private static HttpResponse<String> initialize(String url, String token) {
    return Http.post(url, Http.INITIALIZE, "Authorization", bearer(token));
  }

  private static void assertInvalidToken(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response::body);
    assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer error=\"invalid_token\""));
  }

  @Test
  @Order(1)
  @DisplayName("AS-16, RS-07: a live token of the authorization server is accepted by introspection alone")
  void activeToken() {
    HttpResponse<String> response = initialize(urlB, accessToken(resourceB));
    assertEquals(200, response.statusCode(), response::body);
    assertTrue(response.body().contains("protocolVersion"), response.body());
    b.awaitLog("trusted issuers: " + a.issuer() + " (introspection at " + a.issuer() + "/introspect)", Duration.ofSeconds(10));
  }

  @Test
  @Order(2)
  @DisplayName("RS-SEC-45 / RS-SEC-54: a live token issued for another resource is refused (aud from introspection)")
  void tokenForAnotherResource() {
    assertInvalidToken(initialize(urlB, accessToken(resourceC)));
  }

  @Test
  @Order(3)
  @DisplayName("RS-SEC-52: a refresh token, an unknown opaque token and garbage are refused")
  void notAccessTokens() {
    Map<String, Object> tokens = tokens(resourceB, "mcp:tools offline_access");
    String refreshToken = (String) tokens.get("refresh_token");
    assertNotNull(refreshToken);
    assertInvalidToken(initialize(urlB, refreshToken));
    assertInvalidToken(initialize(urlB, "opaque-token-nobody-issued"));
    assertInvalidToken(initialize(urlB, idp.token(resourceB).claim("iss", a.issuer()).sign()));
  }

  @Test
  @Order(4)
  @DisplayName("AS-16 / RS-SEC-54: a token revoked at the authorization server is refused once the 1 s cache TTL has passed")
  void revokedToken() throws Exception {
    String token = accessToken(resourceB);
    assertEquals(200, initialize(urlB, token).statusCode());
    HttpResponse<String> revoked = browser.postTo("/revoke", Map.of("token", token, "client_id", app.id()));
    assertEquals(200, revoked.statusCode(), revoked.body());
    Thread.sleep(1_100);
    assertInvalidToken(initialize(urlB, token));
  }

  @Test
  @Order(5)
  @DisplayName("several issuers: a JWKS issuer and an introspected one side by side, each token judged only by its own")
  void mixedIssuers() {
    String urlC = resourceC + "mcp";
    assertEquals(200, initialize(urlC, idp.token(resourceC).sign()).statusCode(), "the JWKS issuer's token");
    assertEquals(200, initialize(urlC, accessToken(resourceC)).statusCode(), "the introspected issuer's token");
    // RS-SEC-35 / RS-SEC-56: a JWT claiming the introspected issuer goes to its endpoint, which does not know it
    assertInvalidToken(initialize(urlC, idp.token(resourceC).claim("iss", a.issuer()).sign()));
    // an opaque token goes to the one introspecting issuer, which says inactive
    assertInvalidToken(initialize(urlC, "opaque-token-nobody-issued"));
    Map<String, Object> prm = OAuthDriver.json(Http.get(resourceC + ".well-known/oauth-protected-resource").body());
    assertEquals(List.of(idp.issuer(), a.issuer()), prm.get("authorization_servers"));
  }

  @Test
  @Order(6)
  @DisplayName("WebFlux: the event loop never waits for introspection: 503 with Retry-After at once, then the verdict on retry")
  void webFluxEventLoop() throws Exception {
    int port = Fixture.freePort();
    String resource = "http://localhost:" + port + "/";
    try (Fixture webflux = Fixture.builder().module("spring-webflux-springai").port(port)
        .property("mcpauth.issuer", a.issuer())
        .property("mcpauth.resource", resource)
        .property("mcpauth.introspection.uri", a.issuer() + "/introspect")
        .property("mcpauth.introspection.client-id", resourceServerId)
        .property("mcpauth.introspection.client-secret-file", home.resolve("secret").toString())
        .start()) {
      String token = accessToken(resource);
      long started = System.nanoTime();
      HttpResponse<String> first = initialize(webflux.url(), token);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(503, first.statusCode(), first::body);
      assertNotEquals("", first.headers().firstValue("Retry-After").orElse(""));
      assertTrue(millis < 2_000, "answered in " + millis + " ms");
      int status = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (status != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        status = initialize(webflux.url(), token).statusCode();
      }
      assertEquals(200, status, "the background introspection filled the cache for the retry");
      assertInvalidToken(pollPast503(webflux.url(), "opaque-token-nobody-issued"));
      LogHygiene.assertNoSecretLogged("the WebFlux fixture", webflux.output(), secrets);
    }
  }

  /** On an event loop a new token is 503 until its background call is done; the verdict after that. */
  private static HttpResponse<String> pollPast503(String url, String token) throws InterruptedException {
    HttpResponse<String> response = initialize(url, token);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (response.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      response = initialize(url, token);
    }
    return response;
  }

  @Test
  @Order(7)
  @DisplayName("RS-SEC-53: the authorization server stopped: 503 with Retry-After, never 200, for any token not in the cache")
  void authorizationServerDown() throws Exception {
    String fresh = accessToken(resourceB);
    String used = accessToken(resourceB);
    assertEquals(200, initialize(urlB, used).statusCode());
    a.fixture().close();
    Thread.sleep(1_100);
    for (String token : List.of(fresh, used, "opaque-token-nobody-issued")) {
      HttpResponse<String> response = initialize(urlB, token);
      assertEquals(503, response.statusCode(), response::body);
      assertNotEquals("", response.headers().firstValue("Retry-After").orElse(""));
    }
    b.awaitLog("introspection at " + a.issuer() + "/introspect failed", Duration.ofSeconds(5));
    String urlC = resourceC + "mcp";
    assertEquals(503, initialize(urlC, fresh).statusCode(), "the introspected issuer's token on C");
    assertEquals(200, initialize(urlC, idp.token(resourceC).sign()).statusCode(), "the JWKS issuer is unaffected");
  }
}
