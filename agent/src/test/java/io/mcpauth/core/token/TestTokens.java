package io.mcpauth.core.token;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.config.InvalidConfigException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.json.JsonUtil;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * Test keys, configuration and token minting. Tokens are signed by jose4j (an implementation
 * independent of the verifier under test): {@link Signer#mint} through {@link JsonWebSignature},
 * {@link Signer#signRaw} through jose4j's algorithm objects for headers and payloads that
 * JsonWebSignature would not produce (duplicate members, non-objects, alg none, ...).
 */
public final class TestTokens {

  public static final String ISSUER = "https://as.example.com";
  public static final String RESOURCE = "https://mcp.example.com/mcp";
  public static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static Signer rsa;
  private static Signer ec;
  private static Signer ed;
  private static Signer attackerRsa;

  private TestTokens() {}

  // ---------------------------------------------------------------- configuration

  /** A valid configuration (issuer, resource) plus {@code key, value} overrides. */
  public static AgentConfig config(String... keyValues) {
    Properties properties = new Properties();
    properties.setProperty("mcpauth.issuer", ISSUER);
    properties.setProperty("mcpauth.resource", RESOURCE);
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    try {
      return ConfigParser.parse(ConfigSources.of(properties, Map.of()));
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public static TokenVerifier verifier(KeySource keys, String... configKeyValues) {
    return new TokenVerifier(config(configKeyValues), keys, CLOCK);
  }

  // ---------------------------------------------------------------- keys

  public static synchronized Signer rsa() {
    return rsa != null ? rsa : (rsa = Signer.rsa("rsa-1", "RS256"));
  }

  public static synchronized Signer ec() {
    return ec != null ? ec : (ec = Signer.ec("ec-1"));
  }

  public static synchronized Signer ed25519() {
    return ed != null ? ed : (ed = Signer.ed25519("ed-1"));
  }

  /** An RSA key that is in no JWKS the tests publish. */
  public static synchronized Signer attackerRsa() {
    return attackerRsa != null ? attackerRsa : (attackerRsa = Signer.rsa("rsa-1", "RS256"));
  }

  /** Parses a JWKS document through the production parser. */
  public static KeySet keySet(String jwksJson) {
    try {
      return new JwksParser().parse(jwksJson);
    } catch (JwksParser.InvalidJwksException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @SafeVarargs
  public static String jwks(Map<String, Object>... keys) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("keys", List.of(keys));
    return JsonUtil.toJson(document);
  }

  @SafeVarargs
  public static CountingKeySource keys(Map<String, Object>... jwks) {
    return new CountingKeySource(keySet(jwks(jwks)));
  }

  // ---------------------------------------------------------------- claims and encoding

  /** Claims of a token the default test verifier accepts. */
  public static Map<String, Object> claims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("aud", RESOURCE);
    claims.put("sub", "user-42");
    claims.put("client_id", "client-7");
    claims.put("iat", NOW.getEpochSecond() - 10);
    claims.put("exp", NOW.getEpochSecond() + 300);
    claims.put("jti", "jti-1");
    claims.put("scope", "mcp:tools mcp:read");
    return claims;
  }

  public static Map<String, Object> with(Map<String, Object> map, Object... keyValues) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    for (int i = 0; i < keyValues.length; i += 2) {
      copy.put((String) keyValues[i], keyValues[i + 1]);
    }
    return copy;
  }

  public static Map<String, Object> without(Map<String, Object> map, String... names) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    for (String name : names) {
      copy.remove(name);
    }
    return copy;
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] unb64(String text) {
    return Base64.getUrlDecoder().decode(text);
  }

  // ---------------------------------------------------------------- signer

  /** A key pair with its JWS algorithm and kid. */
  public static final class Signer {
    public final PublicJsonWebKey jwk;
    public final String alg;
    public final String kid;

    Signer(PublicJsonWebKey jwk, String alg, String kid) {
      this.jwk = jwk;
      this.alg = alg;
      this.kid = kid;
    }

    public static Signer rsa(String kid, String alg) {
      try {
        return new Signer(RsaJwkGenerator.generateJwk(2048), alg, kid);
      } catch (JoseException e) {
        throw new IllegalStateException(e);
      }
    }

    public static Signer ec(String kid) {
      try {
        return new Signer(EcJwkGenerator.generateJwk(EllipticCurves.P256), "ES256", kid);
      } catch (JoseException e) {
        throw new IllegalStateException(e);
      }
    }

    public static Signer ed25519(String kid) {
      try {
        return new Signer(OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519), "EdDSA", kid);
      } catch (JoseException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The same key pair used with another algorithm or kid. */
    public Signer as(String otherAlg, String otherKid) {
      return new Signer(jwk, otherAlg, otherKid);
    }

    public PrivateKey privateKey() {
      return jwk.getPrivateKey();
    }

    /** The public JWK with kid (when non-null) plus extra members, e.g. {@code "alg", "PS512"}. */
    public Map<String, Object> publicJwk(Object... extra) {
      Map<String, Object> params = new LinkedHashMap<>(jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
      if (kid != null) {
        params.put("kid", kid);
      }
      for (int i = 0; i < extra.length; i += 2) {
        if (extra[i + 1] == null) {
          params.remove((String) extra[i]);
        } else {
          params.put((String) extra[i], extra[i + 1]);
        }
      }
      return params;
    }

    /** The standard header: alg, kid (when non-null) and typ at+jwt. */
    public Map<String, Object> header() {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("alg", alg);
      if (kid != null) {
        header.put("kid", kid);
      }
      header.put("typ", "at+jwt");
      return header;
    }

    public String mint() {
      return mint(header(), claims());
    }

    public String mint(Map<String, Object> claims) {
      return mint(header(), claims);
    }

    /** Signs with jose4j's JsonWebSignature; header values are set as given (alg must be real). */
    public String mint(Map<String, Object> header, Map<String, Object> claims) {
      try {
        JsonWebSignature jws = new JsonWebSignature();
        for (Map.Entry<String, Object> entry : header.entrySet()) {
          jws.getHeaders().setObjectHeaderValue(entry.getKey(), entry.getValue());
        }
        jws.setPayload(JsonUtil.toJson(claims));
        jws.setKey(privateKey());
        return jws.getCompactSerialization();
      } catch (JoseException e) {
        throw new IllegalStateException(e);
      }
    }

    /** header.payload.signature from raw JSON text, signed with this key and {@link #alg}. */
    public String signRaw(String headerJson, String payloadText) {
      String signingInput = b64(headerJson) + "." + b64(payloadText);
      return signingInput + "." + b64(sign(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Signs with the raw (already encoded) parts. */
    public String signEncoded(String encodedHeader, String encodedPayload) {
      String signingInput = encodedHeader + "." + encodedPayload;
      return signingInput + "." + b64(sign(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    public byte[] sign(byte[] input) {
      try {
        JsonWebSignatureAlgorithm algorithm =
            AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(alg);
        return algorithm.sign(algorithm.prepareForSign(privateKey(), new ProviderContext()), input);
      } catch (JoseException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ---------------------------------------------------------------- key sources and clocks

  /** A fixed key set, with an optional different set returned by a refresh; counts calls. */
  public static final class CountingKeySource implements KeySource {
    private volatile KeySet current;
    private volatile KeySet afterRefresh;
    public final AtomicInteger currentCalls = new AtomicInteger();
    public final AtomicInteger refreshCalls = new AtomicInteger();

    public CountingKeySource(KeySet current) {
      this(current, current);
    }

    public CountingKeySource(KeySet current, KeySet afterRefresh) {
      this.current = current;
      this.afterRefresh = afterRefresh;
    }

    @Override
    public KeySet current() {
      currentCalls.incrementAndGet();
      return current;
    }

    @Override
    public KeySet refreshForUnknownKid() {
      refreshCalls.incrementAndGet();
      if (afterRefresh != null) {
        current = afterRefresh; // a failed refresh keeps the last keys, like the JWKS cache
      }
      return afterRefresh;
    }

    public int calls() {
      return currentCalls.get() + refreshCalls.get();
    }
  }

  /** A clock tests can move. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant now) {
      this.now = now;
    }

    public void advanceSeconds(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
