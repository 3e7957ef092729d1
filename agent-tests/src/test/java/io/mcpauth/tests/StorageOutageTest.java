package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.DataDisk;
import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The embedded authorization server on a data directory that fills up or turns read-only under it,
 * or is read-only from the start. Requests that need a write are refused with 503 and a JSON error
 * naming storage (a page on the browser endpoints), one ERROR line says why, nothing stored changes,
 * tokens already issued keep working, and once the disk takes writes again the server goes on
 * without a restart: the same code, refresh token and revocation succeed when retried.
 *
 * <p>How the disk is taken away depends on the machine ({@link DataDisk}): a small tmpfs filled up
 * (ENOSPC) and a read-only bind mount (EROFS) where {@code mount} works, else the directory's write
 * permission (EACCES). The tests are skipped, saying so on standard error, only as root without
 * mount rights, where neither can be done.
 */
class StorageOutageTest {

  private static final String USER = "disk-user";
  private static final String PASSWORD = "disk-outage-password-1";
  private static final String STORES_OUTAGE = "cannot write the data directory";

  private DataDisk disk;
  private final List<String> secrets = new ArrayList<>();

  @BeforeEach
  void disk() throws IOException {
    disk = DataDisk.create();
    EmbeddedAuthServer.addUser(disk.data().resolve("users"), USER, PASSWORD);
    secrets.add(PASSWORD);
  }

  @AfterEach
  void release() {
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  @DisplayName("a full disk: writes get 503 storage, reads and issued tokens go on, nothing stored changes; freed space heals without a restart")
  void fullDisk() throws IOException {
    outageAndRecovery("full", disk::fill, disk::free);
  }

  @Test
  @DisplayName("a data directory that turns read-only while the server runs behaves as a full disk")
  void readOnlyWhileRunning() throws IOException {
    outageAndRecovery("read-only", disk::readOnly, disk::writable);
  }

  @Test
  @DisplayName("a read-only data directory at start stops the JVM with exit 2 and one line naming mcpauth.as.data")
  void readOnlyAtStart() throws IOException {
    // A directory some earlier run left: its lock file opens for writing even when the directory does not take new files.
    Files.createFile(disk.data().resolve("lock"));
    disk.readOnly();
    try (Fixture fixture = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(Fixture.freePort()))
        .property("mcpauth.as.data", disk.data().toString())
        .launch()) {
      assertEquals(2, fixture.awaitExit(Duration.ofSeconds(60)), fixture.output());
      List<String> lines = fixture.stderr().stream().filter(line -> line.startsWith("mcpauth:")).toList();
      assertEquals(1, lines.size(), fixture.output());
      String line = lines.get(0);
      assertTrue(line.startsWith("mcpauth: mcpauth.as.data: data directory " + disk.data() + " cannot be written ("
          + disk.readOnlyReason() + ")"), line);
      assertFalse(fixture.stdout().stream().anyMatch(l -> l.startsWith("MCP server listening")), "it never served");
    }
  }

  private interface DiskChange {
    void apply() throws IOException;
  }

  private void outageAndRecovery(String what, DiskChange takeAway, DiskChange giveBack) throws IOException {
    int asPort = Fixture.freePort();
    int mcpPort = Fixture.freePort();
    String issuer = "http://localhost:" + asPort;
    String resource = "http://localhost:" + mcpPort + "/";
    Map<String, Object> afterRecovery;
    String revokedDuringOutage;
    try (Fixture fixture = start(asPort, mcpPort)) {
      OAuthDriver browser = new OAuthDriver(issuer);
      OAuthDriver.Client client = browser.registerPublic("before the outage");
      OAuthDriver.Client neverApproved = browser.registerPublic("approved during the outage");
      OAuthDriver.Client introspector = browser.registerConfidential("introspector", "client_secret_basic",
          "[\"authorization_code\"]");
      Map<String, Object> kept = tokens(browser, client, resource);
      Map<String, Object> revoked = tokens(browser, client, resource);
      OAuthDriver.Pkce pkce = OAuthDriver.pkce();
      String code = browser.code(client, pkce, resource, "mcp:tools offline_access", USER, PASSWORD);
      secrets.addAll(List.of(code, introspector.secret()));
      Map<String, String> stored = storeFiles();

      takeAway.apply();
      String keptAccess = (String) kept.get("access_token");
      String keptRefresh = (String) kept.get("refresh_token");
      revokedDuringOutage = (String) revoked.get("access_token");
      assertStorageUnavailable("register", browser.register(
          "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":\"none\"}"));
      assertStorageUnavailable("code exchange", browser.redeem(client, code, pkce, resource));
      assertStorageUnavailable("refresh", browser.refresh(client, keptRefresh));
      assertStorageUnavailable("revoke", revoke(browser, client, revokedDuringOutage));
      assertEquals(401, mcp(mcpPort, revokedDuringOutage).statusCode(),
          "fail closed: the revocation holds at once, though it is not stored yet");
      HttpResponse<String> consent = browser.decide(browser.authorize(browser.authorizationRequest(neverApproved,
          OAuthDriver.pkce(), resource, "mcp:tools")), "approve");
      assertEquals(503, consent.statusCode(), "a first approval must be stored: " + consent.body());
      assertTrue(consent.body().contains("cannot save this sign-in right now"), consent.body());

      assertEquals(200, mcp(mcpPort, keptAccess).statusCode(), "an issued access token still verifies");
      assertEquals(200, Http.get(issuer + "/jwks").statusCode());
      assertEquals(200, Http.get(issuer + "/.well-known/oauth-authorization-server").statusCode());
      HttpResponse<String> introspection = browser.postTo("/introspect", Map.of("token", keptAccess),
          "Authorization", OAuthDriver.basic(introspector));
      assertEquals(Boolean.TRUE, OAuthDriver.json(introspection.body()).get("active"), introspection.body());
      assertEquals(stored, storeFiles(), "no store file changed while the disk was " + what);

      List<String> errors = fixture.agentLog().stream().filter(line -> line.contains(" ERROR ")).toList();
      assertEquals(1, errors.size(), "one ERROR line for the outage:\n" + fixture.output());
      assertTrue(errors.get(0).contains(STORES_OUTAGE + " " + disk.data() + " (" + disk.reasonWhen(what) + ")"),
          errors.get(0));

      giveBack.apply();
      HttpResponse<String> registered = browser.register(
          "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":\"none\"}");
      assertEquals(201, registered.statusCode(), "writes work again without a restart: " + registered.body());
      HttpResponse<String> redeemed = browser.redeem(client, code, pkce, resource);
      assertEquals(200, redeemed.statusCode(), "the code was not spent by the refused exchange: " + redeemed.body());
      HttpResponse<String> refreshed = browser.refresh(client, keptRefresh);
      assertEquals(200, refreshed.statusCode(), "the refresh token was not rotated by the refused refresh: "
          + refreshed.body());
      afterRecovery = OAuthDriver.json(refreshed.body());
      assertEquals(200, revoke(browser, client, revokedDuringOutage).statusCode(), "the retried revocation is stored");
      fixture.awaitLog("can be written again", Duration.ofSeconds(10));
      for (Map<String, Object> tokens : List.of(kept, revoked, afterRecovery, OAuthDriver.json(redeemed.body()))) {
        secrets.add((String) tokens.get("access_token"));
        secrets.add((String) tokens.get("refresh_token"));
      }
      LogHygiene.assertNoSecretLogged("the server", fixture.output(), secrets);
      storeFiles();
    }
    try (Fixture restarted = start(asPort, mcpPort)) {
      OAuthDriver browser = new OAuthDriver(issuer);
      assertEquals(401, mcp(mcpPort, revokedDuringOutage).statusCode(), "the revocation outlived a restart");
      OAuthDriver.Client client = new OAuthDriver.Client(
          (String) claims((String) afterRecovery.get("access_token")).get("client_id"), null, null);
      HttpResponse<String> refreshed = browser.refresh(client, (String) afterRecovery.get("refresh_token"));
      assertEquals(200, refreshed.statusCode(), "the rotation acknowledged after recovery is stored: " + refreshed.body());
    }
  }

  private Fixture start(int asPort, int mcpPort) {
    Fixture fixture = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(asPort))
        .property("mcpauth.as.data", disk.data().toString())
        .port(mcpPort)
        .start();
    return EmbeddedAuthServer.awaitIssuer(asPort, fixture);
  }

  private static Map<String, Object> tokens(OAuthDriver browser, OAuthDriver.Client client, String resource) {
    return browser.tokens(client, resource, "mcp:tools offline_access", USER, PASSWORD);
  }

  private static HttpResponse<String> revoke(OAuthDriver browser, OAuthDriver.Client client, String token) {
    return browser.postTo("/revoke", Map.of("token", token, "client_id", client.id()));
  }

  private static void assertStorageUnavailable(String what, HttpResponse<String> response) {
    assertEquals(503, response.statusCode(), what + ": " + response.body());
    Map<String, Object> error = OAuthDriver.json(response.body());
    assertEquals("temporarily_unavailable", error.get("error"), what + ": " + response.body());
    assertTrue(((String) error.get("error_description")).startsWith("storage unavailable"), response.body());
    assertTrue(response.headers().firstValue("Retry-After").isPresent(), what + ": Retry-After");
  }

  /** Every JSON store file's content, each parsed to prove it whole. */
  private Map<String, String> storeFiles() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> listing = Files.list(disk.data())) {
      for (Path file : listing.sorted().toList()) {
        if (file.toString().endsWith(".json")) {
          String content = Files.readString(file);
          OAuthDriver.json(content);
          files.put(file.getFileName().toString(), content);
        }
      }
    }
    assertTrue(files.keySet().containsAll(List.of("keys.json", "clients.json", "grants.json")), files.keySet().toString());
    return files;
  }

  private static Map<String, Object> claims(String jwt) {
    return OAuthDriver.json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> mcp(int mcpPort, String accessToken) {
    return Http.post("http://localhost:" + mcpPort + "/mcp", Http.INITIALIZE, "Authorization", "Bearer " + accessToken);
  }
}
