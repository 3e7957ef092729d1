package io.mcpauth.tests.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * A small authorization server for tests: RFC 8414 metadata and a JWKS on 127.0.0.1, counting
 * every request, able to fail on demand, and minting tokens with its keys.
 */
public final class TestIdentityProvider implements AutoCloseable {

  private final HttpServer server;
  private final String issuer;
  private final Map<String, PublicJsonWebKey> keys = new ConcurrentHashMap<>();
  private final List<String> published = new CopyOnWriteArrayList<>();
  private final List<String> minted = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger metadataRequests = new AtomicInteger();
  private volatile int jwksStatus = 200;
  private volatile long jwksDelayMillis;

  private TestIdentityProvider() throws IOException, JoseException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/.well-known/oauth-authorization-server", this::metadata);
    server.createContext("/jwks", this::jwks);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "test-idp");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
    addKey(rsaKey("rsa-1"), true);
    addKey(ecKey("ec-1"), true);
    addKey(edKey("ed-1"), true);
  }

  public static TestIdentityProvider start() {
    try {
      return new TestIdentityProvider();
    } catch (IOException | JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public String jwksUri() {
    return issuer + "/jwks";
  }

  public int jwksRequests() {
    return jwksRequests.get();
  }

  public int metadataRequests() {
    return metadataRequests.get();
  }

  /** Makes the JWKS endpoint answer with this status (e.g. 500 for an outage). */
  public void jwksStatus(int status) {
    jwksStatus = status;
  }

  /** Makes every JWKS answer wait this long first (a slow identity provider). */
  public void jwksDelay(Duration delay) {
    jwksDelayMillis = delay.toMillis();
  }

  /** A signing key; published in the JWKS when {@code publish} is true. */
  public void addKey(PublicJsonWebKey key, boolean publish) {
    keys.put(key.getKeyId(), key);
    if (publish) {
      published.add(key.getKeyId());
    }
  }

  public void publish(String kid) {
    published.add(kid);
  }

  public void unpublish(String kid) {
    published.remove(kid);
  }

  PublicJsonWebKey key(String kid) {
    PublicJsonWebKey key = keys.get(kid);
    if (key == null) {
      throw new IllegalArgumentException("no key " + kid);
    }
    return key;
  }

  /** The public JWK of a key as JSON, as the JWKS publishes it. */
  public String publicJwkJson(String kid) {
    return key(kid).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  /** A builder for a token from this issuer, valid for {@code audience} by default. */
  public TokenBuilder token(String audience) {
    return new TokenBuilder(this, issuer, audience);
  }

  void minted(String token) {
    minted.add(token);
  }

  /** Every token this provider minted, so tests can check none of them reached a log. */
  public List<String> mintedTokens() {
    return new ArrayList<>(minted);
  }

  public static PublicJsonWebKey rsaKey(String kid) throws JoseException {
    PublicJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
    key.setKeyId(kid);
    key.setAlgorithm("RS256");
    key.setUse("sig");
    return key;
  }

  public static PublicJsonWebKey ecKey(String kid) throws JoseException {
    PublicJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    key.setKeyId(kid);
    key.setAlgorithm("ES256");
    key.setUse("sig");
    return key;
  }

  public static PublicJsonWebKey edKey(String kid) throws JoseException {
    PublicJsonWebKey key = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
    key.setKeyId(kid);
    key.setAlgorithm("EdDSA");
    key.setUse("sig");
    return key;
  }

  private void metadata(HttpExchange exchange) throws IOException {
    metadataRequests.incrementAndGet();
    String json = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri() + "\","
        + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\","
        + "\"response_types_supported\":[\"code\"],\"code_challenge_methods_supported\":[\"S256\"]}";
    send(exchange, 200, json);
  }

  private void jwks(HttpExchange exchange) throws IOException {
    jwksRequests.incrementAndGet();
    try {
      Thread.sleep(jwksDelayMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (jwksStatus != 200) {
      send(exchange, jwksStatus, "{\"error\":\"down\"}");
      return;
    }
    List<JsonWebKey> publicKeys = new ArrayList<>();
    for (String kid : published) {
      publicKeys.add(keys.get(kid));
    }
    send(exchange, 200, new JsonWebKeySet(publicKeys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
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
