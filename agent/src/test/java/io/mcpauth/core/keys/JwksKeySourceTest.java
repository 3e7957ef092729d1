package io.mcpauth.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.mcpauth.core.logging.CapturedLog;
import io.mcpauth.core.token.KeySet;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the key source fetches, on a clock the test moves: fetches run on the calling thread, against
 * a real HTTP server that counts them.
 */
class JwksKeySourceTest {

  private static final long SECOND = 1_000_000_000L;

  private HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile int status = 200;
  private volatile String jwks;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);

  @BeforeEach
  void start() throws Exception {
    jwks = "{\"keys\":[" + signingKey("sig-1") + "]}";
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks", exchange -> {
      fetches.incrementAndGet();
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theRefreshIsDueAtItsIntervalEvenWhenTheUnknownKidWindowIsLonger() {
    JwksKeySource source = source(Duration.ofSeconds(10), Duration.ofSeconds(60));
    source.prefetch();
    assertEquals(1, fetches.get());

    now.addAndGet(11 * SECOND);
    source.current();
    assertEquals(2, fetches.get(), "a refresh 11 s after the last load, with a 10 s interval");
    now.addAndGet(11 * SECOND);
    source.currentWithoutWaiting();
    assertEquals(3, fetches.get());
  }

  @Test
  void anUnknownKidFetchesAtMostOncePerWindow() {
    JwksKeySource source = source(Duration.ofMinutes(5), Duration.ofSeconds(30));
    source.prefetch();
    now.addAndGet(SECOND);
    source.refreshForUnknownKid();
    source.refreshForUnknownKidWithoutWaiting();
    assertEquals(1, fetches.get(), "within 30 s of the last fetch");

    now.addAndGet(30 * SECOND);
    source.refreshForUnknownKid();
    source.refreshForUnknownKid();
    assertEquals(2, fetches.get());
  }

  @Test
  void aFailedRefreshKeepsTheKeysAndIsRetriedOncePerWindow() {
    JwksKeySource source = source(Duration.ofMinutes(5), Duration.ofSeconds(30));
    source.prefetch();
    KeySet first = source.current();
    assertNotNull(first);
    status = 500;

    now.addAndGet(5 * 60 * SECOND + SECOND);
    assertSame(first, source.current(), "the failed refresh keeps the last known keys");
    assertEquals(2, fetches.get());
    now.addAndGet(10 * SECOND);
    source.current();
    assertEquals(2, fetches.get(), "10 s after the failure");
    now.addAndGet(21 * SECOND);
    source.current();
    assertEquals(3, fetches.get(), "31 s after the failure");
  }

  @Test
  void encryptionKeysAreReportedOnceAtInfoAndUnfitKeysOncePerChangeAtWarn() throws Exception {
    JwksKeySource source = source(Duration.ofSeconds(10), Duration.ofSeconds(30));
    jwks = "{\"keys\":[" + signingKey("sig-1") + "," + encryptionKey() + "," + shortKey() + "]}";
    try (CapturedLog log = new CapturedLog()) {
      source.prefetch();
      for (int i = 0; i < 3; i++) {
        now.addAndGet(11 * SECOND);
        source.current();
      }
      assertEquals(4, fetches.get());
      assertEquals(1, count(log, "INFO ", "1 encryption key(s) (use enc)"), log.text());
      assertEquals(0, count(log, "WARN ", "encryption"), log.text());
      assertEquals(1, count(log, "WARN ", "left out 1 key(s): [RSA key shorter than 2048 bits]"), log.text());

      jwks = "{\"keys\":[" + signingKey("sig-1") + "," + encryptionKey() + "]}";
      now.addAndGet(11 * SECOND);
      source.current();
      jwks = "{\"keys\":[" + signingKey("sig-1") + "," + encryptionKey() + "," + shortKey() + "]}";
      now.addAndGet(11 * SECOND);
      source.current();
      assertEquals(2, count(log, "WARN ", "left out 1 key(s)"), "the unfit key came back: " + log.text());
      assertEquals(1, count(log, "INFO ", "encryption key(s)"), log.text());
    }
  }

  @Test
  void eachFetchIsOneKeysFetchEventAndAKidThatLeftTheSetIsRemembered() throws Exception {
    java.util.List<io.mcpauth.core.audit.AuditEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    JwksKeySource source = new JwksKeySource(URI.create("https://issuer.test"), uri,
        new HttpFetcher(Duration.ofSeconds(5), 1 << 20), Runnable::run, now::get, Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(5), new io.mcpauth.core.audit.AuditEvents(java.util.List.of(events::add)));
    source.prefetch();
    jwks = "{\"keys\":[" + signingKey("sig-2") + "]}";
    now.addAndGet(11 * SECOND);
    source.current();
    KeySet rotated = source.current();
    status = 500;
    now.addAndGet(11 * SECOND);
    source.current();
    assertEquals(3, events.size());
    assertEquals("keys.fetch", events.get(0).action().action());
    assertTrue(events.get(0).success() && events.get(1).success());
    assertEquals("https://issuer.test", events.get(0).issuer());
    assertFalse(events.get(2).success());
    assertEquals(JwksKeySource.KEYS_FETCH_FAILED, events.get(2).reason());
    assertTrue(rotated.after(null) == rotated);
    assertEquals(1, rotated.size());
    // sig-1 left the set: a token naming it is key_retired (TokenVerifier), not key_unknown
    assertTrue(rotated.retired("sig-1"));
    assertFalse(rotated.retired("never-seen"));
    assertFalse(rotated.retired("sig-2"), "a key in the set is not retired");
  }

  private JwksKeySource source(Duration refresh, Duration minRefetch) {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    return new JwksKeySource(URI.create("https://issuer.test"), uri, new HttpFetcher(Duration.ofSeconds(5), 1 << 20),
        Runnable::run, now::get, refresh, minRefetch, Duration.ofSeconds(5));
  }

  private static long count(CapturedLog log, String level, String text) {
    return log.lines().stream().filter(line -> line.startsWith(level) && line.contains(text)).count();
  }

  private static String signingKey(String kid) throws Exception {
    return rsa(kid, "sig", 2048, "RS256");
  }

  private static String encryptionKey() throws Exception {
    return rsa("enc-1", "enc", 2048, "RSA-OAEP");
  }

  private static String shortKey() throws Exception {
    return rsa("short-1", "sig", 1024, "RS256");
  }

  private static String rsa(String kid, String use, int bits, String alg) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
    return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"use\":\"" + use + "\",\"alg\":\"" + alg + "\",\"n\":\""
        + base64url(key.getModulus()) + "\",\"e\":\"" + base64url(key.getPublicExponent()) + "\"}";
  }

  private static String base64url(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
