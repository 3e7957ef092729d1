package io.mcpauth.bench;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.gate.BearerGate;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.token.JwksParser;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the gate costs a request it refuses, as in the flood of {@code soak-flood.sh}: the whole
 * {@code servletEntry} and the 401 it writes, for random text ({@code malformed}) or a real token
 * whose signature has 12 characters replaced ({@code forged}: the full RS256 check). The agent's log
 * is at INFO, to a file, with {@code mcpauth.log.denials-per-second} at 0 (a line per denial, as
 * before that setting) or at its default. Run with {@code -t 2} or more to see the log's one output
 * stream shared by the request threads.
 *
 * <p>{@code java -cp target/benchmarks.jar:target/harness-tools.jar org.openjdk.jmh.Main RefusalBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class RefusalBenchmark {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  @Param({"0", "20"})
  public String denialsPerSecond;

  @Param({"malformed", "forged"})
  public String kind;

  BearerGate gate;
  HttpServletStatelessServerTransport transport;
  Path logFile;
  String[] tokens;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    PublicJsonWebKey jwk = GateBenchmark.signingKey();
    KeySet keys = new JwksParser().parse(new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    Properties properties = GateBenchmark.agentProperties();
    properties.setProperty("mcpauth.log.denials-per-second", denialsPerSecond);
    AgentConfig config = ConfigParser.parse(ConfigSources.of(properties, Map.of()));
    logFile = Files.createTempFile("refusal-benchmark", ".log");
    AgentLog.settings("INFO", logFile.toString());
    TokenVerifier verifier = new TokenVerifier(config, new VerifyBenchmark.StaticKeySource(keys), Clock.systemUTC());
    gate = new BearerGate(config, verifier,
        new VerifiedTokenCache(10_000, Clock.systemUTC(), VerifiedTokenCache.Revocations.NONE));
    transport = HttpServletStatelessServerTransport.builder().build();
    Random random = new Random(1);
    String valid = VerifyBenchmark.mint(jwk, "k1", "RS256");
    tokens = new String[256];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = kind.equals("forged")
          // the last character kept, so that the signature stays canonical base64url and is checked
          ? valid.substring(0, valid.length() - 13) + text(random, 12) + valid.charAt(valid.length() - 1)
          : text(random, 20 + random.nextInt(380));
    }
  }

  private static String text(Random random, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    AgentLog.settings("OFF", null);
    Files.deleteIfExists(logFile);
  }

  /** A request and a response of one thread: the token it sends next, the status it was answered. */
  @State(Scope.Thread)
  public static class Exchange {
    int next;
    String authorization;
    int status;
    Object request;
    Object response;

    @Setup(Level.Trial)
    public void setUp(RefusalBenchmark benchmark) {
      next = System.identityHashCode(this);
      Map<String, String> fixed = Map.of("Host", "mcp.example.com", "Content-Type", "application/json");
      request = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "getMethod" -> "POST";
            case "getRequestURI" -> "/mcp";
            case "getHeaders" -> Collections.enumeration(header((String) args[0], fixed));
            case "getHeader" -> header((String) args[0], fixed).stream().findFirst().orElse(null);
            case "getRemoteAddr" -> "127.0.0.1";
            case "getAttribute", "getQueryString" -> null;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(method.getName());
          });
      PrintWriter writer = new PrintWriter(Writer.nullWriter());
      response = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "setStatus" -> {
              status = (Integer) args[0];
              yield null;
            }
            case "setHeader", "setContentType", "setCharacterEncoding", "setContentLength" -> null;
            case "getWriter" -> writer;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }

    private List<String> header(String name, Map<String, String> fixed) {
      String value = name.equals("Authorization") ? authorization : fixed.get(name);
      return value == null ? List.of() : List.of(value);
    }
  }

  @Benchmark
  public Object refused(Exchange exchange) throws Exception {
    exchange.authorization = "Bearer " + tokens[exchange.next++ & (tokens.length - 1)];
    exchange.status = 0;
    Object answer = gate.servletEntry(transport, exchange.request, exchange.response);
    if (exchange.status != 401) {
      throw new IllegalStateException("not refused with 401 but " + exchange.status);
    }
    return answer;
  }
}
