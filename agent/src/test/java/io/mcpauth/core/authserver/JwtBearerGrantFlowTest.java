package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.token.TestTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jwt-bearer grant with ID-JAGs at the embedded authorization server's {@code /token}, in
 * process, with a loopback IdP whose keys are found through its metadata. The assertions are
 * minted here with that IdP's keys.
 */
class JwtBearerGrantFlowTest {

  static final String RESOURCE = "http://localhost:1/mcp";
  static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  @TempDir
  Path dir;

  FakeOpenIdProvider idp;
  FakeOpenIdProvider untrusted;
  AuthServer server;
  String issuer;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    idp = new FakeOpenIdProvider();
    untrusted = new FakeOpenIdProvider();
    Properties p = new Properties();
    p.setProperty("mcpauth.resource", RESOURCE);
    p.setProperty("mcpauth.as.port", "0");
    p.setProperty("mcpauth.as.data", dir.resolve("data").toString());
    p.setProperty("mcpauth.as.scopes", "mcp:tools mcp:admin offline_access");
    p.setProperty("mcpauth.as.id-jag.issuers", idp.issuer);
    AgentConfig config = ConfigParser.parse(ConfigSources.of(p, Map.of()));
    server = AuthServer.start(config, Clock.systemUTC(), Runnable::run);
    issuer = server.issuer().toString();
  }

  @AfterEach
  void stop() {
    server.stop();
    idp.close();
    untrusted.close();
  }

  record Registered(String id, String secret) {
    String basic() {
      return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }
  }

  Registered register(String authMethod, List<String> grantTypes) throws Exception {
    String body = "{\"token_endpoint_auth_method\":\"" + authMethod + "\",\"grant_types\":"
        + io.mcpauth.core.json.JsonWriter.write(grantTypes) + ",\"redirect_uris\":[\"http://127.0.0.1:1/cb\"]}";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/register"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    Map<String, Object> json = StrictJson.parseObject(response.body(), "registration");
    return new Registered((String) json.get("client_id"), (String) json.get("client_secret"));
  }

  Registered confidential() throws Exception {
    return register("client_secret_basic", List.of("authorization_code", GRANT));
  }

  Map<String, Object> claims(String clientId) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", idp.issuer);
    claims.put("sub", "U019488227");
    claims.put("aud", issuer);
    claims.put("client_id", clientId);
    claims.put("jti", "jti-" + System.nanoTime());
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("resource", RESOURCE);
    claims.put("scope", "mcp:tools offline_access");
    return claims;
  }

  static String assertion(FakeOpenIdProvider from, Map<String, Object> claims) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("kid", from.signer.kid);
    header.put("typ", "oauth-id-jag+jwt");
    return from.signer.mint(header, claims);
  }

  HttpResponse<String> token(Registered client, String assertion, String... extra) throws Exception {
    StringBuilder form = new StringBuilder("grant_type=" + enc(GRANT) + "&assertion=" + enc(assertion));
    for (int i = 0; i < extra.length; i += 2) {
      form.append('&').append(extra[i]).append('=').append(enc(extra[i + 1]));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if (client.secret() != null) {
      request.header("Authorization", client.basic());
    } else {
      form.append("&client_id=").append(enc(client.id()));
    }
    return http.send(request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String error(HttpResponse<String> response) throws Exception {
    return (String) StrictJson.parseObject(response.body(), "error").get("error");
  }

  @Test
  @DisplayName("the metadata advertises the jwt-bearer grant and the id-jag profile, never the trusted IdPs")
  void metadata() throws Exception {
    String document = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/oauth-authorization-server")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Object> metadata = StrictJson.parseObject(document, "metadata");
    assertTrue(((List<?>) metadata.get("grant_types_supported")).contains(GRANT));
    assertEquals(List.of("urn:ietf:params:oauth:grant-profile:id-jag"), metadata.get("authorization_grant_profiles_supported"));
    assertFalse(document.contains(idp.issuer));
  }

  @Test
  @DisplayName("a valid ID-JAG: an access token for the resource, sub as is, scope narrowed, no refresh token; replay refused")
  void redeemed() throws Exception {
    Registered client = confidential();
    String assertion = assertion(idp, claims(client.id()));
    HttpResponse<String> response = token(client, assertion);
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Object> body = StrictJson.parseObject(response.body(), "token");
    assertFalse(body.containsKey("refresh_token"));
    assertEquals("mcp:tools", body.get("scope"));
    Map<String, Object> claims = StrictJson.parseObject(
        Base64.getUrlDecoder().decode(((String) body.get("access_token")).split("\\.")[1]), "claims");
    assertEquals("U019488227", claims.get("sub"));
    assertEquals(RESOURCE, claims.get("aud"));
    assertEquals(client.id(), claims.get("client_id"));
    assertEquals(idp.issuer, claims.get("assertion_iss"));

    HttpResponse<String> replay = token(client, assertion);
    assertEquals(400, replay.statusCode());
    assertEquals("invalid_grant", error(replay));
  }

  @Test
  @DisplayName("scope: the request narrows further, and what nothing allows is invalid_scope")
  void scope() throws Exception {
    Registered client = confidential();
    assertEquals("invalid_scope", error(token(client, assertion(idp, claims(client.id())), "scope", "mcp:admin")));
    Map<String, Object> noScope = claims(client.id());
    noScope.remove("scope");
    HttpResponse<String> response = token(client, assertion(idp, noScope), "scope", "mcp:admin");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("mcp:admin", StrictJson.parseObject(response.body(), "token").get("scope"));
  }

  @Test
  @DisplayName("invalid_grant: another client's assertion, wrong aud, an untrusted IdP, expired; not used up by a refusal")
  void invalidGrant() throws Exception {
    Registered client = confidential();
    Registered other = confidential();
    assertEquals("invalid_grant", error(token(client, assertion(idp, claims(other.id())))));
    assertEquals("invalid_grant", error(token(client, assertion(idp, TestTokens.with(claims(client.id()), "aud",
        issuer + "/token")))));
    assertEquals("invalid_grant", error(token(client, assertion(untrusted, TestTokens.with(claims(client.id()), "iss",
        untrusted.issuer)))));
    assertEquals("invalid_grant", error(token(client, assertion(untrusted, claims(client.id())))));
    long past = System.currentTimeMillis() / 1000 - 400;
    assertEquals("invalid_grant", error(token(client, assertion(idp, TestTokens.with(claims(client.id()), "iat", past,
        "exp", past + 300)))));
    Map<String, Object> wrongResource = TestTokens.with(claims(client.id()), "resource", "https://elsewhere.example.com/mcp");
    String bound = assertion(idp, wrongResource);
    assertEquals("invalid_target", error(token(client, bound)));
    String good = assertion(idp, claims(client.id()));
    assertEquals("invalid_target", error(token(client, good, "resource", "https://elsewhere.example.com/mcp")));
    assertEquals(200, token(client, good).statusCode(), "an assertion refused for its binding is not used up");
  }

  @Test
  @DisplayName("invalid_client: a wrong secret, or a public client; unauthorized_client: not registered for the grant")
  void clients() throws Exception {
    Registered client = confidential();
    HttpResponse<String> wrongSecret = token(new Registered(client.id(), "wrong"), assertion(idp, claims(client.id())));
    assertEquals(401, wrongSecret.statusCode());
    assertEquals("invalid_client", error(wrongSecret));
    Registered codeOnly = register("client_secret_basic", List.of("authorization_code"));
    assertEquals("unauthorized_client", error(token(codeOnly, assertion(idp, claims(codeOnly.id())))));
    Registered publicClient = register("none", List.of("authorization_code"));
    HttpResponse<String> publicRefused = token(new Registered(publicClient.id(), null),
        assertion(idp, claims(publicClient.id())));
    assertEquals(401, publicRefused.statusCode());
    assertEquals("invalid_client", error(publicRefused));
    HttpResponse<String> registration = http.send(HttpRequest.newBuilder(URI.create(issuer + "/register"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"" + GRANT + "\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, registration.statusCode(), "a public client cannot register for the grant");
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
