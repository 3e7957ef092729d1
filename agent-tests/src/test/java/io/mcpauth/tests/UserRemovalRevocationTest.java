package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * RFC 9700 §4.14.2 for the operator's {@code user} command: a user removed with {@code user remove},
 * or given a new password with {@code user passwd}, while the server runs loses at once (within the
 * watch's seconds, without any request arriving) every refresh token, every live access token at
 * the MCP endpoint, introspection's "active", and the signed-in browser session's way to a consent
 * and a code. The same after a removal while the server was stopped. Another user keeps everything.
 * The commands run from the shipped jar in their own JVM, as an operator runs them. The restart test
 * stops the class's fixture, so it runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserRemovalRevocationTest extends AuthServerAttackSupport {

  /** The watch looks every second and acts on a version it saw twice; generous for a loaded machine. */
  private static final Duration REVOCATION_DEADLINE = Duration.ofSeconds(20);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Fixture restarted;

  @AfterAll
  void stopRestarted() {
    if (restarted != null) {
      restarted.close();
      List<String> all = new ArrayList<>(secrets);
      all.add(server.password());
      LogHygiene.assertNoSecretLogged("the restarted fixture", restarted.output(), all);
    }
  }

  /**
   * One user's standing in the server: signed in in their own browser, tokens, a code not yet
   * redeemed, and a consent page left open.
   */
  private final class SignedIn {
    final OAuthDriver browser = browser();
    final OAuthDriver.Client client = publicClient(browser);
    final String access;
    final String refresh;
    final OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    final String code;
    final HttpResponse<String> openConsent;

    SignedIn(String username, String password) {
      Map<String, Object> tokens = browser.tokens(client, resource(), null, username, password);
      access = secret((String) tokens.get("access_token"));
      refresh = secret((String) tokens.get("refresh_token"));
      code = secret(browser.code(client, pkce, resource(), null, username, password));
      // The session is signed in: a new authorization request goes straight to the consent page.
      openConsent = browser.authorize(request(browser, client));
      assertEquals(200, openConsent.statusCode(), openConsent.body());
      assertTrue(openConsent.body().contains("name=\"decision\""), "a consent page, no login:\n" + openConsent.body());
    }
  }

  @Test
  @Order(1)
  @DisplayName("user remove while the server runs: the user's refresh token, access token, introspection and signed-in session all stop working")
  void removalRevokesEverything() {
    String password = newUser("dave");
    SignedIn dave = new SignedIn("dave", password);
    SignedIn alice = new SignedIn(USER, server.password());
    OAuthDriver.Client introspector = confidentialClient(alice.browser, "client_secret_basic", "[\"authorization_code\"]");
    assertAccepted(dave.access, "dave's token before the removal");
    assertActive(introspector, dave.access, true);

    assertEquals(0, user(null, "remove", "--username", "dave"), "user remove");

    assertStandingLostAtUse(dave, introspector);
    awaitRevoked(dave, "dave");
    server.fixture().awaitLog("user dave was removed; revoked 1 grant(s)", Duration.ofSeconds(5));
    assertStandingKept(alice, introspector);
  }

  @Test
  @Order(2)
  @DisplayName("user passwd while the server runs: the same as a removal for everything granted under the old password; the new one signs in")
  void passwordChangeRevokesEverything() {
    String oldPassword = newUser("erin");
    SignedIn erin = new SignedIn("erin", oldPassword);
    SignedIn alice = new SignedIn(USER, server.password());
    OAuthDriver.Client introspector = confidentialClient(alice.browser, "client_secret_basic", "[\"authorization_code\"]");
    assertAccepted(erin.access, "erin's token before the change");

    String newPassword = secret(randomPassword());
    assertEquals(0, user(newPassword, "passwd", "--username", "erin"), "user passwd");

    assertStandingLostAtUse(erin, introspector);
    awaitRevoked(erin, "erin");
    server.fixture().awaitLog("user erin has a new password; revoked 1 grant(s)", Duration.ofSeconds(5));
    assertStandingKept(alice, introspector);

    OAuthDriver fresh = browser();
    OAuthDriver.Client client = publicClient(fresh);
    HttpResponse<String> loginPage = fresh.authorize(request(fresh, client));
    assertTrue(fresh.login(loginPage, "erin", oldPassword).body().contains(LOGIN_FAILED), "the old password is refused");
    Map<String, Object> tokens = fresh.tokens(client, resource(), null, "erin", newPassword);
    secret((String) tokens.get("refresh_token"));
    assertAccepted(secret((String) tokens.get("access_token")), "granted under the new password");
    ok(fresh.refresh(client, (String) tokens.get("refresh_token")));
  }

  @Test
  @Order(3)
  @DisplayName("user remove then user add, even with the same password: nothing granted before comes back")
  void removeThenAddAgainRevokesEverything() {
    String password = newUser("gina");
    SignedIn gina = new SignedIn("gina", password);
    SignedIn alice = new SignedIn(USER, server.password());
    OAuthDriver.Client introspector = confidentialClient(alice.browser, "client_secret_basic", "[\"authorization_code\"]");
    assertAccepted(gina.access, "gina's token before");

    assertEquals(0, user(null, "remove", "--username", "gina"), "user remove");
    EmbeddedAuthServer.addUser(usersFile(), "gina", password);

    assertStandingLostAtUse(gina, introspector);
    awaitRevoked(gina, "gina");
    assertStandingKept(alice, introspector);
    OAuthDriver fresh = browser();
    OAuthDriver.Client client = publicClient(fresh);
    Map<String, Object> tokens = fresh.tokens(client, resource(), null, "gina", password);
    secret((String) tokens.get("refresh_token"));
    assertAccepted(secret((String) tokens.get("access_token")), "granted to the user added again");
  }

  @Test
  @Order(4)
  @DisplayName("user remove while the server is stopped: after the restart the user's refresh and access tokens are refused, another user's are not")
  void removalWhileStoppedIsSeenAtStartUp() {
    String password = newUser("frank");
    SignedIn frank = new SignedIn("frank", password);
    SignedIn alice = new SignedIn(USER, server.password());
    assertAccepted(frank.access, "frank's token before the restart");

    server.fixture().close();
    assertEquals(0, user(null, "remove", "--username", "frank"), "user remove");
    restarted = fixtureBuilder()
        .port(server.mcpPort())
        .property("mcpauth.as.port", String.valueOf(server.asPort()))
        .property("mcpauth.as.data", server.dataDir().toString())
        .start();
    awaitCondition("the restarted authorization server answers", () -> {
      try {
        return browser().get(server.issuer() + "/.well-known/oauth-authorization-server").statusCode() == 200;
      } catch (IllegalStateException notYet) {
        return false;
      }
    });

    OAuthDriver later = browser();
    assertTokenError(later.refresh(frank.client, frank.refresh), 400, "invalid_grant");
    assertRefused(frank.access, "its grant was revoked at start-up");
    restarted.awaitLog("user frank was removed; revoked 1 grant(s)", Duration.ofSeconds(10));
    assertAccepted(alice.access, "another user's token survives the restart");
    ok(later.refresh(alice.client, alice.refresh));
  }

  // ---------------------------------------------------------------- assertions

  /**
   * What every use checks against the users file itself, so it holds as soon as the command has
   * returned, before the watch has revoked anything.
   */
  private void assertStandingLostAtUse(SignedIn user, OAuthDriver.Client introspector) {
    assertTokenError(user.browser.refresh(user.client, user.refresh), 400, "invalid_grant");
    assertTokenError(user.browser.redeem(user.client, user.code, user.pkce, resource()), 400, "invalid_grant");
    assertActive(introspector, user.access, false);
    assertActive(introspector, user.refresh, false);
    // The consent page left open in the signed-in browser leads to no code...
    HttpResponse<String> decision = user.browser.decide(user.openConsent, "approve");
    assertErrorPage(decision, 403);
    // ...and a new request from that browser meets the login page, not a consent page.
    assertLoginPage(user.browser.authorize(request(user.browser, user.client)));
  }

  /**
   * What the watch does without any request to the authorization server: revokes the grant, so
   * the live access token fails at the MCP endpoint, and the refresh token stays refused.
   */
  private void awaitRevoked(SignedIn user, String username) {
    awaitCondition(username + "'s live access token is refused at the MCP endpoint", () -> atResourceServer(user.access) == 401);
    assertTokenError(user.browser.refresh(user.client, user.refresh), 400, "invalid_grant");
  }

  private void assertStandingKept(SignedIn user, OAuthDriver.Client introspector) {
    assertAccepted(user.access, "another user's token");
    ok(user.browser.redeem(user.client, user.code, user.pkce, resource()));
    assertActive(introspector, user.access, true);
    Map<String, Object> refreshed = ok(user.browser.refresh(user.client, user.refresh));
    assertAccepted((String) refreshed.get("access_token"), "another user's refreshed token");
    Map<String, String> redirect = OAuthDriver.query(
        user.browser.decide(user.openConsent, "approve").headers().firstValue("Location").orElseThrow());
    assertTrue(redirect.containsKey("code"), "another user's signed-in session still reaches a code: " + redirect);
    secret(redirect.get("code"));
  }

  private void assertActive(OAuthDriver.Client introspector, String token, boolean active) {
    HttpResponse<String> response = browser().postTo("/introspect", Map.of("token", token), "Authorization",
        OAuthDriver.basic(introspector));
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(active, OAuthDriver.json(response.body()).get("active"), response.body());
  }

  // ---------------------------------------------------------------- users and waiting

  private Path usersFile() {
    return server.dataDir().resolve("users");
  }

  /** Adds {@code username} with a random password, with the jar's {@code user add}; returns the password. */
  private String newUser(String username) {
    String password = secret(randomPassword());
    EmbeddedAuthServer.addUser(usersFile(), username, password);
    return password;
  }

  private static String randomPassword() {
    byte[] random = new byte[18];
    RANDOM.nextBytes(random);
    return "pw-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** {@code java -jar mcpauth-agent.jar user VERB --users-file FILE ...}, {@code stdin} (a password, or nothing) on standard input. */
  private int user(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Fixture.agentJar().toAbsolutePath().toString(), "user", args[0], "--users-file", usersFile().toString()));
    command.addAll(List.of(args).subList(1, args.length));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("`user " + args[0] + "` did not finish in 60 s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      LogHygiene.assertNoSecretLogged("`user " + args[0] + "`", output, secrets);
      return process.exitValue();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitCondition(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + REVOCATION_DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + REVOCATION_DEADLINE.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }
}
