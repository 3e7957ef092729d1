package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.OAuthDriver;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AS-SEC-01..16 and the authorization side of AS-SEC-24: the metadata, the
 * JWKS and {@code /authorize} of the embedded authorization server, attacked over HTTP in the
 * shipped jar. Until the client and its redirect URI are validated every problem is an error page
 * (400, no Location); after that, errors go back to the client with {@code error}, {@code state}
 * and {@code iss}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationRequestAttackTest extends AuthServerAttackSupport {

  /** Clients registered for the AS-SEC-05 vectors, by their one registered redirect URI. */
  private final Map<String, OAuthDriver.Client> vectorClients = new ConcurrentHashMap<>();

  // ---------------------------------------------------------------- AS-SEC-01..03: metadata and keys

  @Test
  @DisplayName("AS-SEC-01: the metadata names the configured issuer, S256 only, RFC 9207 iss support, and no implicit or password grant")
  void metadata() {
    HttpResponse<String> response = Http.get(server.issuer() + "/.well-known/oauth-authorization-server");
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> metadata = OAuthDriver.json(response.body());
    assertEquals(server.issuer(), metadata.get("issuer"));
    assertEquals(List.of("S256"), metadata.get("code_challenge_methods_supported"));
    assertEquals(Boolean.TRUE, metadata.get("authorization_response_iss_parameter_supported"));
    assertEquals(List.of("code"), metadata.get("response_types_supported"));
    List<?> grants = (List<?>) metadata.get("grant_types_supported");
    assertFalse(grants.contains("implicit"), "implicit: " + grants);
    assertFalse(grants.contains("password"), "password: " + grants);
    for (String endpoint : List.of("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint",
        "revocation_endpoint", "introspection_endpoint")) {
      assertTrue(String.valueOf(metadata.get(endpoint)).startsWith(server.issuer() + "/"), endpoint + " under the issuer");
    }
  }

  @Test
  @DisplayName("AS-SEC-02: a spoofed Host or X-Forwarded-Host changes neither the AS metadata nor the PRM's authorization server")
  void spoofedHost() {
    String metadataPath = "/.well-known/oauth-authorization-server";
    Map<String, Object> genuine = OAuthDriver.json(Http.get(server.issuer() + metadataPath).body());

    String spoofed = rawHttp(server.asPort(), "GET " + metadataPath + " HTTP/1.1\r\n"
        + "Host: evil.example:8443\r\n"
        + "X-Forwarded-Host: evil.example\r\n"
        + "X-Forwarded-Proto: https\r\n"
        + "Forwarded: host=evil.example;proto=https\r\n"
        + "Connection: close\r\n\r\n");
    assertTrue(spoofed.startsWith("HTTP/1.1 200"), spoofed);
    String body = spoofed.substring(spoofed.indexOf("\r\n\r\n") + 4);
    assertEquals(genuine, OAuthDriver.json(body), "the metadata under a spoofed Host");
    assertFalse(body.contains("evil.example"), body);

    // the resource server's PRM names this issuer whatever the forwarding headers say
    String prmUrl = "http://localhost:" + server.mcpPort() + "/.well-known/oauth-protected-resource";
    HttpResponse<String> prm = Http.get(prmUrl, "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https",
        "Forwarded", "host=evil.example;proto=https");
    assertEquals(200, prm.statusCode(), prm.body());
    Map<String, Object> document = OAuthDriver.json(prm.body());
    assertEquals(List.of(server.issuer()), document.get("authorization_servers"));
    assertEquals(resource(), document.get("resource"));
    assertFalse(prm.body().contains("evil.example"), prm.body());

    // and a Host that is not this machine is never reflected into a PRM
    String foreign = rawHttp(server.mcpPort(), "GET /.well-known/oauth-protected-resource HTTP/1.1\r\n"
        + "Host: evil.example\r\nConnection: close\r\n\r\n");
    assertFalse(foreign.startsWith("HTTP/1.1 200"), "no PRM for a foreign Host: " + foreign);
    assertFalse(foreign.contains("evil.example"), foreign);
  }

  @Test
  @DisplayName("without mcpauth.resource, /mcp under a Host that is not a loopback name is 421, even with a valid token")
  void foreignHostOnTheMcpEndpoint() {
    OAuthDriver driver = browser();
    String token = (String) tokens(driver, publicClient(driver)).get("access_token");
    String request = "POST /mcp HTTP/1.1\r\nHost: HOST\r\nAuthorization: Bearer " + token + "\r\n"
        + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        + "Content-Length: " + Http.INITIALIZE.length() + "\r\nConnection: close\r\n\r\n" + Http.INITIALIZE;
    String served = rawHttp(server.mcpPort(), request.replace("HOST", "localhost:" + server.mcpPort()));
    assertTrue(served.startsWith("HTTP/1.1 200"), "the same request under this machine's name: " + served);
    for (String host : List.of("evil.example", "evil.example:" + server.mcpPort(), "localhost.evil.example:" + server.mcpPort(),
        "10.0.0.1:" + server.mcpPort())) {
      String refused = rawHttp(server.mcpPort(), request.replace("HOST", host));
      assertTrue(refused.startsWith("HTTP/1.1 421"), host + ": " + refused);
      assertFalse(refused.contains("evil.example"), "the Host is not reflected: " + refused);
    }
  }

  @Test
  @DisplayName("AS-SEC-03: the JWKS publishes public RSA parameters only, use sig, unique kids, and the kid tokens are signed with")
  void jwks() {
    HttpResponse<String> response = Http.get(server.issuer() + "/jwks");
    assertEquals(200, response.statusCode(), response.body());
    List<?> keys = (List<?>) OAuthDriver.json(response.body()).get("keys");
    assertFalse(keys.isEmpty(), "at least one key");
    Set<Object> kids = new HashSet<>();
    for (Object item : keys) {
      Map<?, ?> key = (Map<?, ?>) item;
      assertEquals("sig", key.get("use"), "use: " + key);
      assertEquals("RSA", key.get("kty"), "kty: " + key);
      assertNotNull(key.get("n"));
      assertNotNull(key.get("e"));
      for (String privateMember : List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k")) {
        assertFalse(key.containsKey(privateMember), "private member " + privateMember + " published: " + key);
      }
      assertTrue(kids.add(key.get("kid")), "duplicate kid " + key.get("kid"));
    }
    OAuthDriver driver = browser();
    String token = (String) tokens(driver, publicClient(driver)).get("access_token");
    String headerJson = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(kids.contains(OAuthDriver.json(headerJson).get("kid")), "the token's kid is published: " + headerJson);
    // key rotation (old key kept until its tokens expire): TokenLifecycleAttackTest
  }

  // ---------------------------------------------------------------- AS-SEC-04..06: client and redirect URI

  @Test
  @DisplayName("AS-SEC-04: an unknown or missing client_id gets an error page, never a redirect")
  void unknownClient() {
    OAuthDriver driver = browser();
    Map<String, String> request = new LinkedHashMap<>();
    request.put("response_type", "code");
    request.put("client_id", "no-such-client");
    request.put("redirect_uri", "https://attacker.example/cb");
    request.put("code_challenge", OAuthDriver.pkce().challenge());
    request.put("code_challenge_method", "S256");
    request.put("state", "s1");
    assertErrorPage(driver.authorize(request), 400);
    assertErrorPage(driver.authorize(with(request, "client_id", null)), 400);
    // an unknown client with a broken request too: the client is checked before anything that could redirect
    assertErrorPage(driver.authorize(with(request, "response_type", "token")), 400);
  }

  static Stream<Arguments> redirectVectors() {
    // representative vectors of redirect-uri-vectors.json (the full set runs as unit tests of RedirectUris)
    return Stream.of(
        Arguments.of("R01", "https://app.example.com/cb", "https://app.example.com/cb", true),
        Arguments.of("R02", "https://app.example.com/cb", "https://app.example.com/cb/", false),
        Arguments.of("R03", "https://app.example.com/cb", "https://APP.example.com/cb", false),
        Arguments.of("R04", "https://app.example.com/cb", "https://app.example.com:443/cb", false),
        Arguments.of("R05", "https://app.example.com/cb", "https://app.example.com/cb?x=1", false),
        Arguments.of("R06", "https://app.example.com/cb?x=1", "https://app.example.com/cb?x=2", false),
        Arguments.of("R07", "https://app.example.com/cb?x=1", "https://app.example.com/cb?x=1", true),
        Arguments.of("R08", "https://app.example.com/cb", "https://app.example.com/cb#f", false),
        Arguments.of("R09", "https://app.example.com/cb", "https://app.example.com/x/../cb", false),
        Arguments.of("R10", "https://app.example.com/cb", "https://app.example.com/%63b", false),
        Arguments.of("R11", "https://app.example.com/cb", "https://app.example.com.evil.com/cb", false),
        Arguments.of("R12", "https://app.example.com/cb", "https://app.example.com@evil.com/cb", false),
        Arguments.of("R14", "http://127.0.0.1/cb", "http://127.0.0.1:53123/cb", true),
        Arguments.of("R15", "http://127.0.0.1/cb", "http://127.0.0.1:53123/other", false),
        Arguments.of("R18", "http://127.0.0.1/cb", "http://127.0.0.1.evil.com:80/cb", false),
        Arguments.of("R19", "https://app.example.com/cb", "http://app.example.com/cb", false),
        Arguments.of("R20", "https://app.example.com/cb", "https://app.example.com:8443/cb", false),
        Arguments.of("R21", "https://app.example.com/cb", "", true));
  }

  @ParameterizedTest(name = "{0}: registered {1}, requested ''{2}'' -> match={3}")
  @MethodSource("redirectVectors")
  @DisplayName("AS-SEC-05: a redirect_uri that is not the registered one gets an error page and no redirect; a loopback port may vary")
  void redirectUriVectors(String id, String registered, String requested, boolean match) {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = vectorClients.computeIfAbsent(registered, uri -> {
      Map<String, Object> json = register(driver, "{\"client_name\":\"vector client\",\"redirect_uris\":["
          + jsonString(uri) + "],\"token_endpoint_auth_method\":\"none\"}");
      return new OAuthDriver.Client((String) json.get("client_id"), null, uri);
    });
    Map<String, String> request = request(driver, client);
    request = with(request, "redirect_uri", requested.isEmpty() ? null : requested);
    HttpResponse<String> response = driver.authorize(request);
    if (match) {
      assertLoginPage(response);
    } else {
      assertErrorPage(response, 400);
      assertFalse(response.body().contains("name=\"password\""), id + ": no login form");
    }
  }

  @Test
  @DisplayName("AS-SEC-06: redirect_uri omitted while several are registered gets an invalid_request error page, no redirect")
  void redirectUriOmittedWithSeveral() {
    OAuthDriver driver = browser();
    Map<String, Object> json = register(driver, "{\"client_name\":\"two redirects\",\"redirect_uris\":"
        + "[\"http://127.0.0.1:41000/a\",\"http://127.0.0.1:41000/b\"],\"token_endpoint_auth_method\":\"none\"}");
    OAuthDriver.Client client = new OAuthDriver.Client((String) json.get("client_id"), null, "http://127.0.0.1:41000/a");
    HttpResponse<String> response = driver.authorize(with(request(driver, client), "redirect_uri", null));
    assertErrorPage(response, 400);
    assertTrue(response.body().contains("redirect_uri"), "the page says what is missing: " + response.body());
    // either one named explicitly is fine
    assertLoginPage(driver.authorize(request(driver, client)));
  }

  // ---------------------------------------------------------------- AS-SEC-07..12: the request itself

  @Test
  @DisplayName("AS-SEC-07: a bad scope or response_type after the redirect is validated goes back with error, state and iss, and no code")
  void errorsAfterValidationRedirect() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    assertErrorRedirect(driver.authorize(with(request, "scope", "no-such-scope")), client.redirectUri(), "invalid_scope",
        request.get("state"));
    assertErrorRedirect(driver.authorize(with(request, "response_type", "token")), client.redirectUri(),
        "unsupported_response_type", request.get("state"));
    // without state, no state comes back
    assertErrorRedirect(driver.authorize(with(with(request, "scope", "nope"), "state", null)), client.redirectUri(),
        "invalid_scope", null);
  }

  @ParameterizedTest(name = "response_type={0} -> {1}")
  @CsvSource({
      "token, unsupported_response_type",
      "id_token, unsupported_response_type",
      "'code id_token', unsupported_response_type",
      "'code token', unsupported_response_type",
      "none, unsupported_response_type",
      "(missing), invalid_request"})
  @DisplayName("AS-SEC-08: response_type token, id_token or missing is refused (unsupported_response_type / invalid_request)")
  void responseTypes(String responseType, String error) {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    assertErrorRedirect(driver.authorize(with(request, "response_type", responseType.equals("(missing)") ? null : responseType)),
        client.redirectUri(), error, request.get("state"));
  }

  @Test
  @DisplayName("AS-SEC-09: a request without code_challenge is refused with invalid_request (PKCE required)")
  void pkceRequired() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    assertErrorRedirect(driver.authorize(with(with(request, "code_challenge", null), "code_challenge_method", null)),
        client.redirectUri(), "invalid_request", request.get("state"));
    assertErrorRedirect(driver.authorize(with(request, "code_challenge", null)), client.redirectUri(), "invalid_request",
        request.get("state"));
  }

  @Test
  @DisplayName("AS-SEC-10: code_challenge_method plain, or absent (which would default to plain), is refused with invalid_request")
  void plainPkceRefused() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    Map<String, String> request = driver.authorizationRequest(client, pkce, resource(), null);
    assertErrorRedirect(driver.authorize(with(with(request, "code_challenge_method", "plain"), "code_challenge", pkce.verifier())),
        client.redirectUri(), "invalid_request", request.get("state"));
    assertErrorRedirect(driver.authorize(with(request, "code_challenge_method", "plain")), client.redirectUri(),
        "invalid_request", request.get("state"));
    assertErrorRedirect(driver.authorize(with(request, "code_challenge_method", null)), client.redirectUri(),
        "invalid_request", request.get("state"));
    assertErrorRedirect(driver.authorize(with(request, "code_challenge_method", "s256")), client.redirectUri(),
        "invalid_request", request.get("state"));
  }

  @ParameterizedTest(name = "code_challenge ''{0}''")
  @ValueSource(strings = {
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c",            // 42
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cMx",          // 44
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=",           // padding
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM",           // base64, not base64url
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw/cM",
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw.cM",           // a verifier character, not a challenge one
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw cM"})
  @DisplayName("AS-SEC-11: a code_challenge that is not 43 base64url characters is refused with invalid_request")
  void challengeShape(String challenge) {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    assertErrorRedirect(driver.authorize(with(request, "code_challenge", challenge)), client.redirectUri(),
        "invalid_request", request.get("state"));
  }

  @Test
  @DisplayName("AS-SEC-12: a duplicated redirect_uri, client_id, state or code_challenge is refused (invalid_request)")
  void duplicatedParameters() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    String query = OAuthDriver.encode(request);
    // before the redirect URI is known: an error page, no redirect to either value
    assertErrorPage(driver.authorizeRaw(query + "&redirect_uri=" + enc("https://attacker.example/cb")), 400);
    assertErrorPage(driver.authorizeRaw(query + "&redirect_uri=" + enc(client.redirectUri())), 400);
    assertErrorPage(driver.authorizeRaw(query + "&client_id=" + enc(client.id())), 400);
    // after it: back to the client; a repeated state is not echoed (which one would it be?)
    assertErrorRedirect(driver.authorizeRaw(query + "&state=other"), client.redirectUri(), "invalid_request", null);
    assertErrorRedirect(driver.authorizeRaw(query + "&code_challenge=" + OAuthDriver.pkce().challenge()),
        client.redirectUri(), "invalid_request", request.get("state"));
    assertErrorRedirect(driver.authorizeRaw(query + "&code_challenge_method=S256"), client.redirectUri(),
        "invalid_request", request.get("state"));
  }

  // ---------------------------------------------------------------- AS-SEC-13..16

  @Test
  @DisplayName("AS-SEC-13: unknown extra parameters are ignored and the flow succeeds to a working token")
  void unknownParametersIgnored() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    Map<String, String> request = driver.authorizationRequest(client, pkce, resource(), null);
    request.put("x_unknown_parameter", "1");
    request.put("foo", "bar<script>");
    request.put("claims", "{\"id_token\":{}}");
    Map<String, String> redirect = driver.approve(request, USER, server.password());
    assertEquals(request.get("state"), redirect.get("state"));
    assertNotNull(redirect.get("code"), redirect.toString());
    secret(redirect.get("code"));
    Map<String, Object> tokens = ok(driver.redeem(client, redirect.get("code"), pkce, resource()));
    assertAccepted((String) tokens.get("access_token"), "issued after a request with unknown parameters");
  }

  @Test
  @DisplayName("AS-SEC-14: a 2 KB state comes back byte-exact; a 100 KB query gets 400/414 and no redirect")
  void longStateAndQuery() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    StringBuilder state = new StringBuilder();
    String alphabet = "AZaz09-._~!$&'()*+,;=:@/?% \"<>#[]^`{|}\u00e9\u20ac\ud83d\ude00";
    for (int i = 0; state.length() < 2048; i++) {
      state.append(alphabet.charAt(i % alphabet.length()));
      if (Character.isHighSurrogate(state.charAt(state.length() - 1))) {
        state.append(alphabet.charAt(++i % alphabet.length()));
      }
    }
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    Map<String, String> request = with(driver.authorizationRequest(client, pkce, resource(), null), "state", state.toString());
    // on an error redirect
    assertErrorRedirect(driver.authorize(with(request, "scope", "no-such-scope")), client.redirectUri(), "invalid_scope",
        state.toString());
    // and with the code
    Map<String, String> redirect = driver.approve(request, USER, server.password());
    secret(redirect.get("code"));
    assertEquals(state.toString(), redirect.get("state"), "state echoed byte-exact");
    assertNotNull(redirect.get("code"));

    String huge = OAuthDriver.encode(request) + "&padding=" + "A".repeat(100 * 1024);
    HttpResponse<String> response = driver.authorizeRaw(huge);
    assertTrue(response.statusCode() == 414 || response.statusCode() == 400,
        "a 100 KB query gets 400 or 414, not " + response.statusCode());
    assertNull(header(response, "Location"), "no redirect for an oversized request");
  }

  @Test
  @DisplayName("AS-SEC-15: a relative, fragment-carrying or foreign resource is invalid_target; the token request cannot widen it; aud = resource")
  void resourceIndicators() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    for (String resource : List.of("/mcp", "mcp", "http://localhost:" + server.mcpPort() + "/#fragment",
        "https://attacker.example/", "http://attacker.example:" + server.mcpPort() + "/", "urn:example:resource")) {
      assertErrorRedirect(driver.authorize(with(request, "resource", resource)), client.redirectUri(), "invalid_target",
          request.get("state"));
    }

    // a code for this resource cannot buy a token for another one (another loopback origin here)
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    String code = code(driver, client, pkce);
    String other = "http://127.0.0.1:" + server.mcpPort() + "/";
    assertTokenError(driver.redeem(client, code, pkce, other), 400, "invalid_target");
    assertTokenError(driver.redeem(client, code, pkce, "https://attacker.example/"), 400, "invalid_target");

    // the refused attempts did not burn the code; the token is for exactly the requested resource
    Map<String, Object> tokens = ok(driver.redeem(client, code, pkce, resource()));
    String accessToken = (String) tokens.get("access_token");
    assertEquals(resource(), claims(accessToken).get("aud"));
    assertAccepted(accessToken, "aud is the origin the client uses");
    assertEquals(401, Http.post(server.mcpUrl("127.0.0.1"), Http.INITIALIZE, "Authorization", "Bearer " + accessToken)
        .statusCode(), "the same server under another origin is another resource");

    // a refresh cannot widen it either
    assertTokenError(driver.token(Map.of("grant_type", "refresh_token", "refresh_token", (String) tokens.get("refresh_token"),
        "client_id", client.id(), "resource", other)), 400, "invalid_target");
  }

  @Test
  @DisplayName("AS-SEC-16: an unknown scope, or one the client did not register, is invalid_scope (never silently granted)")
  void scopes() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    for (String scope : List.of("admin", "mcp:tools admin", "MCP:TOOLS", "openid")) {
      assertErrorRedirect(driver.authorize(with(request, "scope", scope)), client.redirectUri(), "invalid_scope",
          request.get("state"));
    }
    // a client registered for mcp:tools only cannot ask for offline_access
    Map<String, Object> json = register(driver, "{\"client_name\":\"narrow\",\"redirect_uris\":[\"http://127.0.0.1:41001/cb\"],"
        + "\"token_endpoint_auth_method\":\"none\",\"scope\":\"mcp:tools\"}");
    assertEquals("mcp:tools", json.get("scope"));
    OAuthDriver.Client narrow = new OAuthDriver.Client((String) json.get("client_id"), null, "http://127.0.0.1:41001/cb");
    Map<String, String> narrowRequest = request(driver, narrow);
    assertErrorRedirect(driver.authorize(with(narrowRequest, "scope", "offline_access")), narrow.redirectUri(),
        "invalid_scope", narrowRequest.get("state"));
    assertErrorRedirect(driver.authorize(with(narrowRequest, "scope", "mcp:tools offline_access")), narrow.redirectUri(),
        "invalid_scope", narrowRequest.get("state"));
    // what is granted is what the token says
    OAuthDriver.Pkce pkce = OAuthDriver.pkce();
    Map<String, String> redirect = driver.approve(driver.authorizationRequest(client, pkce, resource(), "mcp:tools"),
        USER, server.password());
    secret(redirect.get("code"));
    Map<String, Object> tokens = ok(driver.redeem(client, redirect.get("code"), pkce, resource()));
    assertEquals("mcp:tools", tokens.get("scope"));
    assertEquals("mcp:tools", claims((String) tokens.get("access_token")).get("scope"));
  }

  // ---------------------------------------------------------------- AS-SEC-24 (authorize side)

  @Test
  @DisplayName("AS-SEC-24: authorization responses (pages and redirects) carry Cache-Control no-store and Referrer-Policy no-referrer")
  void authorizeResponsesAreNotStored() {
    OAuthDriver driver = browser();
    OAuthDriver.Client client = publicClient(driver);
    Map<String, String> request = request(driver, client);
    HttpResponse<String> login = driver.authorize(request);
    assertLoginPage(login); // checks both headers
    HttpResponse<String> consent = driver.follow(driver.login(login, USER, server.password()));
    assertPageHeaders(consent);
    HttpResponse<String> redirect = driver.decide(consent, "approve");
    assertEquals(303, redirect.statusCode());
    assertCacheControlNoStore(redirect);
    assertEquals("no-referrer", header(redirect, "Referrer-Policy"));
    secret(OAuthDriver.query(header(redirect, "Location")).get("code"));
    assertErrorPage(driver.authorize(with(request, "client_id", "unknown")), 400);
    assertErrorRedirect(driver.authorize(with(request, "scope", "nope")), client.redirectUri(), "invalid_scope",
        request.get("state"));
  }

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }
}
