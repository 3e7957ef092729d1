package io.mcpauth.bench;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.gate.BearerGate;
import io.mcpauth.core.token.JwksParser;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the gate costs an admitted request with a warm verified-token cache, the common case: the
 * whole {@code servletEntry} (Host, Authorization, cache hit, audience and scopes, the caller's
 * request attributes, the extractor check) on the real SDK 2.1.0 stateless transport, and the
 * same plus the context the tools get: the call the agent puts where the transport calls its context extractor.
 * The request is a {@code Proxy} with a map of attributes, so its own calls cost more than a real
 * container's: these numbers are an upper bound. {@code admittedCold} is the same decision for a
 * token the cache has not seen: a pool of 2,048 tokens sent in turn to a gate whose cache holds 256.
 *
 * <p>{@code java -cp target/benchmarks.jar:target/harness-tools.jar org.openjdk.jmh.Main GateBenchmark -prof gc}
 * (the SDK and the servlet API come from the harness tools jar)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class GateBenchmark {

  BearerGate gate;
  HttpServletStatelessServerTransport transport;
  Object request;
  Object response;
  final Map<String, Object> attributes = new HashMap<>();
  /** The transport's context extractor, which the agent's rewrite of the transport hands to the gate. */
  Object extractor;
  TokenVerifier verifier;
  VerifiedTokenCache cache;
  String token;
  /** The request's Authorization field. */
  List<String> authorization;
  List<String> warmAuthorization;
  List<List<String>> pool;
  int next;
  BearerGate coldGate;

  /** The benchmarks' RS256 signing key, {@code kid} k1. */
  static PublicJsonWebKey signingKey() throws Exception {
    PublicJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
    jwk.setKeyId("k1");
    jwk.setAlgorithm("RS256");
    jwk.setUse("sig");
    return jwk;
  }

  /** The agent's settings the gate benchmarks share: the issuer, the resource and one required scope. */
  static Properties agentProperties() {
    Properties properties = new Properties();
    properties.setProperty("mcpauth.issuer", VerifyBenchmark.ISSUER);
    properties.setProperty("mcpauth.resource", VerifyBenchmark.RESOURCE);
    properties.setProperty("mcpauth.scopes.required", "mcp:tools");
    return properties;
  }

  @Setup
  public void setUp() throws Exception {
    PublicJsonWebKey jwk = signingKey();
    KeySet keys = new JwksParser().parse(new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    Properties properties = agentProperties();
    properties.setProperty("mcpauth.log.level", "OFF");
    AgentConfig config = ConfigParser.parse(ConfigSources.of(properties, Map.of()));
    verifier = new TokenVerifier(config, new VerifyBenchmark.StaticKeySource(keys), Clock.systemUTC());
    cache = new VerifiedTokenCache(10_000, Clock.systemUTC(), VerifiedTokenCache.Revocations.NONE);
    gate = new BearerGate(config, verifier, cache);
    token = VerifyBenchmark.mint(jwk, "k1", "RS256");
    warmAuthorization = List.of("Bearer " + token);
    authorization = warmAuthorization;
    pool = new java.util.ArrayList<>();
    for (int i = 0; i < 2048; i++) {
      pool.add(List.of("Bearer " + VerifyBenchmark.mint(jwk, "k1", "RS256")));
    }
    coldGate = new BearerGate(config, verifier,
        new VerifiedTokenCache(256, Clock.systemUTC(), VerifiedTokenCache.Revocations.NONE));

    transport = HttpServletStatelessServerTransport.builder().build();
    Map<String, List<String>> fixed = Map.of("Host", List.of("mcp.example.com"),
        "Content-Type", List.of("application/json"));
    Function<String, List<String>> headers = name ->
        name.equals("Authorization") ? authorization : fixed.getOrDefault(name, List.of());
    request = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getMethod" -> "POST";
          case "getRequestURI" -> "/mcp";
          case "getHeaders" -> Collections.enumeration(headers.apply((String) args[0]));
          case "getHeader" -> headers.apply((String) args[0]).stream().findFirst().orElse(null);
          case "getAttribute" -> attributes.get((String) args[0]);
          case "setAttribute" -> attributes.put((String) args[0], args[1]);
          case "getQueryString" -> null;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
    response = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
        (proxy, method, args) -> {
          throw new IllegalStateException("an admitted request writes no reply: " + method.getName());
        });
    if (admitted() != response) {
      throw new IllegalStateException("the token was not admitted");
    }
    Field extractorField = HttpServletStatelessServerTransport.class.getDeclaredField("contextExtractor");
    extractorField.setAccessible(true);
    extractor = extractorField.get(transport);
    Object context = admittedWithContext();
    if (((io.modelcontextprotocol.common.McpTransportContext) context).get("mcpauth.subject") == null) {
      throw new IllegalStateException("the tools would not see the caller: " + context);
    }
  }

  /** The gate's whole decision for an admitted request (warm cache). */
  @Benchmark
  public Object admitted() throws Exception {
    attributes.clear();
    return gate.servletEntry(transport, request, response);
  }

  /** The same, plus the transport's extractor call that builds the tools' context. */
  @Benchmark
  public Object admittedWithContext() throws Exception {
    attributes.clear();
    gate.servletEntry(transport, request, response);
    // In-process there is no class transform: this is the call the rewritten transport makes instead of extract.
    return gate.transportContext(extractor, request, HttpServletStatelessServerTransport.class);
  }

  /** The gate's whole decision for a token its cache has not seen: the signature and every claim. */
  @Benchmark
  public Object admittedCold() throws Exception {
    authorization = pool.get(next++ & (pool.size() - 1));
    attributes.clear();
    Object admitted = coldGate.servletEntry(transport, request, response);
    authorization = warmAuthorization;
    return admitted;
  }

  /** The verified-token cache hit alone, for reference. */
  @Benchmark
  public Object cacheHit() throws Exception {
    return cache.inFrontOf(verifier).verify(token, true);
  }
}
