package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.LoopbackBrowser;
import io.mcpauth.tests.support.OAuthDriver;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Finding 6: failed sign-ins for a known account, from addresses other than the user's, must not
 * lock the user out (AS-SEC-22 as it now stands). Each attacking address is locked for the account
 * after its own failures; the account across all addresses is only slowed, and only for addresses
 * that failed for it. The per-account limit is lowered to 3 (each failure costs a password hash);
 * the attacker's addresses are 127.0.0.x
 * ({@link LoopbackBrowser}), the user's is 127.0.0.1 (the JDK's client) and one more fresh one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountLockoutTest extends AuthServerAttackSupport {

  private static final int FAILURES_PER_ACCOUNT = 3;
  /** Past 10 x failures-per-account for one account, addresses that failed for it wait. */
  private static final int ACCOUNT_WIDE_THRESHOLD = 10 * FAILURES_PER_ACCOUNT;

  private OAuthDriver.Client client;

  @Override
  Map<String, String> properties() {
    return Map.of(
        "mcpauth.as.login.failures-per-account", String.valueOf(FAILURES_PER_ACCOUNT),
        "mcpauth.as.login.failures-per-address", "20");
  }

  @BeforeAll
  void registerClient() {
    client = publicClient(browser());
  }

  @Test
  @DisplayName("AS-SEC-22: many addresses fail for alice; each is locked for her account (429, Retry-After), and alice still signs in with her password")
  void othersCannotLockAliceOut() {
    // ten addresses use up their own allowance for alice: 30 failures, spelled in either case
    int addresses = ACCOUNT_WIDE_THRESHOLD / FAILURES_PER_ACCOUNT;
    for (int a = 0; a < addresses; a++) {
      try (LoopbackBrowser attacker = LoopbackBrowser.at(server.issuer(), "127.0.0." + (30 + a))) {
        LoopbackBrowser.Response page = loginPage(attacker);
        for (int i = 0; i < FAILURES_PER_ACCOUNT; i++) {
          page = attacker.postForm("/login", BrowserSessionFloodTest.form(page.body(), i % 2 == 0 ? USER : "ALICE", "guess " + i));
          assertEquals(200, page.status(), "failure " + i + " from attacker " + a + " is a plain failure: " + page.body());
          assertTrue(page.body().contains(LOGIN_FAILED), page.body());
        }
        assertLocked(attacker.postForm("/login", BrowserSessionFloodTest.form(page.body(), USER, server.password())),
            "the attacker's address, after its own failures, even with the right password");
      }
    }
    // eight more addresses fail once each: the account is now past its threshold, so an address
    // that failed for it waits (up to a minute) after the account's last failure
    LoopbackBrowser.Response page = null;
    LoopbackBrowser last = null;
    for (int a = 0; a < 8; a++) {
      last = LoopbackBrowser.at(server.issuer(), "127.0.0." + (40 + a));
      page = last.postForm("/login", BrowserSessionFloodTest.form(loginPage(last).body(), USER, "guess"));
      assertEquals(200, page.status(), "an address that has not failed for alice is not held back: " + page.body());
      if (a < 7) {
        last.close();
      }
    }
    assertLocked(last.postForm("/login", BrowserSessionFloodTest.form(page.body(), USER, "guess again")),
        "an address that failed for alice, trying again at once");
    last.close();

    // alice, from her own address, with her password: signed in, consent, code, token
    tokens(browser(), client);
    // and from another address that never failed for her
    try (LoopbackBrowser alice = LoopbackBrowser.at(server.issuer(), "127.0.0.50")) {
      LoopbackBrowser.Response consent = alice.follow(alice.postForm("/login",
          BrowserSessionFloodTest.form(loginPage(alice).body(), USER, server.password())));
      assertEquals(200, consent.status(), consent.body());
      assertTrue(consent.body().contains("approve"), consent.body());
    }
    // her success does not unlock the attackers
    try (LoopbackBrowser attacker = LoopbackBrowser.at(server.issuer(), "127.0.0.30")) {
      assertLocked(attacker.postForm("/login", BrowserSessionFloodTest.form(loginPage(attacker).body(), USER,
          server.password())), "an attacker's address after alice signed in elsewhere");
    }
  }

  private LoopbackBrowser.Response loginPage(LoopbackBrowser browser) {
    LoopbackBrowser.Response page = browser.get("/authorize?"
        + OAuthDriver.encode(browser().authorizationRequest(client, OAuthDriver.pkce(), resource(), null)));
    assertEquals(200, page.status(), page.body());
    assertTrue(page.body().contains("name=\"password\""), page.body());
    return page;
  }

  private static void assertLocked(LoopbackBrowser.Response response, String who) {
    assertEquals(429, response.status(), who + ": " + response.body());
    String retryAfter = response.header("Retry-After");
    assertNotNull(retryAfter, who + ": Retry-After");
    long seconds = Long.parseLong(retryAfter.trim());
    assertTrue(seconds >= 1 && seconds <= 15 * 60, who + ": Retry-After " + seconds);
    assertTrue(response.body().contains("name=\"password\""), who + ": the login page again, to try later");
  }
}
