package io.mcpauth.core.doctor;

import static io.mcpauth.core.token.TestTokens.NOW;
import static io.mcpauth.core.token.TestTokens.claims;
import static io.mcpauth.core.token.TestTokens.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpauth.core.token.TestTokens;
import io.mcpauth.core.token.TestTokens.Signer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code doctor} in process, against a metadata and JWKS server on 127.0.0.1. */
class DoctorCommandTest {

  private static final String RESOURCE = "https://mcp.example.com/mcp";

  private final Signer rsa = TestTokens.rsa();
  private HttpServer server;
  private String issuer;

  @TempDir
  Path dir;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void startIdentityProvider() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/.well-known/oauth-authorization-server",
        exchange -> send(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}"));
    server.createContext("/jwks", exchange -> send(exchange, TestTokens.jwks(rsa.publicJwk())));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Result doctor(String token, String... settings) throws IOException {
    List<String> args = new ArrayList<>(List.of("mcpauth.issuer=" + issuer, "mcpauth.resource=" + RESOURCE));
    args.addAll(List.of(settings));
    if (token != null) {
      Path file = dir.resolve("token");
      Files.writeString(file, token + "\n");
      args.addAll(List.of("--token-file", file.toString()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = DoctorCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new Properties(), Map.of(), Clock.fixed(NOW, ZoneOffset.UTC));
    Result result = new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    if (token != null) {
      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertFalse((result.out + result.err).contains(signature), "the token appears in the output:\n" + result.out);
      assertFalse((result.out + result.err).contains(token.substring(0, token.indexOf('.'))),
          "a part of the token appears in the output:\n" + result.out);
    }
    return result;
  }

  private String token(Map<String, Object> header, Map<String, Object> claims) {
    return rsa.mint(header, with(claims, "iss", issuer, "aud", RESOURCE));
  }

  @Test
  void aGoodSetupAndTokenPassEveryCheck() throws IOException {
    Result result = doctor(token(rsa.header(), claims()));
    assertEquals(0, result.exit(), result.out() + result.err());
    assertTrue(result.out().contains("ok    metadata " + issuer + ": jwks_uri " + issuer + "/jwks"), result.out());
    assertTrue(result.out().contains("ok    jwks " + issuer + ": 1 signing key(s)"), result.out());
    assertTrue(result.out().contains("ok    token signature: valid"), result.out());
    assertTrue(result.out().endsWith("all checks passed\n"), result.out());
    assertFalse(result.out().contains("FAIL"), result.out());
  }

  @Test
  void withoutATokenChecksTheIssuerOnly() throws IOException {
    Result result = doctor(null);
    assertEquals(0, result.exit(), result.out());
    assertFalse(result.out().contains("token"), result.out());
  }

  @Test
  void typJwtNamesTheSettingAndKeycloaksOption() throws IOException {
    Result result = doctor(token(with(rsa.header(), "typ", "JWT"), claims()));
    assertEquals(1, result.exit(), result.out());
    assertTrue(result.out().contains("FAIL  token typ: typ_not_accepted: typ 'JWT' is not in mcpauth.token.types (at+jwt)"),
        result.out());
    assertTrue(result.out().contains("mcpauth.token.types=at+jwt,jwt"), result.out());
    assertTrue(result.out().contains("Use \"at+jwt\" as access token header type"), result.out());
    assertTrue(result.out().endsWith("1 check(s) failed\n"), result.out());
  }

  @Test
  void everyBrokenRuleIsReported() throws IOException {
    Map<String, Object> claims = with(claims(), "exp", NOW.getEpochSecond() - 600, "iat", NOW.getEpochSecond() - 900);
    String token = rsa.mint(with(rsa.header(), "typ", "JWT", "kid", "rotated-away"),
        with(claims, "iss", issuer + "/", "aud", "account"));
    Result result = doctor(token);
    assertEquals(1, result.exit(), result.out());
    for (String expected : List.of("FAIL  token typ:", "FAIL  token iss:", "FAIL  token kid:", "FAIL  token aud:",
        "FAIL  token time:", "skip  token signature:", "Audience mapper", "audience parameter", "Entra ID",
        "mcpauth.issuer=" + issuer + "/", "trailing slash", "exp " + java.time.Instant.ofEpochSecond(NOW.getEpochSecond() - 600),
        "600s ago", "mcpauth.clock-skew", "'rotated-away'", "the JWKS has kid(s) rsa-1")) {
      assertTrue(result.out().contains(expected), "expected '" + expected + "' in:\n" + result.out());
    }
    assertTrue(result.out().endsWith("5 check(s) failed\n"), result.out());
  }

  @Test
  void anIatAheadOfTheClockIsClockSkew() throws IOException {
    Result result = doctor(token(rsa.header(), with(claims(), "iat", NOW.getEpochSecond() + 120)));
    assertEquals(1, result.exit(), result.out());
    assertTrue(result.out().contains("iat " + java.time.Instant.ofEpochSecond(NOW.getEpochSecond() + 120)
        + " is 120s ahead of this machine's clock"), result.out());
    assertTrue(result.out().contains("synchronise both clocks (NTP), or raise mcpauth.clock-skew"), result.out());
  }

  @Test
  void anAlgorithmOutsideTheListNamesTheSetting() throws IOException {
    Result result = doctor(token(rsa.header(), claims()), "mcpauth.algorithms=ES256");
    assertEquals(1, result.exit(), result.out());
    assertTrue(result.out().contains("FAIL  token alg: algorithm_refused: alg 'RS256' is not allowed"), result.out());
    assertTrue(result.out().contains("add RS256 to mcpauth.algorithms"), result.out());
    assertTrue(result.out().contains("ok    token signature: valid"), result.out());
  }

  @Test
  void anUnreachableJwksFails() throws IOException {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Result result = doctor(token(rsa.header(), claims()), "mcpauth.jwks.uri=http://127.0.0.1:" + closed + "/jwks",
        "mcpauth.http.timeout=2s");
    assertEquals(1, result.exit(), result.out());
    assertTrue(result.out().contains("skip  metadata"), result.out());
    assertTrue(result.out().contains("FAIL  jwks " + issuer + ": cannot fetch http://127.0.0.1:" + closed + "/jwks"),
        result.out());
    assertTrue(result.out().contains("FAIL  token kid: keys_unavailable"), result.out());
  }

  @Test
  void anInvalidConfigurationExitsTwo() throws IOException {
    Result result = doctor(null, "mcpauth.clock-skew=forever", "mcpauth.no-such-key=1");
    assertEquals(2, result.exit(), result.out());
    assertTrue(result.err().contains("mcpauth.clock-skew") && result.err().contains("mcpauth.no-such-key"), result.err());
  }

  @Test
  void aStrayArgumentIsNotRepeated() throws IOException {
    String token = token(rsa.header(), claims());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = DoctorCommand.run(new String[] {token}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), new Properties(), Map.of(), Clock.systemUTC());
    assertEquals(2, exit);
    assertFalse(err.toString(StandardCharsets.UTF_8).contains(token.substring(0, 20)), err.toString(StandardCharsets.UTF_8));
  }
}
