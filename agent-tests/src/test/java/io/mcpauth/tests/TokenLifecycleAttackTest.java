package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Time in the embedded authorization server without waiting for it:
 * signing-key rotation with a 2-second key age (AS-SEC-03), and refresh-token idle and absolute
 * expiry and client deletion (AS-SEC-37), whose smallest settings are a minute and whose defaults
 * are days: the test stops the fixture, ages the grants in {@code grants.json} and deletes a client
 * from {@code clients.json}, as time and an operator would, and starts it again on the same data
 * folder. The AS-SEC-37 test restarts the fixture, so it runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenLifecycleAttackTest extends AuthServerAttackSupport {

  private static final long DAY = 24 * 3600;
  private Fixture restarted;

  @Override
  Map<String, String> properties() {
    return Map.of("mcpauth.as.signing-key.max-age", "2s");
  }

  @AfterAll
  void stopRestarted() {
    if (restarted != null) {
      restarted.close();
      List<String> all = new ArrayList<>(secrets);
      all.add(server.password());
      LogHygiene.assertNoSecretLogged("the restarted fixture", restarted.output(), all);
    }
  }

  @Test
  @Order(1)
  @DisplayName("AS-SEC-03: a rotated-out signing key stays in the JWKS, with a unique kid, and its tokens stay valid")
  void keyRotation() throws InterruptedException {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    String before = (String) tokens(driver, client).get("access_token");
    Thread.sleep(3_100); // past mcpauth.as.signing-key.max-age: the next token is signed with a new key
    String after = (String) tokens(driver, client).get("access_token");
    String oldKid = kid(before);
    String newKid = kid(after);
    assertNotEquals(oldKid, newKid, "the key rotated");

    HttpResponse<String> jwks = Http.get(server.issuer() + "/jwks");
    assertEquals(200, jwks.statusCode());
    Set<Object> kids = new HashSet<>();
    for (Object item : (List<?>) OAuthDriver.json(jwks.body()).get("keys")) {
      Map<?, ?> key = (Map<?, ?>) item;
      assertEquals("sig", key.get("use"));
      assertFalse(key.containsKey("d") || key.containsKey("p") || key.containsKey("q"), "private parameters: " + key);
      assertTrue(kids.add(key.get("kid")), "duplicate kid " + key.get("kid"));
    }
    assertTrue(kids.contains(oldKid), "the retired key is still published: " + kids);
    assertTrue(kids.contains(newKid), "the new key is published: " + kids);
    assertAccepted(before, "signed with the retired key, not yet expired");
    assertAccepted(after, "signed with the new key");
  }

  @Test
  @Order(2)
  @DisplayName("AS-SEC-37: a refresh token past its idle or absolute expiry, or of a deleted client, is refused (invalid_grant)")
  void refreshTokenExpiry() throws IOException {
    OAuthDriver driver = browser();
    OAuthDriver.Client idleClient = publicClient(driver);
    OAuthDriver.Client oldClient = publicClient(driver);
    OAuthDriver.Client deletedClient = publicClient(driver);
    OAuthDriver.Client controlClient = publicClient(driver);
    String idle = (String) tokens(driver, idleClient).get("refresh_token");
    String old = (String) tokens(driver, oldClient).get("refresh_token");
    String deleted = (String) tokens(driver, deletedClient).get("refresh_token");
    String control = (String) tokens(driver, controlClient).get("refresh_token");

    server.fixture().close();
    long now = Instant.now().getEpochSecond();
    Path grantsFile = server.dataDir().resolve("grants.json");
    Map<String, Object> grantsDocument = parse(grantsFile);
    Map<String, Object> grants = member(grantsDocument, "grants");
    // idle: last refreshed 8 days ago (mcpauth.as.refresh-token-idle defaults to 7d); created then too
    Map<String, Object> idleGrant = member(grants, grantId(idle));
    set(idleGrant, "created", now - 8 * DAY);
    set(idleGrant, "refresh_issued", now - 8 * DAY);
    // absolute: created 30 days and 2 minutes ago (mcpauth.as.refresh-token-lifetime defaults to 30d),
    // refreshed just now, and still inside the store's keep time (lifetime + access-token lifetime)
    Map<String, Object> oldGrant = member(grants, grantId(old));
    set(oldGrant, "created", now - 30 * DAY - 120);
    Files.writeString(grantsFile, JsonUtil.toJson(grantsDocument));
    // the client is deleted from the store
    Path clientsFile = server.dataDir().resolve("clients.json");
    Map<String, Object> clientsDocument = parse(clientsFile);
    assertNotNull(member(clientsDocument, "clients").remove(deletedClient.id()), "the client was stored");
    Files.writeString(clientsFile, JsonUtil.toJson(clientsDocument));

    restarted = fixtureBuilder()
        .property("mcpauth.as.port", String.valueOf(server.asPort()))
        .property("mcpauth.as.data", server.dataDir().toString())
        .start();
    awaitMetadata();

    OAuthDriver later = browser();
    assertTokenError(later.refresh(idleClient, idle), 400, "invalid_grant");
    assertTokenError(later.refresh(oldClient, old), 400, "invalid_grant");
    // a deleted client cannot authenticate any more: invalid_client is the RFC 6749 §5.2 answer for
    // an unknown client, and says no less than invalid_grant; either way no token
    HttpResponse<String> orphan = later.refresh(deletedClient, deleted);
    if (orphan.statusCode() == 401) {
      assertTokenError(orphan, 401, "invalid_client");
    } else {
      assertTokenError(orphan, 400, "invalid_grant");
    }
    // the control grant, untouched, still refreshes after the restart: the refusals above are expiry
    ok(later.refresh(controlClient, control));
  }

  // ---------------------------------------------------------------- helpers

  private static String kid(String jwt) {
    String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
    return (String) OAuthDriver.json(header).get("kid");
  }

  private static String grantId(String refreshToken) {
    return refreshToken.substring(0, refreshToken.indexOf('.'));
  }

  private static Map<String, Object> parse(Path file) throws IOException {
    try {
      return JsonUtil.parseJson(Files.readString(file));
    } catch (JoseException e) {
      throw new AssertionError(file + " is not JSON", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> member(Map<String, Object> object, String name) {
    Object value = object.get(name);
    assertTrue(value instanceof Map, name + " in " + object.keySet());
    return (Map<String, Object>) value;
  }

  /** jose4j's maps refuse to overwrite a member: remove it first. */
  private static void set(Map<String, Object> object, String name, Object value) {
    assertNotNull(object.remove(name), name + " in " + object.keySet());
    object.put(name, value);
  }

  private void awaitMetadata() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = Http.get(server.issuer() + "/.well-known/oauth-authorization-server");
        if (response.statusCode() == 200) {
          return;
        }
        last = "status " + response.statusCode();
      } catch (IllegalStateException notYet) {
        last = notYet.getMessage();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("the restarted AS did not answer (" + last + "):\n" + restarted.output());
  }
}
