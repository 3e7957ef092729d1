package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.OAuthDriver;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The limits of the embedded authorization server that a test has to exhaust (AS-SEC-22, 33, 43),
 * on a fixture of their own with low limits so that no other class is locked out. The three limiters are independent (login, token endpoint, registration), and the
 * clients the tests need are registered before any test runs, so the tests may run in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthServerRateLimitAttackTest extends AuthServerAttackSupport {

  private static final int FAILURES_PER_ACCOUNT = 3;
  private static final int FAILURES_PER_ADDRESS = 6;
  private static final int REGISTRATIONS_PER_MINUTE = 5;
  private static final int TOKEN_FAILURES_PER_ADDRESS = 12;

  private OAuthDriver.Client loginClient;
  private OAuthDriver.Client guessingClient;
  private OAuthDriver.Client confidential;

  @Override
  Map<String, String> properties() {
    return Map.of(
        "mcpauth.as.login.failures-per-account", String.valueOf(FAILURES_PER_ACCOUNT),
        "mcpauth.as.login.failures-per-address", String.valueOf(FAILURES_PER_ADDRESS),
        "mcpauth.as.dcr.per-minute", String.valueOf(REGISTRATIONS_PER_MINUTE),
        "mcpauth.as.token.failures-per-address", String.valueOf(TOKEN_FAILURES_PER_ADDRESS));
  }

  @BeforeAll
  void registerClients() {
    OAuthDriver driver = browser();
    loginClient = publicClient(driver);
    guessingClient = publicClient(driver);
    confidential = confidentialClient(driver, "client_secret_basic", "[\"authorization_code\"]");
  }

  @Test
  @DisplayName("AS-SEC-22: wrong passwords lock the account for this address, then the address for every account, with 429 and Retry-After; the right password is refused meanwhile")
  void loginFailuresAreLimited() {
    OAuthDriver driver = browser();
    HttpResponse<String> page = driver.authorize(request(driver, loginClient));
    assertLoginPage(page);

    // per account from this address: the allowance of failures, then 429 even with the right password
    // (other addresses are not locked out of the account: AccountLockoutTest)
    for (int i = 0; i < FAILURES_PER_ACCOUNT; i++) {
      page = submit(driver, page, USER, "wrong password " + i);
      assertLoginPage(page);
      assertTrue(page.body().contains(LOGIN_FAILED), page.body());
    }
    page = submit(driver, page, USER, server.password());
    assertLimited(page);
    page = submit(driver, page, USER.toUpperCase(), server.password());
    assertLimited(page); // the account is named case-insensitively

    // per address: failures on other (here unknown) accounts add up to the address's allowance
    for (int i = FAILURES_PER_ACCOUNT; i < FAILURES_PER_ADDRESS; i++) {
      page = submit(driver, page, "guess-" + i, "wrong password");
      assertLoginPage(page);
      assertTrue(page.body().contains(LOGIN_FAILED), "an unknown user fails like a wrong password: " + page.body());
    }
    page = submit(driver, page, "fresh-account", "anything");
    assertLimited(page);
    // (a PBKDF2-style hash is checked for unknown users too, against an unmatchable hash, so the
    // time does not tell them apart: UserStore.authenticate; a code-review property)
  }

  @Test
  @DisplayName("AS-SEC-33: guessing codes, refresh tokens or secrets at the token endpoint is throttled: 429 with Retry-After, even for a good request")
  void tokenGuessingIsThrottled() {
    OAuthDriver driver = browser();
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> limited = null;
    for (int i = 0; i < 200 && limited == null; i++) {
      HttpResponse<String> response = switch (i % 3) {
        case 0 -> driver.redeem(guessingClient, "guessed-code-" + i, pkce, resource());
        case 1 -> driver.refresh(guessingClient, "guessed-grant-" + i + ".guessed-secret");
        default -> driver.token(Map.of("grant_type", "client_credentials", "resource", resource()), "Authorization",
            OAuthDriver.basic(new OAuthDriver.Client(confidential.id(), "guessed-secret-" + i, null)));
      };
      statuses.add(response.statusCode());
      if (response.statusCode() == 429) {
        limited = response;
      } else {
        assertTrue(response.statusCode() == 400 || response.statusCode() == 401, "attempt " + i + ": " + response.body());
      }
    }
    assertNotNull(limited, "no 429 after " + statuses.size() + " failed token requests");
    // no other test of this class fails at the token endpoint: the window holds just these guesses
    assertEquals(TOKEN_FAILURES_PER_ADDRESS + 1, statuses.size(), "the limit's failures, then 429: " + statuses);
    assertCacheControlNoStore(limited);
    assertTrue(OAuthDriver.json(limited.body()).get("error") instanceof String, "an RFC 6749 error body: " + limited.body());
    assertRetryAfter(limited);

    // the right secret does not get through either while the address is throttled
    HttpResponse<String> good = driver.token(Map.of("grant_type", "client_credentials", "resource", resource()),
        "Authorization", OAuthDriver.basic(confidential));
    assertEquals(429, good.statusCode(), good.body());
    assertRetryAfter(good);
  }

  @Test
  @DisplayName("AS-SEC-43: a burst of registrations from one address gets 429 with Retry-After")
  void registrationBurstIsLimited() {
    OAuthDriver driver = browser();
    int created = 0;
    HttpResponse<String> limited = null;
    for (int i = 0; i < 1000 && limited == null; i++) {
      HttpResponse<String> response = driver.register("{\"client_name\":\"burst " + i + "\",\"redirect_uris\":"
          + "[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\"}");
      if (response.statusCode() == 429) {
        limited = response;
      } else {
        assertEquals(201, response.statusCode(), response.body());
        created++;
      }
    }
    assertNotNull(limited, "1000 registrations in a row were all accepted");
    assertTrue(created <= REGISTRATIONS_PER_MINUTE, created + " registrations before the limit");
    assertRetryAfter(limited);
    assertTrue(OAuthDriver.json(limited.body()).get("error") instanceof String, limited.body());
    assertEquals(429, driver.register("{\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\"}")
        .statusCode(), "still limited");
  }

  // ---------------------------------------------------------------- helpers

  /** Posts the login form on {@code page} (whatever its status) with these credentials. */
  private static HttpResponse<String> submit(OAuthDriver driver, HttpResponse<String> page, String username, String password) {
    Map<String, String> form = new LinkedHashMap<>(OAuthDriver.hiddenFields(page.body()));
    form.put("username", username);
    form.put("password", password);
    return driver.postForm("/login", form);
  }

  private static void assertLimited(HttpResponse<String> response) {
    assertEquals(429, response.statusCode(), response.body());
    assertRetryAfter(response);
    assertPageHeaders(response);
    assertTrue(response.body().contains("name=\"password\""), "the login page again, to try later");
  }

  private static void assertRetryAfter(HttpResponse<String> response) {
    String retryAfter = header(response, "Retry-After");
    assertNotNull(retryAfter, "Retry-After on a 429");
    long seconds = Long.parseLong(retryAfter.trim());
    assertTrue(seconds >= 1 && seconds <= 3600, "Retry-After " + seconds);
  }
}
