package io.mcpauth.bench;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Diagnostics, not part of run.sh's table: the non-signature steps of TokenVerifier.verify on the
 * same token as {@link VerifyBenchmark}, to see where fullVerify's overhead over bare JCA goes.
 * The compact-parse step replicates the package-private CompactJws.parse (same checks and calls).
 *
 * <p>{@code java -jar target/benchmarks.jar VerifyStepsBenchmark -p alg=RS256}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class VerifyStepsBenchmark {

  @Param({"RS256", "ES256", "EdDSA"})
  public String alg;

  String token;
  String signingInput;
  String headerJson;
  String claimsJson;

  @Setup
  public void setUp() throws Exception {
    VerifyBenchmark full = new VerifyBenchmark();
    full.alg = alg;
    full.setUp();
    token = full.token;
    int first = token.indexOf('.');
    int second = token.lastIndexOf('.');
    signingInput = token.substring(0, second);
    Base64.Decoder decoder = Base64.getUrlDecoder();
    headerJson = new String(decoder.decode(token.substring(0, first)), StandardCharsets.UTF_8);
    claimsJson = new String(decoder.decode(token.substring(first + 1, second)), StandardCharsets.UTF_8);
  }

  /** CompactJws.parse: split, alphabet/canonical check, 3 base64url decodes, 2 strict UTF-8 decodes. */
  @Benchmark
  public void compactParse(Blackhole bh) throws CharacterCodingException {
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    if (token.indexOf('.', second + 1) >= 0) {
      throw new IllegalStateException();
    }
    checkPart(token, 0, first);
    checkPart(token, first + 1, second);
    checkPart(token, second + 1, token.length());
    Base64.Decoder decoder = Base64.getUrlDecoder();
    bh.consume(token.substring(0, second));
    bh.consume(utf8(decoder.decode(token.substring(0, first))));
    bh.consume(utf8(decoder.decode(token.substring(first + 1, second))));
    bh.consume(decoder.decode(token.substring(second + 1)));
  }

  /** jose4j JsonUtil on the header (TokenVerifier.json). */
  @Benchmark
  public Map<String, Object> jsonHeader() throws JoseException {
    return JsonUtil.parseJson(headerJson);
  }

  /** jose4j JsonUtil on the claims (TokenVerifier.json). */
  @Benchmark
  public Map<String, Object> jsonClaims() throws JoseException {
    return JsonUtil.parseJson(claimsJson);
  }

  /** The signing input re-encoded to bytes before Signature.update (TokenVerifier.verifySignature). */
  @Benchmark
  public byte[] signingInputBytes() {
    return signingInput.getBytes(StandardCharsets.US_ASCII);
  }

  private static void checkPart(String token, int from, int to) {
    int length = to - from;
    if (length == 0 || length % 4 == 1) {
      throw new IllegalStateException();
    }
    int last = 0;
    for (int i = from; i < to; i++) {
      char c = token.charAt(i);
      last = c >= 'A' && c <= 'Z' ? c - 'A'
          : c >= 'a' && c <= 'z' ? c - 'a' + 26
          : c >= '0' && c <= '9' ? c - '0' + 52
          : c == '-' ? 62 : c == '_' ? 63 : -1;
      if (last < 0) {
        throw new IllegalStateException();
      }
    }
    int unusedBitsMask = length % 4 == 2 ? 0x0f : length % 4 == 3 ? 0x03 : 0;
    if ((last & unusedBitsMask) != 0) {
      throw new IllegalStateException();
    }
  }

  private static String utf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }
}
