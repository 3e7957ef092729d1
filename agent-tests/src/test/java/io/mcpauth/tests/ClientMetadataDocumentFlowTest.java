package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LocalhostCertificate;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client identified by a Client ID Metadata Document (AS-C*), end to end: the document is served
 * over real TLS by this test, the embedded authorization server fetches it (loopback fetches are
 * allowed here only through {@code mcpauth.as.cimd.allow-private-addresses}, and the fixture JVM
 * trusts the test's certificate), and the client completes the flow without registering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientMetadataDocumentFlowTest {

  private static final String STORE_PASSWORD = "test-store";

  private HttpsServer documents;
  private final Map<String, String> served = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
  private EmbeddedAuthServer server;
  private String origin;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    LocalhostCertificate certificate = LocalhostCertificate.create(dir, "documents", STORE_PASSWORD);
    documents = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    documents.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
    documents.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      fetches.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      String body = served.get(path);
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("Cache-Control", "max-age=300");
      exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    documents.start();
    origin = "https://localhost:" + documents.getAddress().getPort();
    server = EmbeddedAuthServer.start(certificate.trustedBy(Fixture.builder()
        .property("mcpauth.as.cimd.allow-private-addresses", "true")), "alice");
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (documents != null) {
      documents.stop(0);
    }
  }

  @Test
  @DisplayName("AS-C1..C5, AS-C7: a metadata-document client signs in, gets a token the resource server accepts; the document is fetched once")
  void documentClientCompletesTheFlow() {
    String clientId = origin + "/clients/inspector.json";
    String redirect = "http://127.0.0.1:33418/callback";
    served.put("/clients/inspector.json", "{\"client_id\":\"" + clientId + "\",\"client_name\":\"Document Client\","
        + "\"redirect_uris\":[\"" + redirect + "\"],\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
        + "\"token_endpoint_auth_method\":\"none\"}");
    OAuthDriver browser = new OAuthDriver(server.issuer());
    OAuthDriver.Client client = new OAuthDriver.Client(clientId, null, redirect);
    String resource = "http://localhost:" + server.mcpPort() + "/";
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    HttpResponse<String> login = browser.authorize(browser.authorizationRequest(client, pkce, resource, "mcp:tools"));
    assertEquals(200, login.statusCode(), login.body());
    HttpResponse<String> consent = browser.follow(browser.login(login, "alice", server.password()));
    assertTrue(consent.body().contains("Document Client (localhost)"), "AS-C9: the verified host is shown: " + consent.body());
    HttpResponse<String> redirected = browser.decide(consent, "approve");
    String code = OAuthDriver.query(redirected.headers().firstValue("Location").orElseThrow()).get("code");
    HttpResponse<String> token = browser.redeem(client, code, pkce, resource);
    assertEquals(200, token.statusCode(), token.body());
    Map<String, Object> tokens = OAuthDriver.json(token.body());
    assertEquals(clientId, OAuthDriver.json(new String(java.util.Base64.getUrlDecoder().decode(
        ((String) tokens.get("access_token")).split("\\.")[1]), StandardCharsets.UTF_8)).get("client_id"));
    assertEquals(200, Http.post(server.mcpUrl("localhost"), Http.INITIALIZE,
        "Authorization", "Bearer " + tokens.get("access_token")).statusCode());
    assertEquals(1, fetches.get("/clients/inspector.json").get(), "AS-C7: cached by max-age, fetched once");
  }

  @Test
  @DisplayName("AS-C4, AS-C5, AS-SEC-47: a document naming another client_id, or a redirect it does not list, gets an error page and no redirect")
  void documentMismatchesAreRefused() {
    String mismatched = origin + "/clients/mismatch.json";
    served.put("/clients/mismatch.json", "{\"client_id\":\"" + origin + "/clients/other.json\",\"client_name\":\"X\","
        + "\"redirect_uris\":[\"http://127.0.0.1:9/cb\"]}");
    String listed = origin + "/clients/listed.json";
    served.put("/clients/listed.json", "{\"client_id\":\"" + listed + "\",\"client_name\":\"Y\","
        + "\"redirect_uris\":[\"http://127.0.0.1:9/cb\"]}");
    String secretive = origin + "/clients/secret.json";
    served.put("/clients/secret.json", "{\"client_id\":\"" + secretive + "\",\"client_name\":\"Z\","
        + "\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":\"client_secret_basic\"}");
    OAuthDriver browser = new OAuthDriver(server.issuer());
    String resource = "http://localhost:" + server.mcpPort() + "/";
    for (OAuthDriver.Client client : new OAuthDriver.Client[] {
        new OAuthDriver.Client(mismatched, null, "http://127.0.0.1:9/cb"),
        new OAuthDriver.Client(listed, null, "https://attacker.example/cb"),
        new OAuthDriver.Client(secretive, null, "http://127.0.0.1:9/cb"),
        new OAuthDriver.Client(origin + "/clients/absent.json", null, "http://127.0.0.1:9/cb")}) {
      HttpResponse<String> page = browser.authorize(browser.authorizationRequest(client, OAuthDriver.pkce(), resource,
          "mcp:tools"));
      assertEquals(400, page.statusCode(), client + ": " + page.body());
      assertFalse(page.headers().firstValue("Location").isPresent(), "no redirect for " + client);
    }
  }
}
