package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LocalhostCertificate;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client ID Metadata Documents that never arrive must not stall the authorization server. A TLS
 * server of this test completes every handshake and then never answers; 16 unauthenticated
 * authorization requests name documents on it (distinct URLs on two host names). While they are in
 * flight, the metadata, the JWKS and a refresh at the token endpoint must each answer within 1 s,
 * far below the 5 s document deadline that a stalled request thread would wait out. Afterwards
 * every slow request has ended with a clear answer, and a client with a real document still signs
 * in. Loopback fetches are allowed here only through {@code mcpauth.as.cimd.allow-private-addresses};
 * the fixture JVM trusts the test's certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientMetadataTest {

  private static final String STORE_PASSWORD = "test-store";
  private static final int ATTACK_REQUESTS = 16;
  /** The document deadline, mcpauth.as.cimd.timeout. */
  private static final Duration DOCUMENT_TIMEOUT = Duration.ofSeconds(5);
  /** What a served request may take under the attack: a functional bound against a stall, not a speed target. */
  private static final Duration SERVED_WITHIN = Duration.ofSeconds(1);

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private HttpsServer documents;
  private SSLServerSocket silent;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final AtomicInteger handshakes = new AtomicInteger();
  private EmbeddedAuthServer server;
  private final List<String> secrets = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    LocalhostCertificate certificate = LocalhostCertificate.create(dir, "documents", STORE_PASSWORD);
    SSLContext tls = certificate.serverContext();

    documents = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    documents.setHttpsConfigurator(new HttpsConfigurator(tls));
    documents.createContext("/", exchange -> {
      String clientId = "https://localhost:" + documents.getAddress().getPort() + exchange.getRequestURI().getPath();
      byte[] body = ("{\"client_id\":\"" + clientId + "\",\"client_name\":\"Real Client\","
          + "\"redirect_uris\":[\"http://127.0.0.1:33418/callback\"],"
          + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"token_endpoint_auth_method\":\"none\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    documents.start();

    silent = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 64, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptAndNeverAnswer, "silent-documents");
    acceptor.setDaemon(true);
    acceptor.start();

    server = EmbeddedAuthServer.start(certificate.trustedBy(Fixture.builder()
        .property("mcpauth.as.cimd.allow-private-addresses", "true")
        .property("mcpauth.as.cimd.timeout", DOCUMENT_TIMEOUT.toSeconds() + "s")
        .property("mcpauth.as.token.failures-per-address", "100000")), "alice");
  }

  /** Completes the TLS handshake of every connection, then reads until the peer gives up; never writes. */
  private void acceptAndNeverAnswer() {
    while (!silent.isClosed()) {
      try {
        SSLSocket socket = (SSLSocket) silent.accept();
        held.add(socket);
        Thread reader = new Thread(() -> {
          try (socket) {
            socket.startHandshake();
            handshakes.incrementAndGet();
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
              // the request is read and never answered
            }
          } catch (IOException closed) {
            // the authorization server gave up, or the test ended
          }
        }, "silent-document-connection");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  @AfterAll
  void stop() throws IOException {
    if (server != null) {
      server.close();
      List<String> all = new ArrayList<>(secrets);
      all.add(server.password());
      LogHygiene.assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), all);
    }
    if (documents != null) {
      documents.stop(0);
    }
    if (silent != null) {
      silent.close();
    }
    for (Socket socket : held) {
      socket.close();
    }
  }

  @Test
  @DisplayName("16 authorization requests naming documents that never arrive: metadata, JWKS and /token still answer within 1 s")
  void slowDocumentsDoNotStallTheServer() throws Exception {
    OAuthDriver browser = new OAuthDriver(server.issuer());
    OAuthDriver.Client registered = browser.registerPublic("refreshing client");
    Map<String, Object> tokens = browser.tokens(registered, resource(), null, "alice", server.password());
    String refreshToken = secret((String) tokens.get("refresh_token"));
    secret((String) tokens.get("access_token"));
    assertNotNull(refreshToken, "the flow issues a refresh token");

    List<CompletableFuture<Timed>> attack = new ArrayList<>();
    for (int i = 0; i < ATTACK_REQUESTS; i++) {
      String host = i % 2 == 0 ? "localhost" : "127.0.0.1";
      OAuthDriver.Client slow = new OAuthDriver.Client("https://" + host + ":" + silent.getLocalPort() + "/slow/" + i + ".json",
          null, "http://127.0.0.1:33418/callback");
      attack.add(sendAsync(HttpRequest.newBuilder(URI.create(server.issuer() + "/authorize?"
          + OAuthDriver.encode(browser.authorizationRequest(slow, OAuthDriver.pkce(), resource(), null)))).GET()));
    }
    awaitHandshakes(2);

    CompletableFuture<Timed> metadataSent = sendAsync(HttpRequest.newBuilder(
        URI.create(server.issuer() + "/.well-known/oauth-authorization-server")).GET());
    CompletableFuture<Timed> jwksSent = sendAsync(HttpRequest.newBuilder(URI.create(server.issuer() + "/jwks")).GET());
    CompletableFuture<Timed> refreshSent = sendAsync(form("/token", Map.of("grant_type", "refresh_token",
        "refresh_token", refreshToken, "client_id", registered.id())));
    Timed metadata = metadataSent.get(4 * DOCUMENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Timed jwks = jwksSent.get(4 * DOCUMENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Timed refresh = refreshSent.get(4 * DOCUMENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    boolean attackStillInFlight = attack.stream().anyMatch(request -> !request.isDone());

    String timings = "metadata " + metadata.elapsed().toMillis() + " ms, JWKS " + jwks.elapsed().toMillis()
        + " ms, refresh at /token " + refresh.elapsed().toMillis() + " ms while slow documents were being fetched; the bound is "
        + SERVED_WITHIN.toMillis() + " ms each";
    for (Timed served : List.of(metadata, jwks, refresh)) {
      assertTrue(served.elapsed().compareTo(SERVED_WITHIN) < 0, timings);
      assertEquals(200, served.response().statusCode(), served.response().body());
    }
    secret((String) OAuthDriver.json(refresh.response().body()).get("access_token"));
    secret((String) OAuthDriver.json(refresh.response().body()).get("refresh_token"));
    assertTrue(attackStillInFlight, "the checks ran while slow document requests were still waiting");

    Timed unfetchable = send(form("/token", Map.of("grant_type", "refresh_token", "refresh_token", "not-a-token",
        "client_id", "https://localhost:" + silent.getLocalPort() + "/slow/token-client.json")));
    assertTrue(unfetchable.elapsed().compareTo(SERVED_WITHIN) < 0, "client authentication with a document that cannot be "
        + "fetched now is answered at once, not after " + unfetchable.elapsed().toMillis() + " ms");
    assertEquals(503, unfetchable.response().statusCode(), unfetchable.response().body());
    assertEquals("temporarily_unavailable", OAuthDriver.json(unfetchable.response().body()).get("error"));
    assertRetryAfter(unfetchable.response());

    int busy = 0;
    int timedOut = 0;
    for (CompletableFuture<Timed> request : attack) {
      HttpResponse<String> page = request.get(3 * DOCUMENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).response();
      assertTrue(page.headers().firstValue("Location").isEmpty(), "no redirect to an unverified client");
      if (page.statusCode() == 503) {
        assertTrue(page.body().contains("cannot be fetched right now"), page.body());
        assertRetryAfter(page);
        busy++;
      } else {
        assertEquals(400, page.statusCode(), page.body());
        assertTrue(page.body().contains("took longer than " + DOCUMENT_TIMEOUT.toMillis() + " ms"), page.body());
        timedOut++;
      }
    }
    assertTrue(timedOut >= 1 && timedOut <= 2,
        "at most 2 request threads waited for a document (" + timedOut + " did; " + busy + " were answered at once)");

    signInWithARealDocument(browser);
  }

  /** A client whose document is served normally completes the flow once the slow fetches have ended. */
  private void signInWithARealDocument(OAuthDriver browser) {
    OAuthDriver.Client real = new OAuthDriver.Client("https://localhost:" + documents.getAddress().getPort()
        + "/clients/real.json", null, "http://127.0.0.1:33418/callback");
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    HttpResponse<String> page = browser.authorize(browser.authorizationRequest(real, pkce, resource(), null));
    assertEquals(200, page.statusCode(), page.body());
    HttpResponse<String> consent = page.body().contains("name=\"password\"")
        ? browser.follow(browser.login(page, "alice", server.password())) : page;
    assertTrue(consent.body().contains("Real Client"), "the consent page of the document's client: " + consent.body());
    HttpResponse<String> redirected = browser.decide(consent, "approve");
    String code = secret(OAuthDriver.query(redirected.headers().firstValue("Location").orElseThrow()).get("code"));
    HttpResponse<String> token = browser.redeem(real, code, pkce, resource());
    assertEquals(200, token.statusCode(), token.body());
    secret((String) OAuthDriver.json(token.body()).get("access_token"));
    secret((String) OAuthDriver.json(token.body()).get("refresh_token"));
  }

  private record Timed(HttpResponse<String> response, Duration elapsed) {}

  private String resource() {
    return "http://localhost:" + server.mcpPort() + "/";
  }

  private String secret(String value) {
    if (value != null) {
      secrets.add(value);
    }
    return value;
  }

  private HttpRequest.Builder form(String path, Map<String, String> form) {
    return HttpRequest.newBuilder(URI.create(server.issuer() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(OAuthDriver.encode(form)));
  }

  /** Sends with a timeout well beyond two document deadlines, so a stalled answer is measured, not cut off. */
  private static Timed send(HttpRequest.Builder request) throws Exception {
    return sendAsync(request).get(4 * DOCUMENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static CompletableFuture<Timed> sendAsync(HttpRequest.Builder request) {
    long started = System.nanoTime();
    return CLIENT.sendAsync(request.timeout(DOCUMENT_TIMEOUT.multipliedBy(3)).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> new Timed(response, Duration.ofNanos(System.nanoTime() - started)));
  }

  private static void assertRetryAfter(HttpResponse<String> response) {
    String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
    assertNotNull(retryAfter, "Retry-After");
    long seconds = Long.parseLong(retryAfter);
    assertTrue(seconds >= 1 && seconds <= DOCUMENT_TIMEOUT.toSeconds(), "Retry-After " + retryAfter);
  }

  /** Waits (polling, with a deadline) until the silent server holds {@code count} fetches past their handshake. */
  private void awaitHandshakes(int count) throws InterruptedException {
    long deadline = System.nanoTime() + DOCUMENT_TIMEOUT.toNanos();
    while (handshakes.get() < count) {
      assertTrue(System.nanoTime() < deadline, "the authorization server fetched no slow document: "
          + handshakes.get() + " handshakes");
      Thread.sleep(10);
    }
  }
}
