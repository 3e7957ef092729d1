package io.mcpauth.core.authserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.token.TestTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A loopback OpenID Provider for in-process tests: discovery, JWKS and a token endpoint whose ID
 * tokens the test shapes (a wrong nonce, audience, ...). Its authorization endpoint is never
 * visited: the test reads our redirect to it, registers a code for the nonce it carries, and calls
 * our callback itself. The forked tests use a real provider (node oidc-provider) instead.
 */
final class FakeOpenIdProvider implements AutoCloseable {

  static final String CLIENT_ID = "mcpauth-upstream";
  static final String CLIENT_SECRET = "upstream-s3cret";

  final TestTokens.Signer signer = TestTokens.Signer.rsa("idp-key", "RS256");
  final String issuer;
  final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  /** code -> nonce of the sign-in it was issued for. */
  final Map<String, String> codes = new ConcurrentHashMap<>();
  volatile UnaryOperator<Map<String, Object>> shape = UnaryOperator.identity();
  volatile int refreshStatus = 200;
  volatile boolean issParameter = true;
  volatile List<String> groups = List.of();
  private final AtomicInteger refreshTokens = new AtomicInteger();
  private final HttpServer server;

  FakeOpenIdProvider() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/.well-known/openid-configuration", exchange -> send(exchange, 200, discovery()));
    server.createContext("/jwks", exchange -> send(exchange, 200, TestTokens.jwks(signer.publicJwk())));
    server.createContext("/token", this::token);
    server.start();
  }

  private String discovery() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("issuer", issuer);
    metadata.put("authorization_endpoint", issuer + "/authorize");
    metadata.put("token_endpoint", issuer + "/token");
    metadata.put("jwks_uri", issuer + "/jwks");
    metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
    metadata.put("authorization_response_iss_parameter_supported", issParameter);
    return JsonWriter.write(metadata);
  }

  /** A valid ID token's claims for {@code nonce} (null: none, as after a refresh). */
  Map<String, Object> idTokenClaims(String nonce) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", "248289761001");
    claims.put("aud", CLIENT_ID);
    claims.put("azp", CLIENT_ID);
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("email", "jane@example.com");
    claims.put("email_verified", true);
    claims.put("groups", groups);
    if (nonce != null) {
      claims.put("nonce", nonce);
    }
    return claims;
  }

  String idToken(String nonce) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("kid", signer.kid);
    header.put("typ", "JWT");
    return signer.mint(header, shape.apply(idTokenClaims(nonce)));
  }

  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> form = new LinkedHashMap<>();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    for (String pair : body.split("&")) {
      String[] parts = pair.split("=", 2);
      form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
    }
    form.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    tokenRequests.add(form);
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("access_token", "upstream-access-" + refreshTokens.get());
    response.put("token_type", "Bearer");
    if ("authorization_code".equals(form.get("grant_type"))) {
      String nonce = codes.remove(form.get("code"));
      if (nonce == null) {
        send(exchange, 400, "{\"error\":\"invalid_grant\"}");
        return;
      }
      response.put("id_token", idToken(nonce));
    } else {
      if (refreshStatus != 200) {
        send(exchange, refreshStatus, "{\"error\":\"invalid_grant\"}");
        return;
      }
      response.put("id_token", idToken(null));
    }
    response.put("refresh_token", "upstream-refresh-" + refreshTokens.incrementAndGet());
    send(exchange, 200, JsonWriter.write(response));
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
