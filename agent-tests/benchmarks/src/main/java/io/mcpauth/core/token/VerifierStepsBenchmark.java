package io.mcpauth.core.token;

import io.mcpauth.bench.VerifyBenchmark;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostics, not part of the verification table of docs/performance.md: the non-signature steps of TokenVerifier.verify, run
 * through the real package-private classes (this class sits in their package), on the token of
 * {@link VerifyBenchmark}. Their sum is the verifier's own cost on top of the signature check.
 *
 * <p>{@code java -jar target/benchmarks.jar VerifierStepsBenchmark -p alg=RS256}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class VerifierStepsBenchmark {

  @Param({"RS256"})
  public String alg;

  String token;
  String headerJson;
  String claimsJson;

  @Setup
  public void setUp() throws Exception {
    VerifyBenchmark full = new VerifyBenchmark();
    full.alg = alg;
    full.setUp();
    token = full.token();
    String[] parts = token.split("\\.");
    headerJson = new String(Base64.getUrlDecoder().decode(parts[0]), java.nio.charset.StandardCharsets.UTF_8);
    claimsJson = new String(Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Split, alphabet and canonical checks, base64url decoding, UTF-8 checks. */
  @Benchmark
  public CompactJws compactParse() throws TokenRejectedException {
    return CompactJws.parse(token);
  }

  @Benchmark
  public Map<String, Object> headerJson() throws Exception {
    return io.mcpauth.core.json.StrictJson.parseObject(headerJson, "header");
  }

  @Benchmark
  public Map<String, Object> claimsJson() throws Exception {
    return io.mcpauth.core.json.StrictJson.parseObject(claimsJson, "claims");
  }
}
