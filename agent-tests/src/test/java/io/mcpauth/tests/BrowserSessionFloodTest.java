package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.LoopbackBrowser;
import io.mcpauth.tests.support.OAuthDriver;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A flood of cookie-less {@code GET /authorize}, each of which makes an anonymous session and a
 * transaction, must not lock anybody else out of signing in (finding 4). The flood is the real
 * size: a little more than the 20,000 entries that used to fill the whole table for eight hours,
 * sent over keep-alive connections from chosen loopback addresses ({@link LoopbackBrowser}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserSessionFloodTest extends AuthServerAttackSupport {

  private static final int FLOOD = 20_100;
  private static final Duration FLOOD_DEADLINE = Duration.ofMinutes(4);
  private static final int CONNECTIONS = 48;

  private OAuthDriver.Client client;

  @BeforeAll
  void registerClient() {
    client = publicClient(browser());
  }

  @Test
  @DisplayName("a flood from one address: a sign-in begun before it, a new browser elsewhere and a new browser at the flooding address all get a token; the flooder's own old sign-ins are pushed out")
  void floodFromOneAddress() throws Exception {
    OAuthDriver before = browser();
    OAuthDriver.Pkce beforePkce = OAuthDriver.pkce();
    HttpResponse<String> beforePage = before.authorize(before.authorizationRequest(client, beforePkce, resource(), null));
    assertLoginPage(beforePage);
    LoopbackBrowser flooderEarly = LoopbackBrowser.at(server.issuer(), "127.0.0.9");
    LoopbackBrowser.Response earlyPage = flooderEarly.get(authorizePath(OAuthDriver.pkce()));
    assertEquals(200, earlyPage.status(), earlyPage.body());

    Map<Integer, Integer> statuses = flood(List.of("127.0.0.9"), FLOOD);

    // the sign-in begun before the flood still completes
    HttpResponse<String> consent = before.follow(before.login(beforePage, USER, server.password()));
    Map<String, String> redirect = OAuthDriver.query(header(before.decide(consent, "approve"), "Location"));
    assertNotNull(redirect.get("code"), redirect.toString());
    ok(before.redeem(client, secret(redirect.get("code")), beforePkce, resource()));

    tokens(browser(), client);                      // a new browser at another address (127.0.0.1)
    signInFrom("127.0.0.9");                        // a new browser behind the flooding address

    // the flooder's own first sign-in was pushed out by the rest of its flood
    LoopbackBrowser.Response expired = flooderEarly.postForm("/login", form(earlyPage.body(), USER, "wrong password"));
    assertEquals(403, expired.status(), "the flooding address's oldest sign-in was evicted: " + expired.body());
    flooderEarly.close();

    assertEquals(Map.of(200, FLOOD), statuses, "every flood request is answered with a login page");
  }

  @Test
  @DisplayName("a flood shared among several addresses: new browsers at another address and at each flooding address still get a token")
  void floodFromSeveralAddresses() throws Exception {
    List<String> flooders = List.of("127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13");
    Map<Integer, Integer> statuses = flood(flooders, FLOOD / flooders.size() + 1);

    tokens(browser(), client);
    for (String flooder : flooders) {
      signInFrom(flooder);
    }
    assertEquals(Map.of(200, (FLOOD / flooders.size() + 1) * flooders.size()), statuses,
        "every flood request is answered with a login page");
  }

  @Test
  @DisplayName("a browser that has an anonymous session keeps it: a second /authorize sets no new cookie")
  void anonymousSessionIsReused() {
    try (LoopbackBrowser browser = LoopbackBrowser.at(server.issuer(), "127.0.0.14")) {
      LoopbackBrowser.Response first = browser.get(authorizePath(OAuthDriver.pkce()));
      assertEquals(200, first.status(), first.body());
      assertNotNull(first.header("Set-Cookie"), "the first visit gets a session");
      LoopbackBrowser.Response second = browser.get(authorizePath(OAuthDriver.pkce()));
      assertEquals(200, second.status(), second.body());
      assertEquals(null, second.header("Set-Cookie"), "the session is reused, not replaced");
      // and the first sign-in page is still good in that session
      LoopbackBrowser.Response consent = browser.follow(browser.postForm("/login", form(first.body(), USER, server.password())));
      assertEquals(200, consent.status(), consent.body());
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * {@code perAddress} cookie-less GET /authorize from each address, over {@link #CONNECTIONS}
   * keep-alive connections in parallel (one connection waits out the server's Nagle delay on every
   * response); the statuses counted.
   */
  private Map<Integer, Integer> flood(List<String> addresses, int perAddress) throws Exception {
    String path = authorizePath(OAuthDriver.pkce());
    long deadline = System.nanoTime() + FLOOD_DEADLINE.toNanos();
    int connectionsPerAddress = Math.max(1, CONNECTIONS / addresses.size());
    ExecutorService threads = Executors.newFixedThreadPool(connectionsPerAddress * addresses.size());
    try {
      List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
      for (String address : addresses) {
        for (int c = 0; c < connectionsPerAddress; c++) {
          int share = perAddress / connectionsPerAddress + (c < perAddress % connectionsPerAddress ? 1 : 0);
          results.add(threads.submit(() -> {
            Map<Integer, Integer> counted = new TreeMap<>();
            try (LoopbackBrowser flooder = LoopbackBrowser.at(server.issuer(), address).cookieless()) {
              for (int i = 0; i < share && System.nanoTime() < deadline; i++) {
                counted.merge(flooder.get(path).status(), 1, Integer::sum);
              }
            }
            return counted;
          }));
        }
      }
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (Future<Map<Integer, Integer>> result : results) {
        result.get(FLOOD_DEADLINE.toSeconds() + 30, TimeUnit.SECONDS).forEach((status, n) -> statuses.merge(status, n, Integer::sum));
      }
      int sent = statuses.values().stream().mapToInt(Integer::intValue).sum();
      assertEquals(perAddress * addresses.size(), sent, "the flood did not finish in " + FLOOD_DEADLINE + ": " + statuses);
      return statuses;
    } finally {
      threads.shutdownNow();
    }
  }

  /** Sign-in, consent, code and token for a new browser at {@code address}. */
  private void signInFrom(String address) {
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    try (LoopbackBrowser browser = LoopbackBrowser.at(server.issuer(), address)) {
      LoopbackBrowser.Response page = browser.get(authorizePath(pkce));
      assertEquals(200, page.status(), "the login page at " + address + ": " + page.body());
      assertTrue(page.body().contains("name=\"password\""), page.body());
      LoopbackBrowser.Response consent = browser.follow(browser.postForm("/login", form(page.body(), USER, server.password())));
      assertEquals(200, consent.status(), "the consent page at " + address + ": " + consent.body());
      Map<String, String> decision = OAuthDriver.hiddenFields(consent.body());
      decision.put("decision", "approve");
      LoopbackBrowser.Response redirect = browser.postForm("/consent", decision);
      assertEquals(303, redirect.status(), redirect.body());
      String code = secret(OAuthDriver.query(redirect.header("Location")).get("code"));
      assertNotNull(code, redirect.header("Location"));
      ok(browser().redeem(client, code, pkce, resource()));
    }
  }

  private String authorizePath(OAuthDriver.Pkce pkce) {
    return "/authorize?" + OAuthDriver.encode(browser().authorizationRequest(client, pkce, resource(), null));
  }

  static Map<String, String> form(String loginPage, String username, String password) {
    Map<String, String> form = OAuthDriver.hiddenFields(loginPage);
    form.put("username", username);
    form.put("password", password);
    return form;
  }
}
