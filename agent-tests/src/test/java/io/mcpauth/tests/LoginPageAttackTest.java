package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.OAuthDriver;
import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * AS-SEC-17..23: the login and consent pages of the embedded authorization
 * server, driven as a browser without a screen would drive them (one cookie jar per
 * {@link OAuthDriver}), and attacked: forged and replayed forms, session fixation, framing,
 * hostile client names, consent reuse across clients, account enumeration, and the redirect after
 * a credential POST. The login rate limits (rest of AS-SEC-22) are in
 * {@link AuthServerRateLimitAttackTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginPageAttackTest extends AuthServerAttackSupport {

  private static final String HTTP_COOKIE = "mcpauth-session";

  // ---------------------------------------------------------------- AS-SEC-17: CSRF

  @Test
  @DisplayName("AS-SEC-17: a login POST without its CSRF token, or with one from another session or another request, is 403")
  void loginCsrf() {
    OAuthDriver victim = browser();
    OAuthDriver.Client client = publicClient(victim);
    HttpResponse<String> page = victim.authorize(request(victim, client));
    assertLoginPage(page);
    Map<String, String> fields = OAuthDriver.hiddenFields(page.body());
    assertNotNull(fields.get("csrf"));
    assertNotNull(fields.get("transaction"));

    // no CSRF token, and an empty one
    assertErrorPage(victim.postForm("/login", credentials(with(fields, "csrf", null), USER, server.password())), 403);
    assertErrorPage(victim.postForm("/login", credentials(with(fields, "csrf", ""), USER, server.password())), 403);

    // the form (transaction and CSRF token) of another browser session: an attacker posting their own
    // form through the victim's browser, or the victim's form from the attacker's
    OAuthDriver attacker = browser();
    HttpResponse<String> attackerPage = attacker.authorize(request(attacker, client));
    Map<String, String> attackerFields = OAuthDriver.hiddenFields(attackerPage.body());
    assertErrorPage(victim.postForm("/login", credentials(attackerFields, USER, server.password())), 403);
    HttpResponse<String> fresh = victim.authorize(request(victim, client));
    assertErrorPage(attacker.postForm("/login", credentials(OAuthDriver.hiddenFields(fresh.body()), USER,
        server.password())), 403);

    // the CSRF token of another request in the same session
    HttpResponse<String> first = victim.authorize(request(victim, client));
    HttpResponse<String> second = victim.authorize(request(victim, client));
    Map<String, String> mixed = new LinkedHashMap<>(OAuthDriver.hiddenFields(second.body()));
    mixed.put("csrf", OAuthDriver.hiddenFields(first.body()).get("csrf"));
    assertErrorPage(victim.postForm("/login", credentials(mixed, USER, server.password())), 403);

    // nothing of this signed the victim in
    assertLoginPage(victim.authorize(request(victim, client)));
  }

  @Test
  @DisplayName("AS-SEC-17: a CSRF token is single-use: a replayed login or consent form is 403, a consent POST without one is 403")
  void csrfSingleUse() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    HttpResponse<String> page = driver.authorize(request(driver, client));
    Map<String, String> used = OAuthDriver.hiddenFields(page.body());

    // a failed login consumes the token; the page comes back with a new one
    HttpResponse<String> failed = driver.postForm("/login", credentials(used, USER, "wrong password"));
    assertLoginPage(failed);
    assertNotEquals(used.get("csrf"), OAuthDriver.hiddenFields(failed.body()).get("csrf"), "a new CSRF token");
    assertErrorPage(driver.postForm("/login", credentials(used, USER, server.password())), 403);

    // consent: no token, then a good decision, then its replay
    HttpResponse<String> login = driver.authorize(request(driver, client));
    HttpResponse<String> consent = driver.follow(driver.login(login, USER, server.password()));
    Map<String, String> consentFields = OAuthDriver.hiddenFields(consent.body());
    Map<String, String> noToken = with(consentFields, "csrf", null);
    noToken.put("decision", "approve");
    assertErrorPage(driver.postForm("/consent", noToken), 403);
    // that refusal spent the consent page's token as well: the page must be loaded again
    HttpResponse<String> reloaded = driver.get(server.issuer() + "/consent?transaction="
        + consentFields.get("transaction"));
    assertEquals(200, reloaded.statusCode(), reloaded.body());
    Map<String, String> approve = new LinkedHashMap<>(OAuthDriver.hiddenFields(reloaded.body()));
    approve.put("decision", "approve");
    HttpResponse<String> redirect = driver.postForm("/consent", approve);
    assertEquals(303, redirect.statusCode(), redirect.body());
    secret(OAuthDriver.query(header(redirect, "Location")).get("code"));
    HttpResponse<String> replay = driver.postForm("/consent", approve);
    assertErrorPage(replay, 403);
  }

  // ---------------------------------------------------------------- AS-SEC-18: cookies

  @Test
  @DisplayName("AS-SEC-18: the session cookie is HttpOnly, SameSite=Lax, host-only; its id changes at login and the old id is dead")
  void sessionCookie() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    HttpResponse<String> page = driver.authorize(request(driver, client));
    String before = sessionCookie(page);
    assertNotNull(before, "the login page sets a session cookie: " + page.headers().map());
    HttpResponse<String> loggedIn = driver.login(page, USER, server.password());
    assertEquals(303, loggedIn.statusCode(), loggedIn.body());
    String after = sessionCookie(loggedIn);
    assertNotNull(after, "login sets a new session cookie");
    String beforeValue = HttpCookie.parse(before).get(0).getValue();
    String afterValue = HttpCookie.parse(after).get(0).getValue();
    assertNotEquals(beforeValue, afterValue, "the session id is rotated at login (no session fixation)");
    secret(afterValue);

    // the pre-login id (which an attacker could have planted) does not carry the login
    String name = HttpCookie.parse(before).get(0).getName();
    HttpResponse<String> planted = Http.get(server.issuer() + "/authorize?" + OAuthDriver.encode(request(driver, client)),
        "Cookie", name + "=" + beforeValue);
    assertLoginPage(planted);
    // while the new one does
    HttpResponse<String> carried = Http.get(server.issuer() + "/authorize?" + OAuthDriver.encode(request(driver, client)),
        "Cookie", name + "=" + afterValue);
    assertEquals(200, carried.statusCode(), carried.body());
    assertFalse(carried.body().contains("name=\"password\""), "the rotated session is signed in: consent, not login");
  }

  /** The session cookie's Set-Cookie line, checked for its attributes. */
  private String sessionCookie(HttpResponse<String> response) {
    List<String> setCookies = response.headers().allValues("Set-Cookie");
    if (setCookies.isEmpty()) {
      return null;
    }
    assertEquals(1, setCookies.size(), "one cookie: " + setCookies);
    String line = setCookies.get(0);
    String lower = line.toLowerCase(Locale.ROOT);
    HttpCookie cookie = HttpCookie.parse(line).get(0);
    assertTrue(cookie.isHttpOnly(), "HttpOnly: " + line);
    assertTrue(lower.contains("samesite=lax") || lower.contains("samesite=strict"), "SameSite=Lax: " + line);
    assertFalse(lower.contains("domain="), "host-only (no Domain): " + line);
    assertTrue(lower.contains("path=/"), "Path=/: " + line);
    assertTrue(cookie.getValue().length() >= 22, "a session id of at least 128 bits: " + cookie.getValue().length());
    if (server.issuer().startsWith("https://")) {
      assertTrue(cookie.getName().startsWith("__Host-"), "__Host- prefix under TLS: " + line);
      assertTrue(cookie.getSecure(), "Secure under TLS: " + line);
    } else {
      // Plain-HTTP loopback issuer (this fixture): the AS leaves out Secure, and so cannot use __Host-,
      // which requires it; browsers disagree about Secure cookies on http://localhost. The https case,
      // including an https issuer behind a TLS-terminating proxy, is ProxiedIssuerAttackTest's.
      assertTrue(cookie.getName().endsWith(HTTP_COOKIE), line);
      assertFalse(cookie.getName().startsWith("__Host-") && !cookie.getSecure(), "__Host- needs Secure: " + line);
    }
    return line;
  }

  // ---------------------------------------------------------------- AS-SEC-19: framing

  @Test
  @DisplayName("AS-SEC-19: the login, consent, error and CSRF-failure pages carry X-Frame-Options DENY and CSP frame-ancestors 'none'")
  void noFraming() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    HttpResponse<String> login = driver.authorize(request);
    assertLoginPage(login); // includes the framing headers
    HttpResponse<String> failed = driver.login(login, USER, "wrong password");
    assertLoginPage(failed);
    HttpResponse<String> consent = driver.follow(driver.login(failed, USER, server.password()));
    assertEquals(200, consent.statusCode());
    assertPageHeaders(consent);
    assertTrue(consent.body().contains("value=\"approve\""), consent.body());
    assertErrorPage(driver.authorize(with(request, "client_id", "unknown-client")), 400);
    assertErrorPage(driver.postForm("/consent", Map.of("transaction", "x", "csrf", "y", "decision", "approve")), 403);
  }

  // ---------------------------------------------------------------- AS-SEC-20: hostile client names

  @Test
  @DisplayName("AS-SEC-20: a <script> or attribute-breaking client_name is HTML-escaped on the login and consent pages")
  void clientNameEscaped() {
    OAuthDriver driver = browser();
    String name = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'";
    OAuthDriver.Client client = loopbackClient(driver, name);
    HttpResponse<String> login = driver.authorize(request(driver, client));
    assertLoginPage(login);
    HttpResponse<String> consent = driver.follow(driver.login(login, USER, server.password()));
    assertEquals(200, consent.statusCode());
    for (HttpResponse<String> page : List.of(login, consent)) {
      String body = page.body();
      assertFalse(body.contains("<script>"), "raw <script>:\n" + body);
      assertFalse(body.contains("<img"), "raw <img>:\n" + body);
      assertFalse(body.contains("\"><img"), "attribute break-out:\n" + body);
      assertTrue(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is shown, escaped:\n" + body);
    }
  }

  @Test
  @DisplayName("AS-SEC-20: bidi overrides are stripped and a 10k-character client_name is truncated")
  void clientNameDisguises() {
    OAuthDriver driver = browser();
    OAuthDriver.Client rtl = loopbackClient(driver, "Trusted\u202Eexe.tnatropmI\u202C \u2066Tool\u2069\u200F\u061C");
    HttpResponse<String> page = driver.authorize(request(driver, rtl));
    assertLoginPage(page);
    for (char c : new char[] {'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
        '\u200E', '\u200F', '\u061C'}) {
      assertFalse(page.body().indexOf(c) >= 0, String.format("U+%04X on the page", (int) c));
    }
    assertTrue(page.body().contains("Trusted"), page.body());

    String longName = "A".repeat(10_000);
    Map<String, Object> registered = register(driver, "{\"client_name\":\"" + longName + "\",\"redirect_uris\":"
        + "[\"http://127.0.0.1:41002/cb\"],\"token_endpoint_auth_method\":\"none\"}");
    String stored = (String) registered.get("client_name");
    assertTrue(stored.length() < 10_000, "the registered name is cut: " + stored.length() + " characters");
    OAuthDriver.Client longClient = new OAuthDriver.Client((String) registered.get("client_id"), null,
        "http://127.0.0.1:41002/cb");
    HttpResponse<String> longPage = driver.authorize(request(driver, longClient));
    assertLoginPage(longPage);
    assertFalse(longPage.body().contains("A".repeat(Math.min(stored.length(), 200) + 1)), "the page shows a truncated name");
    assertTrue(longPage.body().contains("A".repeat(20)), "but shows it");
  }

  @Test
  @DisplayName("AS-SEC-20: the consent page shows the redirect host, and warns when a client only redirects to localhost")
  void consentShowsRedirectHost() {
    OAuthDriver driver = browser();
    OAuthDriver.Client local = loopbackClient(driver, "Local Tool");
    HttpResponse<String> localConsent = consentPage(driver, local);
    assertTrue(localConsent.body().contains(">127.0.0.1<"), "the redirect host:\n" + localConsent.body());
    assertTrue(localConsent.body().toLowerCase(Locale.ROOT).contains("localhost"), localConsent.body());
    assertTrue(localConsent.body().contains("class=\"warning\""), "a localhost warning:\n" + localConsent.body());

    OAuthDriver.Client web = confidentialClient(driver, "client_secret_basic", "[\"authorization_code\"]");
    HttpResponse<String> webConsent = consentPage(driver, web);
    assertTrue(webConsent.body().contains(">client.example<"), "the redirect host:\n" + webConsent.body());
    assertFalse(webConsent.body().contains("class=\"warning\""), "no localhost warning for an https client");
  }

  // ---------------------------------------------------------------- AS-SEC-21: consent per client

  @Test
  @DisplayName("AS-SEC-21: after approving client A, client B gets its own consent page; nothing is remembered from a denial")
  void consentIsPerClient() {
    OAuthDriver driver = browser();
    OAuthDriver.Client a = loopbackClient(driver, "Client Alpha");
    OAuthDriver.Client b = loopbackClient(driver, "Client Bravo");
    Map<String, String> approved = driver.approve(request(driver, a), USER, server.password());
    secret(approved.get("code"));
    assertNotNull(approved.get("code"));

    // same browser, signed in: B is asked about, by its own name, and no code comes without a decision
    HttpResponse<String> forB = driver.authorize(request(driver, b));
    assertEquals(200, forB.statusCode(), "a consent page, not a redirect with a code: " + header(forB, "Location"));
    assertTrue(forB.body().contains("Client Bravo"), forB.body());
    assertFalse(forB.body().contains("Client Alpha"), forB.body());
    assertTrue(forB.body().contains("value=\"approve\""), "B's own consent form");

    // B denied: access_denied, and the next request by B is asked again
    Map<String, String> requestB = request(driver, b);
    HttpResponse<String> denied = driver.decide(driver.authorize(requestB), "deny");
    assertErrorRedirect(denied, b.redirectUri(), "access_denied", requestB.get("state"));
    HttpResponse<String> again = driver.authorize(request(driver, b));
    assertEquals(200, again.statusCode());
    assertTrue(again.body().contains("value=\"approve\""), "consent asked again after a denial");

    // even A is asked again (no silent re-approval by cookie)
    HttpResponse<String> aAgain = driver.authorize(request(driver, a));
    assertEquals(200, aAgain.statusCode(), "no code without a decision: " + header(aAgain, "Location"));
    assertTrue(aAgain.body().contains("value=\"approve\""));
  }

  // ---------------------------------------------------------------- AS-SEC-22 (enumeration part), AS-SEC-23

  @Test
  @DisplayName("AS-SEC-22: an unknown user gets exactly the same answer as a wrong password")
  void noUserEnumeration() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    HttpResponse<String> wrongPassword = driver.login(driver.authorize(request(driver, client)), USER, "not the password");
    HttpResponse<String> unknownUser = driver.login(driver.authorize(request(driver, client)), "nobody-" + System.nanoTime(),
        "not the password");
    for (HttpResponse<String> response : List.of(wrongPassword, unknownUser)) {
      assertLoginPage(response);
      assertTrue(response.body().contains(LOGIN_FAILED), response.body());
    }
    assertEquals(withoutFormTokens(wrongPassword.body()), withoutFormTokens(unknownUser.body()),
        "the two pages differ only in their form tokens");
    assertEquals(wrongPassword.statusCode(), unknownUser.statusCode());
    // the right password still works from the same browser
    HttpResponse<String> ok = driver.login(driver.authorize(request(driver, client)), USER, server.password());
    assertEquals(303, ok.statusCode());
    // (the password check is constant-time for unknown users too: UserStore verifies against an
    // unmatchable hash; that is a code-review property, not measured here)
  }

  @Test
  @DisplayName("AS-SEC-23: the credential POST to /login is answered 303 See Other (never 307), so the password is not re-posted")
  void seeOtherAfterLogin() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    HttpResponse<String> response = driver.login(driver.authorize(request(driver, client)), USER, server.password());
    assertEquals(303, response.statusCode(), response.body());
    String location = header(response, "Location");
    assertNotNull(location);
    assertTrue(location.contains("/consent"), location);
    assertFalse(location.contains(server.password()), location);
    assertCacheControlNoStore(response);
    // and the consent POST too
    HttpResponse<String> consent = driver.follow(response);
    HttpResponse<String> decided = driver.decide(consent, "approve");
    assertEquals(303, decided.statusCode());
    secret(OAuthDriver.query(header(decided, "Location")).get("code"));
  }

  // ---------------------------------------------------------------- helpers

  private OAuthDriver.Client loopbackClient(OAuthDriver driver, String name) {
    String redirect = "http://127.0.0.1:" + (41100 + (int) (Math.random() * 1000)) + "/callback";
    Map<String, Object> registered = register(driver, "{\"client_name\":" + jsonString(name) + ",\"redirect_uris\":["
        + jsonString(redirect) + "],\"token_endpoint_auth_method\":\"none\"}");
    return new OAuthDriver.Client((String) registered.get("client_id"), null, redirect);
  }

  /** The consent page for {@code client}, logging in first when needed. */
  private HttpResponse<String> consentPage(OAuthDriver driver, OAuthDriver.Client client) {
    HttpResponse<String> page = driver.authorize(request(driver, client));
    if (page.body().contains("name=\"password\"")) {
      page = driver.follow(driver.login(page, USER, server.password()));
    }
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("value=\"approve\""), page.body());
    assertPageHeaders(page);
    return page;
  }

  private static Map<String, String> credentials(Map<String, String> fields, String username, String password) {
    Map<String, String> form = new LinkedHashMap<>(fields);
    form.put("username", username);
    form.put("password", password);
    return form;
  }

  private static String withoutFormTokens(String html) {
    return html.replaceAll("name=\"(transaction|csrf)\" value=\"[^\"]*\"", "name=\"$1\" value=\"\"");
  }
}
