package io.mcpauth.bench.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * The harness's authorization server: one fixed RSA 2048 key (generated once into a file and reused,
 * so minted tokens can be cached across runs), RFC 8414 metadata and a JWKS on the JDK HttpServer,
 * and a parallel token minter.
 *
 * <pre>
 * java -cp harness-tools.jar io.mcpauth.bench.harness.Issuer key   --key FILE
 *      prints the key's RFC 7638 thumbprint (creates the key when FILE is missing)
 * java -cp harness-tools.jar io.mcpauth.bench.harness.Issuer serve --key FILE --port N
 *      prints "issuer listening on http://127.0.0.1:N" and serves
 *      /.well-known/oauth-authorization-server and /jwks until killed
 * java -cp harness-tools.jar io.mcpauth.bench.harness.Issuer mint  --key FILE --issuer URL --audience URL
 *      --count N --out FILE [--threads T] [--lifetime-seconds S]
 *      writes N distinct RS256 at+jwt access tokens, one a line
 * </pre>
 */
public final class Issuer {

  private static final String KID = "bench-rsa-1";

  private Issuer() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
    }
    Map<String, String> opts = options(args);
    Path keyFile = Path.of(required(opts, "--key"));
    switch (args[0]) {
      case "key" -> System.out.println(loadOrCreateKey(keyFile).calculateBase64urlEncodedThumbprint("SHA-256"));
      case "serve" -> serve(loadOrCreateKey(keyFile), Integer.parseInt(required(opts, "--port")));
      case "mint" -> mint(loadOrCreateKey(keyFile), required(opts, "--issuer"), required(opts, "--audience"),
          Integer.parseInt(required(opts, "--count")), Path.of(required(opts, "--out")),
          Integer.parseInt(opts.getOrDefault("--threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
          Long.parseLong(opts.getOrDefault("--lifetime-seconds", "7200")));
      default -> usage();
    }
  }

  static PublicJsonWebKey loadOrCreateKey(Path file) throws IOException, JoseException {
    if (Files.exists(file)) {
      return PublicJsonWebKey.Factory.newPublicJwk(Files.readString(file));
    }
    PublicJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
    key.setKeyId(KID);
    key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
    key.setUse("sig");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "key", ".tmp");
    Files.writeString(tmp, key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return key;
  }

  private static void serve(PublicJsonWebKey key, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    String issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    String metadata = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
        + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\","
        + "\"response_types_supported\":[\"code\"],\"code_challenge_methods_supported\":[\"S256\"]}";
    String jwks = new JsonWebKeySet(List.of(key)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    server.createContext("/.well-known/oauth-authorization-server", exchange -> send(exchange, metadata));
    server.createContext("/jwks", exchange -> send(exchange, jwks));
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    System.out.println("issuer listening on " + issuer);
    System.out.flush();
  }

  private static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void mint(PublicJsonWebKey key, String issuer, String audience, int count, Path out,
      int threads, long lifetimeSeconds) throws Exception {
    long started = System.nanoTime();
    long now = System.currentTimeMillis() / 1000;
    String[] tokens = new String[count];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      int chunk = (count + threads - 1) / threads;
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = t * chunk;
        int to = Math.min(count, from + chunk);
        futures.add(pool.submit(() -> {
          for (int i = from; i < to; i++) {
            tokens[i] = token(key, issuer, audience, i, now, lifetimeSeconds);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "tokens", ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
      for (String token : tokens) {
        w.write(token);
        w.write('\n');
      }
    }
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("minted %d tokens (%d bytes each, exp now+%ds) in %.1f s with %d threads%n",
        count, tokens[0].length(), lifetimeSeconds, (System.nanoTime() - started) / 1e9, threads);
  }

  private static String token(PublicJsonWebKey key, String issuer, String audience, int i, long now,
      long lifetimeSeconds) throws JoseException {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject("bench-user-" + (i % 1000));
    claims.setAudience(audience);
    claims.setClaim("client_id", "bench-client");
    claims.setClaim("scope", "mcp:tools mcp:read");
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now));
    claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now + lifetimeSeconds));
    claims.setJwtId(UUID.randomUUID().toString());
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    jws.setHeader("typ", "at+jwt");
    return jws.getCompactSerialization();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        usage();
      }
      opts.put(args[i], args[++i]);
    }
    return opts;
  }

  private static String required(Map<String, String> opts, String name) {
    String value = opts.get(name);
    if (value == null) {
      System.err.println("missing " + name);
      usage();
    }
    return value;
  }

  private static void usage() {
    System.err.println("usage: Issuer key|serve|mint --key FILE [--port N] [--issuer URL --audience URL"
        + " --count N --out FILE [--threads T] [--lifetime-seconds S]]");
    System.exit(2);
  }
}
