package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What must outlive the JVM does: signing keys, clients, users and refresh-token families survive a
 * restart and {@code kill -9}; a damaged store stops start-up instead of starting empty.
 */
class AuthServerDurabilityTest {

  private static final String PASSWORD = "durable-password-1";

  @TempDir
  Path home;

  private Path data() {
    return home.resolve("data");
  }

  private Fixture start(int asPort, int mcpPort, String... properties) {
    Fixture.Builder builder = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(asPort))
        .property("mcpauth.as.data", data().toString())
        .property("mcpauth.as.dcr.per-minute", "100000");
    for (int i = 0; i + 1 < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    return EmbeddedAuthServer.awaitIssuer(asPort, builder.start());
  }

  @Test
  @DisplayName("AS-SEC-48/49: after a restart, clients, keys, users and refresh families are there; old access tokens still verify")
  void restartKeepsEverything() {
    EmbeddedAuthServer.addUser(data().resolve("users"), "alice", PASSWORD);
    int asPort = Fixture.freePort();
    String issuer = "http://localhost:" + asPort;
    OAuthDriver.Client client;
    Map<String, Object> tokens;
    String jwksBefore;
    int mcpPort;
    try (Fixture first = start(asPort, Fixture.freePort())) {
      mcpPort = first.port();
      OAuthDriver browser = new OAuthDriver(issuer);
      client = browser.registerPublic("survivor");
      tokens = browser.tokens(client, resource(mcpPort), "mcp:tools offline_access", "alice", PASSWORD);
      jwksBefore = Http.get(issuer + "/jwks").body();
    }
    try (Fixture second = startOn(asPort, mcpPort)) {
      assertEquals(jwksBefore, Http.get(issuer + "/jwks").body(), "the same signing key after the restart");
      assertEquals(200, mcp(mcpPort, (String) tokens.get("access_token")).statusCode(),
          "an access token issued before the restart still verifies");
      OAuthDriver browser = new OAuthDriver(issuer);
      HttpResponse<String> refreshed = browser.refresh(client, (String) tokens.get("refresh_token"));
      assertEquals(200, refreshed.statusCode(), "the refresh family survived: " + refreshed.body());
      Map<String, Object> next = browser.tokens(client, resource(mcpPort), "mcp:tools", "alice", PASSWORD);
      assertEquals(200, mcp(mcpPort, (String) next.get("access_token")).statusCode(),
          "the registered client and the user can still authorize");
    }
  }

  @Test
  @DisplayName("AS-SEC-48: kill -9 during registrations, five times: every acknowledged registration is there after restart")
  void killDuringRegistrations() throws Exception {
    EmbeddedAuthServer.addUser(data().resolve("users"), "alice", PASSWORD);
    int asPort = Fixture.freePort();
    int mcpPort = Fixture.freePort();
    String issuer = "http://localhost:" + asPort;
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    for (int round = 0; round < 5; round++) {
      Fixture fixture = startOn(asPort, mcpPort);
      ExecutorService clients = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        clients.execute(() -> {
          OAuthDriver browser = new OAuthDriver(issuer);
          while (!Thread.currentThread().isInterrupted()) {
            try {
              HttpResponse<String> response = browser.register(
                  "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":\"none\"}");
              if (response.statusCode() == 201) {
                acknowledged.add((String) OAuthDriver.json(response.body()).get("client_id"));
              }
            } catch (RuntimeException connectionGone) {
              return;
            }
          }
        });
      }
      Thread.sleep(300 + ThreadLocalRandom.current().nextInt(500));
      ProcessHandle.of(fixture.pid()).orElseThrow().destroyForcibly();
      fixture.awaitExit(Duration.ofSeconds(10));
      clients.shutdownNow();
      assertTrue(clients.awaitTermination(20, TimeUnit.SECONDS));
      fixture.close();
    }
    assertTrue(acknowledged.size() > 20, "registrations were acknowledged before the kills: " + acknowledged.size());
    try (Fixture after = startOn(asPort, mcpPort)) {
      OAuthDriver browser = new OAuthDriver(issuer);
      Map<String, Object> stored = OAuthDriver.json(Files.readString(data().resolve("clients.json")));
      Set<?> ids = ((Map<?, ?>) stored.get("clients")).keySet();
      for (String id : acknowledged) {
        assertTrue(ids.contains(id), "acknowledged client " + id + " is missing after kill -9");
      }
      for (String id : acknowledged.subList(acknowledged.size() - 3, acknowledged.size())) {
        OAuthDriver.Client client = new OAuthDriver.Client(id, null, "http://127.0.0.1:9/cb");
        HttpResponse<String> page = browser.authorize(browser.authorizationRequest(client, OAuthDriver.pkce(),
            resource(mcpPort), "mcp:tools"));
        assertEquals(200, page.statusCode(), "the server knows client " + id + ": " + page.body());
      }
    }
  }

  @Test
  @DisplayName("AS-SEC-48: a torn store stops the JVM with one line naming the file; it never starts empty")
  void tornStoreFailsClosed() throws IOException {
    int asPort = Fixture.freePort();
    try (Fixture first = start(asPort, Fixture.freePort())) {
      new OAuthDriver("http://localhost:" + asPort).registerPublic("before the tear");
    }
    Path clients = data().resolve("clients.json");
    String content = Files.readString(clients);
    Files.writeString(clients, content.substring(0, content.length() / 2));
    try (Fixture torn = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(asPort))
        .property("mcpauth.as.data", data().toString())
        .launch()) {
      assertEquals(2, torn.awaitExit(Duration.ofSeconds(60)), torn.output());
      List<String> errors = torn.stderr().stream().filter(line -> line.startsWith("mcpauth:")).toList();
      assertEquals(1, errors.size(), torn.output());
      assertTrue(errors.get(0).contains(clients.toString()) && errors.get(0).contains("damaged"), errors.get(0));
      assertFalse(torn.stdout().stream().anyMatch(line -> line.startsWith("MCP server listening")), "it never served");
    }
  }

  @Test
  @DisplayName("a second JVM on the same data directory is refused with a clear line")
  void oneJvmPerDataDirectory() throws Exception {
    int asPort = Fixture.freePort();
    try (Fixture first = start(asPort, Fixture.freePort())) {
      // A lock whose channel became unreachable would be dropped by the next GC: run one.
      Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(first.pid()), "GC.run").redirectErrorStream(true).start();
      assertTrue(gc.waitFor(30, TimeUnit.SECONDS) && gc.exitValue() == 0,
          new String(gc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      secondJvmIsRefused();
    }
  }

  private void secondJvmIsRefused() {
    try (Fixture second = Fixture.builder()
            .property("mcpauth.as.port", String.valueOf(Fixture.freePort()))
            .property("mcpauth.as.data", data().toString())
            .launch()) {
      assertEquals(2, second.awaitExit(Duration.ofSeconds(60)), second.output());
      assertTrue(second.output().contains("is in use by another process (set mcpauth.as.data)"), second.output());
    }
  }

  @Test
  @DisplayName("first start without users: a warning with the command, a hint on the login page; a user added later signs in without a restart")
  void noUsersYet() throws IOException {
    int asPort = Fixture.freePort();
    String issuer = "http://localhost:" + asPort;
    try (Fixture fixture = start(asPort, Fixture.freePort())) {
      String warning = fixture.awaitLog("no users yet", Duration.ofSeconds(20));
      assertTrue(warning.contains("user add --users-file " + data().resolve("users")), warning);
      OAuthDriver browser = new OAuthDriver(issuer);
      OAuthDriver.Client client = browser.registerPublic("early client");
      HttpResponse<String> login = browser.authorize(browser.authorizationRequest(client, OAuthDriver.pkce(),
          resource(fixture.port()), "mcp:tools"));
      assertTrue(login.body().contains("No user can sign in yet"), login.body());
      assertTrue(Files.notExists(data().resolve("users")), "no account was invented");

      EmbeddedAuthServer.addUser(data().resolve("users"), "carol", PASSWORD);
      assertEquals(Set.of(PosixFilePermissions.fromString("rw-------").toArray()),
          Set.of(Files.getPosixFilePermissions(data().resolve("users")).toArray()));
      Map<String, Object> tokens = browser.tokens(client, resource(fixture.port()), "mcp:tools", "carol", PASSWORD);
      assertEquals(200, mcp(fixture.port(), (String) tokens.get("access_token")).statusCode());
    }
  }

  @Test
  @DisplayName("AS-SEC-03: a rotated signing key stays in the JWKS, and its tokens keep verifying, until they expire")
  void keyRotation() throws InterruptedException {
    EmbeddedAuthServer.addUser(data().resolve("users"), "alice", PASSWORD);
    int asPort = Fixture.freePort();
    String issuer = "http://localhost:" + asPort;
    try (Fixture fixture = start(asPort, Fixture.freePort(), "mcpauth.as.signing-key.max-age", "2s")) {
      OAuthDriver browser = new OAuthDriver(issuer);
      OAuthDriver.Client client = browser.registerPublic("rotation");
      String before = (String) browser.tokens(client, resource(fixture.port()), "mcp:tools", "alice", PASSWORD)
          .get("access_token");
      Thread.sleep(3000);
      String after = (String) browser.tokens(client, resource(fixture.port()), "mcp:tools", "alice", PASSWORD)
          .get("access_token");
      String kidBefore = kid(before);
      String kidAfter = kid(after);
      assertNotEquals(kidBefore, kidAfter, "a key older than max-age never signs");
      List<?> keys = (List<?>) OAuthDriver.json(Http.get(issuer + "/jwks").body()).get("keys");
      List<Object> kids = keys.stream().map(k -> (Object) ((Map<?, ?>) k).get("kid")).toList();
      assertTrue(kids.containsAll(List.of(kidBefore, kidAfter)), kids.toString());
      for (Object key : keys) {
        assertEquals(Set.of("kty", "n", "e", "kid", "use", "alg"), ((Map<?, ?>) key).keySet(), "public members only");
        assertEquals("sig", ((Map<?, ?>) key).get("use"));
      }
      assertEquals(200, mcp(fixture.port(), before).statusCode(), "a token of the retired key still verifies");
      assertEquals(200, mcp(fixture.port(), after).statusCode());
    }
  }

  private Fixture startOn(int asPort, int mcpPort) {
    Fixture fixture = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(asPort))
        .property("mcpauth.as.data", data().toString())
        .property("mcpauth.as.dcr.per-minute", "100000")
        .port(mcpPort)
        .start();
    return EmbeddedAuthServer.awaitIssuer(asPort, fixture);
  }

  private static String kid(String jwt) {
    String header = new String(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
        java.nio.charset.StandardCharsets.UTF_8);
    return (String) OAuthDriver.json(header).get("kid");
  }

  private static String resource(int mcpPort) {
    return "http://localhost:" + mcpPort + "/";
  }

  private static HttpResponse<String> mcp(int mcpPort, String accessToken) {
    return Http.post("http://localhost:" + mcpPort + "/mcp", Http.INITIALIZE, "Authorization", "Bearer " + accessToken);
  }



}
