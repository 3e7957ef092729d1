package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.token.TestTokens;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded authorization server, in process, signing users in at a loopback OpenID Provider
 * whose answers each test bends: the whole browser flow (authorize, upstream redirect, callback,
 * our consent, our code, our tokens), then refreshes that ask the provider again.
 */
class UpstreamSignInFlowTest {

  static final String RESOURCE = "http://localhost:1/mcp";
  static final String REDIRECT = "http://127.0.0.1:1/cb";
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk0123";

  @TempDir
  Path dir;

  FakeOpenIdProvider upstream;
  AuthServer server;
  Redirect lastToProvider;
  String issuer;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void start() throws Exception {
    upstream = new FakeOpenIdProvider();
    server = start(upstream.issuer, "mcpauth.as.upstream.scopes-from.admins", "mcp:admin");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    upstream.close();
  }

  AuthServer start(String upstreamIssuer, String... more) throws Exception {
    Properties p = new Properties();
    p.setProperty("mcpauth.resource", RESOURCE);
    p.setProperty("mcpauth.as.port", "0");
    p.setProperty("mcpauth.as.data", dir.resolve("data-" + System.nanoTime()).toString());
    p.setProperty("mcpauth.as.scopes", "mcp:tools mcp:admin offline_access");
    p.setProperty("mcpauth.as.upstream.issuer", upstreamIssuer);
    p.setProperty("mcpauth.as.upstream.client-id", FakeOpenIdProvider.CLIENT_ID);
    p.setProperty("mcpauth.as.upstream.client-secret", FakeOpenIdProvider.CLIENT_SECRET);
    p.setProperty("mcpauth.as.upstream.scopes", "openid email offline_access");
    for (int i = 0; i < more.length; i += 2) {
      p.setProperty(more[i], more[i + 1]);
    }
    AgentConfig config = ConfigParser.parse(ConfigSources.of(p, Map.of()));
    AuthServer started = AuthServer.start(config, Clock.systemUTC(), Runnable::run);
    issuer = started.issuer().toString();
    return started;
  }

  // ------------------------------------------------------------------ the flow, step by step

  record Redirect(String location, String cookie) {
    Map<String, String> query() {
      return parseQuery(URI.create(location).getRawQuery());
    }
  }

  String registerPublicClient() throws Exception {
    String body = "{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\","
        + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"client_name\":\"Flow test\"}";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/register"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return (String) StrictJson.parseObject(response.body(), "registration").get("client_id");
  }

  /** GET /authorize: the redirect to the provider and our session cookie. */
  Redirect authorize(String clientId, String scope) throws Exception {
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(VERIFIER));
    HttpResponse<String> response = get(issuer + "/authorize?response_type=code&client_id=" + enc(clientId)
        + "&redirect_uri=" + enc(REDIRECT) + "&code_challenge=" + challenge + "&code_challenge_method=S256&scope="
        + enc(scope) + "&state=client-state&resource=" + enc(RESOURCE), null);
    assertEquals(303, response.statusCode(), response.body());
    return new Redirect(response.headers().firstValue("Location").orElseThrow(), cookie(response, null));
  }

  /** The provider's side: a code for the nonce our redirect carried. */
  String providerIssuesCode(Redirect toProvider) {
    String code = "code-" + System.nanoTime();
    upstream.codes.put(code, toProvider.query().get("nonce"));
    return code;
  }

  HttpResponse<String> callback(String query, String cookie) throws Exception {
    return get(issuer + "/upstream/callback?" + query, cookie);
  }

  /** Callback, consent page, approval: our code at the client's redirect URI. */
  Map<String, String> signInAndApprove(String clientId, String scope) throws Exception {
    Redirect toProvider = authorize(clientId, scope);
    lastToProvider = toProvider;
    String code = providerIssuesCode(toProvider);
    HttpResponse<String> back = callback("code=" + code + "&state=" + toProvider.query().get("state") + "&iss="
        + enc(upstream.issuer), toProvider.cookie());
    assertEquals(303, back.statusCode(), back.body());
    String cookie = cookie(back, toProvider.cookie());
    HttpResponse<String> page = get(issuer + back.headers().firstValue("Location").orElseThrow(), cookie);
    assertEquals(200, page.statusCode(), page.body());
    HttpResponse<String> approved = post(issuer + "/consent", "transaction=" + enc(hidden(page.body(), "transaction"))
        + "&csrf=" + enc(hidden(page.body(), "csrf")) + "&decision=approve", cookie, null);
    assertEquals(303, approved.statusCode(), approved.body());
    return parseQuery(URI.create(approved.headers().firstValue("Location").orElseThrow()).getRawQuery());
  }

  Map<String, Object> redeem(String clientId, String code) throws Exception {
    HttpResponse<String> response = post(issuer + "/token", "grant_type=authorization_code&code=" + enc(code)
        + "&redirect_uri=" + enc(REDIRECT) + "&client_id=" + enc(clientId) + "&code_verifier=" + VERIFIER, null, null);
    assertEquals(200, response.statusCode(), response.body());
    return StrictJson.parseObject(response.body(), "token");
  }

  HttpResponse<String> refresh(String clientId, String refreshToken) throws Exception {
    return post(issuer + "/token", "grant_type=refresh_token&refresh_token=" + enc(refreshToken) + "&client_id="
        + enc(clientId), null, null);
  }

  // ------------------------------------------------------------------ tests

  @Test
  @DisplayName("sign-in upstream, our consent, our tokens: sub upstream:<sub>, nothing of the provider's reaches the client")
  void happyPath() throws Exception {
    String clientId = registerPublicClient();
    Redirect toProvider = authorize(clientId, "mcp:tools offline_access");
    Map<String, String> sent = toProvider.query();
    assertTrue(toProvider.location().startsWith(upstream.issuer + "/authorize?"));
    assertEquals(FakeOpenIdProvider.CLIENT_ID, sent.get("client_id"));
    assertEquals(issuer + "/upstream/callback", sent.get("redirect_uri"));
    assertEquals("S256", sent.get("code_challenge_method"));
    assertEquals("openid email offline_access", sent.get("scope"));
    assertNotNull(sent.get("nonce"));
    // Nothing of the MCP client's request goes upstream.
    assertFalse(toProvider.location().contains("client-state") || toProvider.location().contains(enc(RESOURCE)));

    Map<String, String> result = signInAndApprove(clientId, "mcp:tools offline_access");
    assertEquals("client-state", result.get("state"));
    Map<String, Object> tokens = redeem(clientId, result.get("code"));
    String json = tokens.toString();
    assertFalse(json.contains("upstream-refresh") || json.contains("upstream-access"), json);
    Map<String, Object> claims = payload((String) tokens.get("access_token"));
    assertEquals("upstream:248289761001", claims.get("sub"));
    assertEquals("mcp:tools offline_access", claims.get("scope"));
    assertNotNull(tokens.get("refresh_token"));

    Map<String, String> redemption = upstream.tokenRequests.get(upstream.tokenRequests.size() - 1);
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(redemption.get("code_verifier")));
    assertEquals(lastToProvider.query().get("code_challenge"), challenge, "our own PKCE verifier goes with the code");
    assertTrue(redemption.get("authorization").startsWith("Basic "));
    assertEquals(issuer + "/upstream/callback", redemption.get("redirect_uri"));
    String grants = Files.readString(dataDir().resolve("grants.json"));
    assertFalse(grants.contains("upstream-refresh"), "the upstream refresh token is stored sealed");
    assertTrue(grants.contains("upstream_refresh"));

    HttpResponse<String> refreshed = refresh(clientId, (String) tokens.get("refresh_token"));
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    assertEquals("refresh_token", upstream.tokenRequests.get(upstream.tokenRequests.size() - 1).get("grant_type"));
    assertEquals("upstream-refresh-1", upstream.tokenRequests.get(upstream.tokenRequests.size() - 1).get("refresh_token"));
  }

  @Test
  @DisplayName("deprovisioning: once the provider refuses the grant's refresh token, our next refresh is invalid_grant, for good")
  void deprovisioned() throws Exception {
    String clientId = registerPublicClient();
    Map<String, Object> tokens = redeem(clientId, signInAndApprove(clientId, "mcp:tools offline_access").get("code"));
    upstream.refreshStatus = 400;
    HttpResponse<String> refused = refresh(clientId, (String) tokens.get("refresh_token"));
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("invalid_grant"), refused.body());
    upstream.refreshStatus = 200;
    HttpResponse<String> again = refresh(clientId, (String) tokens.get("refresh_token"));
    assertTrue(again.body().contains("invalid_grant"), "the grant stays revoked: " + again.body());
  }

  @Test
  @DisplayName("a provider that cannot be asked fails the refresh (503) without revoking: it works once the provider answers")
  void providerDownAtRefresh() throws Exception {
    String clientId = registerPublicClient();
    Map<String, Object> tokens = redeem(clientId, signInAndApprove(clientId, "mcp:tools offline_access").get("code"));
    upstream.refreshStatus = 503;
    HttpResponse<String> down = refresh(clientId, (String) tokens.get("refresh_token"));
    assertEquals(503, down.statusCode(), down.body());
    assertFalse(down.body().contains("access_token"));
    upstream.refreshStatus = 200;
    assertEquals(200, refresh(clientId, (String) tokens.get("refresh_token")).statusCode());
  }

  @Test
  @DisplayName("groups map to scopes: mcp:admin only for the admins group, also after a refresh that drops it")
  void scopesFromGroups() throws Exception {
    String clientId = registerPublicClient();
    Map<String, Object> plain = redeem(clientId, signInAndApprove(clientId, "mcp:tools mcp:admin offline_access").get("code"));
    assertEquals("mcp:tools offline_access", plain.get("scope"));
    upstream.groups = List.of("admins");
    Map<String, Object> admin = redeem(clientId, signInAndApprove(clientId, "mcp:tools mcp:admin offline_access").get("code"));
    assertEquals("mcp:tools mcp:admin offline_access", admin.get("scope"));
    upstream.groups = List.of();
    HttpResponse<String> refreshed = refresh(clientId, (String) admin.get("refresh_token"));
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    assertEquals("mcp:tools offline_access", StrictJson.parseObject(refreshed.body(), "token").get("scope"));
  }

  @Test
  @DisplayName("state: unknown, replayed, or brought back by another browser is refused with an error page, nothing issued")
  void stateMismatch() throws Exception {
    String clientId = registerPublicClient();
    Redirect toProvider = authorize(clientId, "mcp:tools");
    String code = providerIssuesCode(toProvider);
    String iss = "&iss=" + enc(upstream.issuer);
    assertEquals(400, callback("code=" + code + "&state=not-the-state" + iss, toProvider.cookie()).statusCode());
    Redirect other = authorize(clientId, "mcp:tools");
    HttpResponse<String> wrongBrowser = callback("code=" + code + "&state=" + toProvider.query().get("state") + iss,
        other.cookie());
    assertEquals(403, wrongBrowser.statusCode());
    // The state was used up by that attempt: the right browser cannot use it any more either.
    HttpResponse<String> replay = callback("code=" + code + "&state=" + toProvider.query().get("state") + iss,
        toProvider.cookie());
    assertEquals(400, replay.statusCode());
    assertFalse(replay.headers().firstValue("Location").isPresent());
  }

  @Test
  @DisplayName("ID token bent: wrong nonce, wrong aud, another issuer, expired, alg none: error page, no consent")
  void badIdTokens() throws Exception {
    String clientId = registerPublicClient();
    List<java.util.function.UnaryOperator<Map<String, Object>>> bends = List.of(
        c -> with(c, "nonce", "another-nonce"),
        c -> with(c, "aud", "another-client", "azp", "another-client"),
        c -> with(c, "iss", "http://127.0.0.1:1"),
        c -> with(c, "exp", System.currentTimeMillis() / 1000 - 120));
    for (var bend : bends) {
      upstream.shape = bend;
      Redirect toProvider = authorize(clientId, "mcp:tools");
      HttpResponse<String> back = callback("code=" + providerIssuesCode(toProvider) + "&state="
          + toProvider.query().get("state") + "&iss=" + enc(upstream.issuer), toProvider.cookie());
      assertEquals(403, back.statusCode(), back.body());
      assertTrue(back.body().contains("Sign-in refused"), back.body());
    }
  }

  @Test
  @DisplayName("RFC 9207: an answer naming another issuer, or none where the provider promises one, is refused")
  void issParameter() throws Exception {
    String clientId = registerPublicClient();
    Redirect toProvider = authorize(clientId, "mcp:tools");
    String state = "&state=" + toProvider.query().get("state");
    assertEquals(400, callback("code=" + providerIssuesCode(toProvider) + state + "&iss=" + enc("http://127.0.0.1:2"),
        toProvider.cookie()).statusCode());
    Redirect again = authorize(clientId, "mcp:tools");
    assertEquals(400, callback("code=" + providerIssuesCode(again) + "&state=" + again.query().get("state"),
        again.cookie()).statusCode());
  }

  @Test
  @DisplayName("an unreachable provider: /authorize shows an error page and redirects nowhere")
  void unreachable() throws Exception {
    server.stop();
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    server = start("http://127.0.0.1:" + closedPort);
    String clientId = registerPublicClient();
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(VERIFIER));
    HttpResponse<String> response = get(issuer + "/authorize?response_type=code&client_id=" + enc(clientId)
        + "&redirect_uri=" + enc(REDIRECT) + "&code_challenge=" + challenge + "&code_challenge_method=S256&scope=mcp:tools",
        null);
    assertEquals(502, response.statusCode());
    assertFalse(response.headers().firstValue("Location").isPresent());
  }

  @Test
  @DisplayName("with upstream sign-in the users-file login form is closed")
  void loginFormClosed() throws Exception {
    assertEquals(404, post(issuer + "/login", "transaction=x&csrf=y&username=a&password=b", null, null).statusCode());
  }

  // ------------------------------------------------------------------ plumbing

  Path dataDir() throws Exception {
    try (var list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().startsWith("data-")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }

  static Map<String, Object> with(Map<String, Object> map, Object... keyValues) {
    return TestTokens.with(map, keyValues);
  }

  static Map<String, Object> payload(String jwt) throws Exception {
    return StrictJson.parseObject(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), "claims");
  }

  HttpResponse<String> get(String url, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url, String form, String cookie, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String cookie(HttpResponse<?> response, String previous) {
    return response.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0]).reduce((a, b) -> b)
        .orElse(previous);
  }

  static String hidden(String html, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    assertTrue(m.find(), name + " in " + html);
    return m.group(1);
  }

  static Map<String, String> parseQuery(String query) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      String[] parts = pair.split("=", 2);
      values.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
          parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
    }
    return values;
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
