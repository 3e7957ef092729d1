package io.mcpauth.bench;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.token.JwksParser;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.KeySource;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedToken;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.EdDsaKeyUtil;
import org.jose4j.keys.EllipticCurves;
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

/**
 * Cost of verifying one access token, against bare JCA and jose4j as-is, for each algorithm.
 *
 * <p>Every benchmark sees the same token (minted once per trial) and the same public key. The
 * token is a realistic RFC 9068 access token: header {alg, kid (RFC 7638 thumbprint), typ
 * at+jwt}; claims iss, sub, aud, client_id, scope, iat, nbf, auth_time, exp (now + 1 h), jti.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class VerifyBenchmark {

  static final String ISSUER = "https://idp.example.com";
  static final String RESOURCE = "https://mcp.example.com/mcp";

  @Param({"RS256", "ES256", "EdDSA"})
  public String alg;

  String token;

  /** The token every benchmark verifies, for the step diagnostics in another package. */
  public String token() {
    return token;
  }
  PublicKey publicKey;
  String jcaName;
  byte[] signingInput;
  byte[] signatureBytes;
  /** Reused across operations, as the verifier reuses its per-thread instance. */
  Signature reusedSignature;
  TokenVerifier verifier;
  VerifiedTokenCache cache;
  JwtConsumer jose4j;

  @Setup
  public void setUp() throws Exception {
    PublicJsonWebKey jwk = switch (alg) {
      case "RS256" -> RsaJwkGenerator.generateJwk(2048);
      case "ES256" -> EcJwkGenerator.generateJwk(EllipticCurves.P256);
      case "EdDSA" -> OkpJwkGenerator.generateJwk(EdDsaKeyUtil.ED25519);
      default -> throw new IllegalArgumentException(alg);
    };
    jcaName = switch (alg) {
      case "RS256" -> "SHA256withRSA";
      case "ES256" -> "SHA256withECDSAinP1363Format";
      default -> "Ed25519";
    };
    String kid = jwk.calculateBase64urlEncodedThumbprint("SHA-256");
    jwk.setKeyId(kid);
    jwk.setAlgorithm(alg);
    jwk.setUse("sig");
    publicKey = jwk.getPublicKey();
    String jwks = new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);

    KeySet keySet = new JwksParser().parse(jwks);
    if (keySet.size() != 1) {
      throw new IllegalStateException("JwksParser kept " + keySet.size() + " keys of " + jwks);
    }
    KeySource keys = new StaticKeySource(keySet);

    token = mint(jwk, kid, alg);

    int second = token.lastIndexOf('.');
    signingInput = token.substring(0, second).getBytes(StandardCharsets.US_ASCII);
    signatureBytes = Base64.getUrlDecoder().decode(token.substring(second + 1));
    reusedSignature = Signature.getInstance(jcaName);

    Properties properties = new Properties();
    properties.setProperty("mcpauth.issuer", ISSUER);
    properties.setProperty("mcpauth.resource", RESOURCE);
    AgentConfig config = ConfigParser.parse(ConfigSources.of(properties, Map.of()));
    verifier = new TokenVerifier(config, keys, Clock.systemUTC());
    cache = new VerifiedTokenCache(10_000, Clock.systemUTC(), VerifiedTokenCache.Revocations.NONE);

    jose4j = new JwtConsumerBuilder()
        .setVerificationKey(publicKey)
        .setExpectedIssuer(ISSUER)
        .setExpectedAudience(RESOURCE)
        .setRequireExpirationTime()
        .build();

    // Fail fast: every path must accept the token before anything is measured.
    if (!baselineJcaVerify() || !baselineJcaGetInstanceVerify()) {
      throw new IllegalStateException("bare JCA rejects the token");
    }
    fullVerify();
    cachedVerify(); // warms the cache: every measured call is a hit
    if (cache.size() != 1) {
      throw new IllegalStateException("token was not cached");
    }
    jose4jAsIs();
    System.out.println("\n[setup] alg=" + alg + " token=" + token.length() + " bytes, jwks=" + jwks.length() + " bytes");
  }

  static String mint(PublicJsonWebKey jwk, String kid, String alg) throws JoseException {
    long now = System.currentTimeMillis() / 1000;
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISSUER);
    claims.setSubject(UUID.randomUUID().toString());
    claims.setAudience(RESOURCE);
    claims.setClaim("client_id", "mcp-client-" + UUID.randomUUID().toString().replace("-", ""));
    claims.setClaim("scope", "mcp:tools mcp:read");
    claims.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(now));
    claims.setNotBefore(org.jose4j.jwt.NumericDate.fromSeconds(now));
    claims.setClaim("auth_time", now - 300);
    claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now + 3600)); // trial < 1 min
    claims.setJwtId(UUID.randomUUID().toString());

    JsonWebSignature jws = new JsonWebSignature();
    jws.setAlgorithmHeaderValue(alg);
    jws.setKeyIdHeaderValue(kid);
    jws.setHeader("typ", "at+jwt");
    jws.setPayload(claims.toJson());
    jws.setKey(jwk.getPrivateKey());
    return jws.getCompactSerialization();
  }

  /** Strict baseline: one Signature reused across operations, like the verifier's per-thread one. */
  @Benchmark
  public boolean baselineJcaVerify() throws GeneralSecurityException {
    Signature signature = reusedSignature;
    signature.initVerify(publicKey);
    signature.update(signingInput);
    return signature.verify(signatureBytes);
  }

  /** Bare JCA as most code writes it: a provider lookup per operation. */
  @Benchmark
  public boolean baselineJcaGetInstanceVerify() throws GeneralSecurityException {
    Signature signature = Signature.getInstance(jcaName);
    signature.initVerify(publicKey);
    signature.update(signingInput);
    return signature.verify(signatureBytes);
  }

  /** Parse, header checks, key lookup, signature and claims; no cache. */
  @Benchmark
  public VerifiedToken fullVerify() throws TokenRejectedException {
    return verifier.verify(token);
  }

  /** A cache hit: SHA-256 of the token, a map lookup, the exp and revocation checks. */
  @Benchmark
  public VerifiedToken cachedVerify() throws TokenRejectedException {
    return cache.verify(token, verifier);
  }

  /** jose4j's JwtConsumer as documented, for comparison. */
  @Benchmark
  public JwtClaims jose4jAsIs() throws InvalidJwtException {
    return jose4j.processToClaims(token);
  }

  /** The keys, fixed: as the JWKS cache returns them once loaded. */
  static final class StaticKeySource implements KeySource {
    private final KeySet keys;

    StaticKeySource(KeySet keys) {
      this.keys = keys;
    }

    @Override
    public KeySet current() {
      return keys;
    }

    @Override
    public KeySet refreshForUnknownKid() {
      return keys;
    }
  }
}
