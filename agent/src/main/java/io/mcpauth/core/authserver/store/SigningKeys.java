package io.mcpauth.core.authserver.store;

import io.mcpauth.core.json.JsonWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authorization server's signing keys, in {@code keys.json}. Tokens are signed RS256 with a
 * 2048-bit key: of the JDK's signature algorithms, RSA verification is the fastest, and the
 * resource server verifies every token while the authorization server signs each once. A replaced
 * key stays published until every token it signed has expired (AS-SEC-03).
 */
public final class SigningKeys {

  /** One key; {@code retiredAt} is 0 for the active key. */
  public record SigningKey(String kid, PrivateKey privateKey, RSAPublicKey publicKey, long createdAt, long retiredAt) {}

  private final AtomicFile file;
  private final Duration publishRetiredFor;
  private volatile List<SigningKey> keys;
  private volatile int version;

  private SigningKeys(AtomicFile file, Duration publishRetiredFor, List<SigningKey> keys) {
    this.file = file;
    this.publishRetiredFor = publishRetiredFor;
    this.keys = keys;
  }

  /**
   * Loads the keys, creating the first one on first start.
   *
   * @param publishRetiredFor how long a replaced key stays in the JWKS: the longest token lifetime plus skew
   */
  public static SigningKeys open(DataDirectory data, Duration publishRetiredFor, long now) throws IOException {
    AtomicFile file = data.file("keys.json");
    Map<String, Object> stored = DataDirectory.readObject(file);
    SigningKeys signingKeys = new SigningKeys(file, publishRetiredFor, stored == null ? List.of() : parse(stored, file));
    if (signingKeys.keys.isEmpty()) {
      signingKeys.rotate(now);
    }
    return signingKeys;
  }

  /** The key new tokens are signed with. */
  public SigningKey active() {
    return keys.get(keys.size() - 1);
  }

  /** Replaces the active key when it is older than {@code maxAge}; returns true when it did. */
  public synchronized boolean rotateIfOlderThan(Duration maxAge, long now) throws IOException {
    if (now - active().createdAt() < Math.max(1, maxAge.toSeconds())) {
      return false;
    }
    rotate(now);
    return true;
  }

  private void rotate(long now) throws IOException {
    List<SigningKey> next = new ArrayList<>();
    for (SigningKey key : keys) {
      long retiredAt = key.retiredAt() == 0 ? now : key.retiredAt();
      if (now - retiredAt < publishRetiredFor.toSeconds()) {
        next.add(new SigningKey(key.kid(), key.privateKey(), key.publicKey(), key.createdAt(), retiredAt));
      }
    }
    next.add(generate(now));
    save(next);
    keys = List.copyOf(next);
    version++;
  }

  /** Changes whenever the key set does. */
  public int version() {
    return version;
  }

  /** The public JWKS: the active key and the retired ones whose tokens may still be live. */
  public String jwks(long now) {
    List<Object> published = new ArrayList<>();
    for (SigningKey key : keys) {
      if (key.retiredAt() == 0 || now - key.retiredAt() < publishRetiredFor.toSeconds()) {
        Map<String, Object> jwk = publicJwk(key.publicKey());
        jwk.put("kid", key.kid());
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        published.add(jwk);
      }
    }
    return JsonWriter.write(Map.of("keys", published));
  }

  private static SigningKey generate(long now) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
      return new SigningKey(thumbprint(publicKey), pair.getPrivate(), publicKey, now, 0);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate an RSA signing key", e);
    }
  }

  /** RFC 7638 JWK thumbprint: a kid that names the key itself, so it can never be reused for another. */
  private static String thumbprint(RSAPublicKey key) throws GeneralSecurityException {
    Map<String, Object> jwk = publicJwk(key);
    String canonical = "{\"e\":\"" + jwk.get("e") + "\",\"kty\":\"RSA\",\"n\":\"" + jwk.get("n") + "\"}";
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static Map<String, Object> publicJwk(RSAPublicKey key) {
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "RSA");
    jwk.put("n", unsigned(key.getModulus()));
    jwk.put("e", unsigned(key.getPublicExponent()));
    return jwk;
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
  }

  private void save(List<SigningKey> next) throws IOException {
    List<Object> stored = new ArrayList<>();
    Base64.Encoder base64 = Base64.getEncoder();
    for (SigningKey key : next) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kid", key.kid());
      entry.put("created", key.createdAt());
      entry.put("retired", key.retiredAt());
      entry.put("private", base64.encodeToString(key.privateKey().getEncoded()));
      entry.put("public", base64.encodeToString(key.publicKey().getEncoded()));
      stored.add(entry);
    }
    file.write(JsonWriter.write(DataFormat.versioned(Map.of("keys", stored))));
  }

  private static List<SigningKey> parse(Map<String, Object> stored, AtomicFile file) throws IOException {
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      Base64.Decoder base64 = Base64.getDecoder();
      List<SigningKey> keys = new ArrayList<>();
      for (Object item : (List<?>) stored.get("keys")) {
        Map<?, ?> entry = (Map<?, ?>) item;
        PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(base64.decode((String) entry.get("private"))));
        RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(base64.decode((String) entry.get("public"))));
        keys.add(new SigningKey((String) entry.get("kid"), privateKey, publicKey, ((Number) entry.get("created")).longValue(),
            ((Number) entry.get("retired")).longValue()));
      }
      if (keys.isEmpty() || keys.get(keys.size() - 1).retiredAt() != 0) {
        throw new IOException("no active key");
      }
      return List.copyOf(keys);
    } catch (GeneralSecurityException | RuntimeException | IOException e) {
      throw new IOException("store file " + file.path() + " is damaged (" + e.getMessage() + ")", e);
    }
  }
}
