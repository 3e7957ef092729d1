package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AS-SEC-39..42: open Dynamic Client Registration (RFC 7591) of the
 * embedded authorization server, attacked over HTTP in the shipped jar. The registration rate limit
 * (AS-SEC-43) is in {@link AuthServerRateLimitAttackTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrationAttackTest extends AuthServerAttackSupport {

  /** client.example is this machine in the fixture's JVM: a fetch of a registered link would reach a {@link Listener}. */
  @Override
  Fixture.Builder fixtureBuilder() {
    return super.fixtureBuilder().loopbackName("client.example");
  }

  static Stream<Arguments> dcrRedirectVectors() {
    // representative vectors of dcr-redirect-uri-vectors.json (the full set runs as unit tests of RedirectUris)
    return Stream.of(
        Arguments.of("D01", "https://app.example.com/cb", true),
        Arguments.of("D02", "http://app.example.com/cb", false),
        Arguments.of("D03", "http://127.0.0.1/cb", true),
        Arguments.of("D04", "http://[::1]:3000/cb", true),
        Arguments.of("D05", "http://localhost:3000/cb", true),
        Arguments.of("D06", "http://localhost.evil.com/cb", false),
        Arguments.of("D07", "http://127.0.0.1.nip.io/cb", false),
        Arguments.of("D08", "javascript:alert(1)", false),
        Arguments.of("D09", "JaVaScRiPt:alert(1)", false),
        Arguments.of("D10", "data:text/html,<script>alert(1)</script>", false),
        Arguments.of("D11", "file:///etc/passwd", false),
        Arguments.of("D13", "https://app.example.com/cb#frag", false),
        Arguments.of("D14", "/relative/cb", false),
        Arguments.of("D15", "https://*.example.com/cb", false),
        Arguments.of("D16", "https://user:pw@app.example.com/cb", false),
        Arguments.of("D17", "com.example.app:/oauth2redirect", true),
        Arguments.of("D18", "myapp:/cb", false),
        Arguments.of("D19", "https://app.example.com/cb\r\nSet-Cookie:x=1", false),
        Arguments.of("D20", "https://app.example.com/" + "a".repeat(8 * 1024), false),
        Arguments.of("D21", " https://app.example.com/cb", false))
        .map(a -> Arguments.of(a.get()[0], Named.of(shown((String) a.get()[1]), a.get()[1]), a.get()[2]));
  }

  /** A URI as a test name: control characters visible, long ones cut. */
  private static String shown(String uri) {
    String visible = uri.replace("\r", "\\r").replace("\n", "\\n");
    return visible.length() > 60 ? visible.substring(0, 60) + "... (" + uri.length() + " chars)" : visible;
  }

  @ParameterizedTest(name = "{0}: {1} -> accept={2}")
  @MethodSource("dcrRedirectVectors")
  @DisplayName("AS-SEC-39: a redirect URI that is neither https, loopback http nor a reverse-domain scheme is invalid_redirect_uri")
  void redirectUriVectors(String id, String redirectUri, boolean accept) {
    OAuthDriver driver = browser();
    HttpResponse<String> response = driver.register("{\"client_name\":\"" + id + "\",\"redirect_uris\":["
        + jsonString(redirectUri) + "],\"token_endpoint_auth_method\":\"none\"}");
    if (accept) {
      assertEquals(201, response.statusCode(), response.body());
      assertEquals(List.of(redirectUri), OAuthDriver.json(response.body()).get("redirect_uris"));
    } else {
      assertRegistrationError(response, 400, "invalid_redirect_uri");
      assertFalse(response.body().contains("Set-Cookie:x"), "the bad URI is not echoed: " + response.body());
    }
  }

  // ---------------------------------------------------------------- AS-SEC-40: malformed bodies

  @Test
  @DisplayName("AS-SEC-40: a registration body over 64 KiB is refused with 413")
  void oversizedBody() {
    OAuthDriver driver = browser();
    String body = "{\"client_name\":\"" + "x".repeat(70 * 1024) + "\",\"redirect_uris\":[\"http://127.0.0.1/cb\"],"
        + "\"token_endpoint_auth_method\":\"none\"}";
    HttpResponse<String> response = driver.register(body);
    assertEquals(413, response.statusCode(), response.body());
    assertFalse(response.body().contains("client_id"), response.body());

    // the same without a Content-Length (chunked): the cap holds while reading
    HttpRequest chunked = HttpRequest.newBuilder(URI.create(server.issuer() + "/register"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
        .timeout(Duration.ofSeconds(20))
        .build();
    try {
      HttpResponse<String> streamed = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
      assertEquals(413, streamed.statusCode(), streamed.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("the chunked oversized registration got no answer", e);
    }
  }

  @Test
  @DisplayName("AS-SEC-40: more than 20 redirect_uris, or redirect_uris given as a string, is invalid_client_metadata")
  void malformedRedirectUris() {
    OAuthDriver driver = browser();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 21; i++) {
      many.append(i == 0 ? "" : ",").append("\"http://127.0.0.1/cb").append(i).append('"');
    }
    assertRegistrationError(driver.register("{\"redirect_uris\":[" + many + "],\"token_endpoint_auth_method\":\"none\"}"),
        400, "invalid_client_metadata");
    assertRegistrationError(driver.register("{\"redirect_uris\":\"http://127.0.0.1/cb\",\"token_endpoint_auth_method\":\"none\"}"),
        400, "invalid_client_metadata");
    assertRegistrationError(driver.register("{\"redirect_uris\":[42],\"token_endpoint_auth_method\":\"none\"}"),
        400, null);
    // twenty is fine
    register(driver, "{\"redirect_uris\":[" + many.substring(0, many.lastIndexOf(",")) + "],\"token_endpoint_auth_method\":\"none\"}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\",\"token_endpoint_auth_method\":\"client_secret_post\"}",
      "{\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"redirect_uris\":[\"https://attacker.example/cb\"],\"token_endpoint_auth_method\":\"none\"}",
      "{\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\"",
      "[{\"redirect_uris\":[\"http://127.0.0.1/cb\"]}]",
      "{\"redirect_uris\":[\"http://127.0.0.1/cb\"]} trailing",
      "not json"})
  @DisplayName("AS-SEC-40: duplicate member names and malformed JSON are 400 invalid_client_metadata")
  void malformedJson(String body) {
    assertRegistrationError(browser().register(body), 400, "invalid_client_metadata");
  }

  @Test
  @DisplayName("AS-SEC-40: a body that is not application/json is refused with 400")
  void wrongContentType() {
    HttpResponse<String> response = browser().postTo("/register", Map.of("redirect_uris", "http://127.0.0.1/cb"));
    assertRegistrationError(response, 400, null);
  }

  // ---------------------------------------------------------------- AS-SEC-41

  @Test
  @DisplayName("AS-SEC-41: unknown members are ignored: registration succeeds and they are neither echoed nor stored")
  void unknownMembersIgnored() throws IOException {
    OAuthDriver driver = browser();
    String marker = "unknown-member-marker-" + System.nanoTime();
    Map<String, Object> registered = register(driver, "{\"client_name\":\"extras\",\"redirect_uris\":[\"http://127.0.0.1/cb\"],"
        + "\"token_endpoint_auth_method\":\"none\",\"x_custom\":\"" + marker + "\",\"software_statement\":\"" + marker
        + "\",\"contacts\":[\"" + marker + "@example.com\"],\"jwks\":{\"keys\":[{\"kid\":\"" + marker + "\"}]},"
        + "\"nested\":{\"deep\":[1,2,{\"x\":null}]}}");
    assertFalse(registered.containsKey("x_custom"), registered.toString());
    assertFalse(registered.toString().contains(marker), "unknown members are not echoed: " + registered);
    assertFalse(Files.readString(server.dataDir().resolve("clients.json")).contains(marker), "unknown members are not stored");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "\"client_id\":\"chosen-by-the-client\"",
      "\"client_id\":\"https://attacker.example/client.json\"",
      "\"client_secret\":\"chosen-by-the-client\"",
      "\"grant_types\":[\"implicit\"]",
      "\"grant_types\":[\"password\"]",
      "\"grant_types\":[\"authorization_code\",\"urn:ietf:params:oauth:grant-type:device_code\"]",
      "\"response_types\":[\"token\"]",
      "\"response_types\":[\"code id_token\"]",
      "\"token_endpoint_auth_method\":\"private_key_jwt\"",
      "\"token_endpoint_auth_method\":\"client_secret_jwt\"",
      "\"token_endpoint_auth_method\":\"tls_client_auth\"",
      "\"token_endpoint_auth_method\":\"None\""})
  @DisplayName("AS-SEC-41: a client-chosen client_id or client_secret, implicit, password or an unsupported auth method is invalid_client_metadata")
  void refusedMetadata(String member) {
    String body = "{\"client_name\":\"refused\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]," + member + "}";
    assertRegistrationError(browser().register(body), 400, "invalid_client_metadata");
  }

  @Test
  @DisplayName("AS-SEC-41: the server issues the client_id and client_secret; generated ids are not URLs")
  void serverIssuesCredentials() {
    OAuthDriver driver = browser();
    Map<String, Object> first = register(driver, "{\"redirect_uris\":[\"https://client.example/cb\"],"
        + "\"token_endpoint_auth_method\":\"client_secret_basic\"}");
    Map<String, Object> second = register(driver, "{\"redirect_uris\":[\"https://client.example/cb\"],"
        + "\"token_endpoint_auth_method\":\"client_secret_basic\"}");
    for (Map<String, Object> registered : List.of(first, second)) {
      String id = (String) registered.get("client_id");
      assertFalse(id.contains(":") || id.contains("/"), "a generated client_id is no URL: " + id);
      assertTrue(registered.get("client_secret") instanceof String, registered.toString());
    }
    assertFalse(first.get("client_id").equals(second.get("client_id")));
    assertFalse(first.get("client_secret").equals(second.get("client_secret")));
  }

  // ---------------------------------------------------------------- AS-SEC-42

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"logo_uri", "client_uri"})
  @DisplayName("AS-SEC-42: a logo_uri or client_uri with javascript:, http: or a private host is refused and never fetched")
  void linkMetadata(String member) throws IOException {
    try (Listener listener = new Listener()) {
      OAuthDriver driver = browser();
      for (String uri : List.of("javascript:alert(1)", "data:image/png;base64,AAAA", "http://example.com/logo.png",
          "http://127.0.0.1:" + listener.port() + "/logo.png", "https://127.0.0.1:" + listener.port() + "/logo.png",
          "https://localhost:" + listener.port() + "/logo.png", "https://10.0.0.1/logo.png", "https://192.168.1.1/logo.png",
          "https://169.254.169.254/latest/meta-data/", "https://[::1]/logo.png", "https://0x7f000001/logo.png",
          "https://user:pw@client.example/logo.png", "file:///etc/passwd")) {
        String body = "{\"client_name\":\"links\",\"redirect_uris\":[\"http://127.0.0.1/cb\"],"
            + "\"token_endpoint_auth_method\":\"none\",\"" + member + "\":" + jsonString(uri) + "}";
        assertRegistrationError(driver.register(body), 400, "invalid_client_metadata");
      }
      // a public https link is accepted, shown, and still never fetched by the server: in the
      // fixture's JVM client.example is the listener's address, so a fetch would be counted
      String link = "https://client.example:" + listener.port() + "/logo.png";
      Map<String, Object> registered = register(driver, "{\"client_name\":\"links\",\"redirect_uris\":[\"http://127.0.0.1:41003/cb\"],"
          + "\"token_endpoint_auth_method\":\"none\",\"" + member + "\":\"" + link + "\"}");
      assertEquals(link, registered.get(member));
      OAuthDriver.Client client = new OAuthDriver.Client((String) registered.get("client_id"), null, "http://127.0.0.1:41003/cb");
      tokens(driver, client); // a full flow, the consent page with the link included
      assertEquals(0, listener.connections(), "the AS connected to a registered link");
    }
  }

  @Test
  @DisplayName("AS-SEC-42: a jwks_uri (any scheme or host) is ignored: not stored, not echoed, never fetched")
  void jwksUriNeverFetched() throws IOException {
    try (Listener listener = new Listener()) {
      OAuthDriver driver = browser();
      for (String uri : List.of("javascript:alert(1)", "http://127.0.0.1:" + listener.port() + "/jwks",
          "https://127.0.0.1:" + listener.port() + "/jwks", "https://169.254.169.254/jwks")) {
        String redirect = "http://127.0.0.1:41004/cb";
        HttpResponse<String> response = driver.register("{\"client_name\":\"jwks\",\"redirect_uris\":[\"" + redirect
            + "\"],\"token_endpoint_auth_method\":\"none\",\"jwks_uri\":" + jsonString(uri) + "}");
        if (response.statusCode() == 201) {
          Map<String, Object> registered = OAuthDriver.json(response.body());
          assertFalse(registered.containsKey("jwks_uri"), "an ignored jwks_uri is echoed: " + registered);
          OAuthDriver.Client client = new OAuthDriver.Client((String) registered.get("client_id"), null, redirect);
          tokens(driver, client); // a full flow: nothing in it may fetch the jwks_uri
        } else {
          assertRegistrationError(response, 400, "invalid_client_metadata");
        }
      }
      assertFalse(Files.readString(server.dataDir().resolve("clients.json")).contains("jwks_uri"), "a jwks_uri is stored");
      assertEquals(0, listener.connections(), "the AS connected to a jwks_uri");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void assertRegistrationError(HttpResponse<String> response, int status, String error) {
    assertEquals(status, response.statusCode(), response.body());
    assertCacheControlNoStore(response);
    Map<String, Object> json = OAuthDriver.json(response.body());
    if (error != null) {
      assertEquals(error, json.get("error"), response.body());
    } else {
      assertTrue(json.get("error") instanceof String, response.body());
    }
    assertFalse(json.containsKey("client_id"), "no client registered: " + response.body());
  }

  /**
   * A TCP listener on 127.0.0.1 that counts the connections it is offered. A connection the server
   * opened is in the listen backlog as soon as its connect() returns, so counting drains the backlog
   * without waiting: what the server fetched while answering a request is there once it answered.
   */
  private static final class Listener implements AutoCloseable {
    private final ServerSocketChannel channel;
    private int connections;

    Listener() throws IOException {
      channel = ServerSocketChannel.open();
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      channel.configureBlocking(false);
    }

    int port() {
      return channel.socket().getLocalPort();
    }

    int connections() throws IOException {
      for (SocketChannel accepted = channel.accept(); accepted != null; accepted = channel.accept()) {
        accepted.close();
        connections++;
      }
      return connections;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
