package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the AS-SEC attack classes share: one fixture per class protected by the embedded
 * authorization server (the shipped jar, a forked JVM), a user made with the jar's {@code user add}
 * verb, and assertions on the shapes of the AS's answers. Limits are raised so that the tests of a
 * class never lock each other out; the classes that exhaust a limit lower it in {@link #properties()}.
 * Every secret a test handles (tokens, codes, client secrets, the password) is collected, and none
 * may appear in the fixture's output when the class ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthServerAttackSupport {

  static final String USER = "alice";

  /** The text of the login page after a failed sign-in, for a wrong password and an unknown user alike. */
  static final String LOGIN_FAILED = "The username or password is not correct.";

  EmbeddedAuthServer server;
  final List<String> secrets = new CopyOnWriteArrayList<>();

  /** -D properties of this class's fixture, on top of (and overriding) the raised limits. */
  Map<String, String> properties() {
    return Map.of();
  }

  @BeforeAll
  void startServer() {
    server = EmbeddedAuthServer.start(fixtureBuilder(), USER);
  }

  /** This class's fixture: the raised limits and {@link #properties()}, without the AS port and data folder. */
  Fixture.Builder fixtureBuilder() {
    Fixture.Builder builder = Fixture.builder().module(Fixture.SDK_2_1).transport("streamable")
        .property("mcpauth.as.dcr.per-minute", "100000")
        .property("mcpauth.as.login.failures-per-account", "1000")
        .property("mcpauth.as.login.failures-per-address", "1000")
        .property("mcpauth.as.token.failures-per-address", "100000");
    properties().forEach(builder::property);
    return builder;
  }

  @AfterAll
  void stopServer() {
    if (server == null) {
      return;
    }
    server.close();
    List<String> all = new ArrayList<>(secrets);
    all.add(server.password());
    LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), all);
  }

  // ---------------------------------------------------------------- clients, flows, tokens

  OAuthDriver browser() {
    return new OAuthDriver(server.issuer());
  }

  /** The resource a client on this machine asks for: the MCP server's loopback origin as it spells it. */
  String resource() {
    return "http://localhost:" + server.mcpPort() + "/";
  }

  /** A public client registered by {@code driver}. */
  OAuthDriver.Client publicClient(OAuthDriver driver) {
    return driver.registerPublic("attack test client");
  }

  OAuthDriver.Client confidentialClient(OAuthDriver driver, String method, String grantTypes) {
    OAuthDriver.Client client = driver.registerConfidential("attack test confidential client", method, grantTypes);
    secret(client.secret());
    return client;
  }

  /** Registers {@code json}; asserts 201 and returns the response document. */
  Map<String, Object> register(OAuthDriver driver, String json) {
    HttpResponse<String> response = driver.register(json);
    assertEquals(201, response.statusCode(), response.body());
    Map<String, Object> registered = OAuthDriver.json(response.body());
    if (registered.get("client_secret") instanceof String clientSecret) {
      secret(clientSecret);
    }
    return registered;
  }

  /** The whole browser flow for {@code client} (logging in unless the driver already is): a code. */
  String code(OAuthDriver driver, OAuthDriver.Client client, OAuthDriver.Pkce pkce) {
    return secret(driver.code(client, pkce, resource(), null, USER, server.password()));
  }

  /** The whole flow and the redemption for a public client: the token response. */
  Map<String, Object> tokens(OAuthDriver driver, OAuthDriver.Client client) {
    Map<String, Object> tokens = driver.tokens(client, resource(), null, USER, server.password());
    secret((String) tokens.get("access_token"));
    if (tokens.get("refresh_token") instanceof String refresh) {
      secret(refresh);
    }
    return tokens;
  }

  /** A successful token response (status 200) as JSON; its tokens are remembered as secrets. */
  Map<String, Object> ok(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> json = OAuthDriver.json(response.body());
    if (json.get("access_token") instanceof String access) {
      secret(access);
    }
    if (json.get("refresh_token") instanceof String refresh) {
      secret(refresh);
    }
    return json;
  }

  String secret(String value) {
    if (value != null) {
      secrets.add(value);
    }
    return value;
  }

  /** The status the resource server answers an MCP initialize with {@code accessToken}: 200 accepted, 401 refused. */
  int atResourceServer(String accessToken) {
    return Http.post(server.mcpUrl("localhost"), Http.INITIALIZE, "Authorization", "Bearer " + accessToken).statusCode();
  }

  void assertAccepted(String accessToken, String why) {
    assertEquals(200, atResourceServer(accessToken), "the resource server must accept the access token: " + why);
  }

  void assertRefused(String accessToken, String why) {
    assertEquals(401, atResourceServer(accessToken), "the resource server must refuse the access token: " + why);
  }

  /** The claims of a JWT, not verified. */
  static Map<String, Object> claims(String jwt) {
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length, "a JWT");
    return OAuthDriver.json(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  // ---------------------------------------------------------------- response shapes

  /** An HTML page of the AS with its protective headers (AS-SEC-19, AS-SEC-24). */
  static void assertPageHeaders(HttpResponse<String> response) {
    String type = header(response, "Content-Type");
    assertTrue(type != null && type.startsWith("text/html"), "an HTML page, not " + type);
    assertEquals("DENY", header(response, "X-Frame-Options"), "X-Frame-Options");
    String csp = header(response, "Content-Security-Policy");
    assertTrue(csp != null && csp.contains("frame-ancestors 'none'"), "CSP with frame-ancestors 'none': " + csp);
    assertCacheControlNoStore(response);
    assertEquals("no-referrer", header(response, "Referrer-Policy"), "Referrer-Policy");
  }

  static void assertCacheControlNoStore(HttpResponse<?> response) {
    String cacheControl = header(response, "Cache-Control");
    assertTrue(cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-store"),
        "Cache-Control: no-store, not " + cacheControl);
  }

  /** An error page: {@code status}, HTML with the page headers, and no redirect anywhere. */
  static void assertErrorPage(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), () -> "expected an error page " + status + ", got "
        + response.statusCode() + " Location=" + header(response, "Location") + "\n" + response.body());
    assertNull(header(response, "Location"), "an error page never redirects");
    assertPageHeaders(response);
  }

  /** The login page: 200 and a password field. */
  static void assertLoginPage(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), () -> "expected the login page, got " + response.statusCode()
        + " Location=" + header(response, "Location") + "\n" + response.body());
    assertTrue(response.body().contains("name=\"password\""), "a login form:\n" + response.body());
    assertPageHeaders(response);
  }

  /**
   * An error sent back to the client (OAuth 2.1 §4.1.2.1, RFC 9207): 303 to exactly
   * {@code redirectUri} with {@code error}, the request's {@code state} (null: none) and {@code iss},
   * and no code. Returns the redirect's parameters.
   */
  Map<String, String> assertErrorRedirect(HttpResponse<String> response, String redirectUri, String error, String state) {
    assertEquals(303, response.statusCode(), () -> "expected a 303 with error=" + error + ", got "
        + response.statusCode() + "\n" + response.body());
    String location = header(response, "Location");
    assertNotNull(location, "Location");
    assertTrue(location.startsWith(redirectUri + "?"), "the redirect goes to the validated redirect_uri: " + location);
    Map<String, String> parameters = OAuthDriver.query(location);
    assertEquals(error, parameters.get("error"), "error in " + location);
    assertNotNull(parameters.get("error_description"), "error_description in " + location);
    assertEquals(state, parameters.get("state"), "state in " + location);
    assertEquals(server.issuer(), parameters.get("iss"), "RFC 9207 iss in " + location);
    assertFalse(parameters.containsKey("code"), "no code in an error redirect: " + location);
    assertCacheControlNoStore(response);
    assertEquals("no-referrer", header(response, "Referrer-Policy"), "Referrer-Policy on the redirect");
    return parameters;
  }

  /** An RFC 6749 §5.2 error at the token, revocation or introspection endpoint. */
  static Map<String, Object> assertTokenError(HttpResponse<String> response, int status, String error) {
    assertEquals(status, response.statusCode(), () -> "expected " + status + " " + error + ", got "
        + response.statusCode() + " " + response.body());
    String type = header(response, "Content-Type");
    assertTrue(type != null && type.startsWith("application/json"), "JSON error, not " + type);
    Map<String, Object> json = OAuthDriver.json(response.body());
    assertEquals(error, json.get("error"), response.body());
    assertFalse(json.containsKey("access_token"), "no token in an error: " + response.body());
    assertCacheControlNoStore(response);
    return json;
  }

  // ---------------------------------------------------------------- requests

  /** An authorization request of {@code client} with a fresh PKCE pair, as a mutable map. */
  Map<String, String> request(OAuthDriver driver, OAuthDriver.Client client) {
    return driver.authorizationRequest(client, OAuthDriver.pkce(), resource(), null);
  }

  static Map<String, String> with(Map<String, String> request, String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(request);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, value);
    }
    return copy;
  }

  /** A JSON string literal. */
  static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** One HTTP/1.1 exchange over a plain socket, for headers the JDK client will not send (Host). */
  static String rawHttp(int port, String request) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
