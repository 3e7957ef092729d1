package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization server's promise that every change is written before it is acknowledged, tested
 * by {@code kill -9} at random moments while clients register, sign in, redeem codes, rotate refresh
 * tokens and revoke. Only what the client saw acknowledged (a 201 or 200 it read in full) is
 * asserted; a request cut by the kill may or may not have happened, and its tokens are set aside.
 *
 * <p>{@code -Ddurability.kills=N} sets the number of kills (default 50: about four minutes here).
 */
class KillNineDurabilityTest {

  private static final String PASSWORD = "kill-nine-password-1";
  private static final List<String> USERS = List.of("ann", "bob", "cid");
  private static final int KILLS = Integer.getInteger("durability.kills", 50);
  private static final int WORKERS = 3;

  @TempDir
  Path home;

  /** Client ids whose registration got a 201. */
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  /** Refresh tokens of retired families (revoked, or left behind), each retired by an acknowledged answer. */
  private final Map<String, OAuthDriver.Client> dead = new ConcurrentHashMap<>();
  /** Access tokens whose revocation got a 200: refused by the resource server from then on. */
  private final Set<String> revokedAccess = ConcurrentHashMap.newKeySet();
  private final List<Worker> workers = new ArrayList<>();
  /** When the last kill was sent ({@link System#nanoTime}); a request begun after it cannot have run. */
  private volatile long killedAt = Long.MAX_VALUE;

  /**
   * One client's state across kills: its registration and its current refresh-token family. Only
   * touched by its own thread while the server runs, and by the test's thread between kills.
   */
  private final class Worker {
    final String user;
    OAuthDriver.Client client;
    /** The last refresh token an acknowledged answer handed out, or null. */
    String refresh;
    /** The access token handed out with it. */
    String access;
    /** The family's refresh tokens rotated out by acknowledged answers. */
    final List<String> rotatedOut = new ArrayList<>();

    Worker(String user) {
      this.user = user;
    }

    /** Leaves the family: what it rotated out (and {@code revoked}, if any) must never work again. */
    void retireFamily(String revoked) {
      for (String token : rotatedOut) {
        dead.put(token, client);
      }
      if (revoked != null) {
        dead.put(revoked, client);
      }
      rotatedOut.clear();
      refresh = null;
    }

    /** A request the kill cut: the family's last token may or may not have been rotated, so it is left. */
    void abandonFamily() {
      retireFamily(null);
    }
  }

  @Test
  @DisplayName("AS-SEC-48: kill -9 at random moments, 50 times: every acknowledged write is there, no retired refresh token works, no file is unreadable")
  void killNineLosesNothingAcknowledged() throws Exception {
    Path data = home.resolve("data");
    for (String user : USERS) {
      EmbeddedAuthServer.addUser(data.resolve("users"), user, PASSWORD);
      workers.add(new Worker(user));
    }
    int asPort = Fixture.freePort();
    int mcpPort = Fixture.freePort();
    String issuer = "http://localhost:" + asPort;
    String resource = "http://localhost:" + mcpPort + "/";
    int checkedLive = 0;
    int checkedDead = 0;
    for (int kill = 0; kill <= KILLS; kill++) {
      try (Fixture fixture = start(data, asPort, mcpPort)) {
        OAuthDriver checker = new OAuthDriver(issuer);
        assertRegisteredClientsStored(data);
        checkedLive += assertLiveTokensWork(checker, kill);
        checkedDead += assertDeadTokensRefused(checker, kill);
        assertRevokedAccessTokensRefused(mcpPort, kill);
        if (kill == KILLS) {
          break;
        }
        signInWorkersWithoutFamily(issuer, resource);
        runUntilKilled(fixture, issuer, resource);
      }
      assertEveryStoreFileReads(data);
    }
    assertTrue(registered.size() >= WORKERS, "registrations were acknowledged: " + registered.size());
    assertTrue(checkedLive >= KILLS, "refresh tokens were checked after restarts: " + checkedLive);
    assertTrue(checkedDead >= KILLS, "retired refresh tokens were checked after restarts: " + checkedDead);
    assertTrue(!revokedAccess.isEmpty(), "access-token revocations were acknowledged");
  }

  /**
   * A family for each client that has none, between kills: a sign-in (a password hash of 600,000
   * PBKDF2 rounds) often takes longer than the time to the next kill on a busy machine. Sign-ins
   * also happen under the kills, after a revocation.
   */
  private void signInWorkersWithoutFamily(String issuer, String resource) {
    for (Worker worker : workers) {
      if (worker.refresh != null) {
        continue;
      }
      OAuthDriver browser = new OAuthDriver(issuer);
      worker.client = browser.registerPublic("kill-nine " + worker.user);
      registered.add(worker.client.id());
      worker.refresh = (String) browser.tokens(worker.client, resource, "mcp:tools offline_access", worker.user,
          PASSWORD).get("refresh_token");
      assertTrue(worker.refresh != null, "a refresh token for " + worker.user);
    }
  }

  /** The clients work the server until it is killed, between 0.5 and 2.5 s after they start. */
  private void runUntilKilled(Fixture fixture, String issuer, String resource) throws InterruptedException {
    killedAt = Long.MAX_VALUE;
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    for (Worker worker : workers) {
      pool.execute(() -> work(worker, new OAuthDriver(issuer), resource));
    }
    Thread.sleep(500 + ThreadLocalRandom.current().nextInt(2000));
    ProcessHandle.of(fixture.pid()).orElseThrow().destroyForcibly();
    killedAt = System.nanoTime();
    assertNotEquals(0, fixture.awaitExit(Duration.ofSeconds(20)), "the JVM was killed, not stopped");
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "the clients stopped once the server was gone");
  }

  /** One client's loop; returns when the server goes away. */
  private void work(Worker worker, OAuthDriver browser, String resource) {
    String inFlight = null;
    long sentAt = 0;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        // A pause between requests, as a client's own work makes: the kill then finds some clients
        // between requests, with a family whose every token is known, and some in the middle of one.
        Thread.sleep(20 + ThreadLocalRandom.current().nextInt(80));
        sentAt = System.nanoTime();
        int dice = ThreadLocalRandom.current().nextInt(1000);
        if (worker.client == null || dice < 5) {
          HttpResponse<String> response = browser.register(
              "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":\"none\","
                  + "\"grant_types\":[\"authorization_code\",\"refresh_token\"]}");
          if (response.statusCode() == 201) {
            String id = (String) OAuthDriver.json(response.body()).get("client_id");
            registered.add(id);
            if (worker.client != null) {
              worker.retireFamily(null);
            }
            worker.client = new OAuthDriver.Client(id, null, "http://127.0.0.1:9/cb");
          }
        } else if (worker.refresh == null) {
          Map<String, Object> tokens = browser.tokens(worker.client, resource, "mcp:tools offline_access", worker.user,
              PASSWORD);
          worker.refresh = (String) tokens.get("refresh_token");
          worker.access = (String) tokens.get("access_token");
        } else if (dice >= 25 && dice < 60 && worker.access != null) {
          String access = worker.access;
          if (browser.postTo("/revoke", Map.of("token", access, "client_id", worker.client.id())).statusCode() == 200) {
            revokedAccess.add(access);
          }
          worker.access = null;
        } else if (dice >= 25) {
          inFlight = worker.refresh;
          HttpResponse<String> response = browser.refresh(worker.client, inFlight);
          inFlight = null;
          assertEquals(200, response.statusCode(), response.body());
          worker.rotatedOut.add(worker.refresh);
          Map<String, Object> tokens = OAuthDriver.json(response.body());
          worker.refresh = (String) tokens.get("refresh_token");
          worker.access = (String) tokens.get("access_token");
        } else {
          inFlight = worker.refresh;
          HttpResponse<String> response =
              browser.postTo("/revoke", Map.of("token", inFlight, "client_id", worker.client.id()));
          inFlight = null;
          assertEquals(200, response.statusCode(), response.body());
          worker.retireFamily(worker.refresh);
        }
      }
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | AssertionError serverGone) {
      // the kill: connection refused or reset, or a page cut short
      // A request begun before the kill may or may not have run; one begun after it never reached
      // a running server (SIGKILL had been sent), so its family is as known as before.
      if (inFlight != null && sentAt - killedAt < 0) {
        worker.abandonFamily();
      }
    }
  }

  private void assertRegisteredClientsStored(Path data) throws IOException {
    if (registered.isEmpty()) {
      return;
    }
    Map<?, ?> clients = (Map<?, ?>) OAuthDriver.json(Files.readString(data.resolve("clients.json"))).get("clients");
    for (String id : registered) {
      assertTrue(clients.containsKey(id), "acknowledged registration " + id + " is missing after kill -9");
    }
  }

  /** Each worker's last acknowledged refresh token still refreshes; it goes on with the new one. */
  private int assertLiveTokensWork(OAuthDriver checker, int kill) {
    int checked = 0;
    for (Worker worker : workers) {
      if (worker.refresh == null) {
        continue;
      }
      HttpResponse<String> response = checker.refresh(worker.client, worker.refresh);
      assertEquals(200, response.statusCode(),
          "after kill " + kill + ", an acknowledged refresh token of " + worker.client.id() + " was lost: "
              + response.body());
      worker.rotatedOut.add(worker.refresh);
      worker.refresh = (String) OAuthDriver.json(response.body()).get("refresh_token");
      checked++;
    }
    return checked;
  }

  /** Each refresh token of a retired family is refused. */
  private int assertDeadTokensRefused(OAuthDriver checker, int kill) {
    int checked = 0;
    for (Map.Entry<String, OAuthDriver.Client> token : List.copyOf(dead.entrySet())) {
      HttpResponse<String> response = checker.refresh(token.getValue(), token.getKey());
      assertEquals(400, response.statusCode(),
          "after kill " + kill + ", a retired refresh token of " + token.getValue().id() + " worked again: "
              + response.body());
      assertTrue(response.body().contains("invalid_grant"), response.body());
      checked++;
    }
    dead.clear();
    return checked;
  }

  private void assertRevokedAccessTokensRefused(int mcpPort, int kill) {
    for (String access : revokedAccess) {
      HttpResponse<String> response = Http.post("http://localhost:" + mcpPort + "/mcp", Http.INITIALIZE,
          "Authorization", "Bearer " + access);
      assertEquals(401, response.statusCode(), "after kill " + kill + ", a revoked access token was admitted");
    }
  }

  /** Every JSON store parses; the agent's own start-up check (a damaged store stops the JVM) covers the rest. */
  private static void assertEveryStoreFileReads(Path data) throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(data)) {
      files = new ArrayList<>(listing.filter(file -> file.toString().endsWith(".json")).toList());
    }
    assertTrue(!files.isEmpty(), "the data directory has its stores");
    for (Path file : files) {
      OAuthDriver.json(Files.readString(file));
    }
  }

  private static Fixture start(Path data, int asPort, int mcpPort) {
    Fixture fixture = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(asPort))
        .property("mcpauth.as.data", data.toString())
        .property("mcpauth.as.dcr.per-minute", "100000")
        .property("mcpauth.as.token.failures-per-address", "1000000")
        .property("mcpauth.as.login.failures-per-address", "1000000")
        .port(mcpPort)
        .start();
    return EmbeddedAuthServer.awaitIssuer(asPort, fixture);
  }
}
