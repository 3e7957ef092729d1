package io.mcpauth.core.authserver.store;

import io.mcpauth.core.json.JsonWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets kept at rest (the upstream provider's refresh tokens) with AES-256-GCM, under a
 * key of their own in {@code sealing-key.json}, apart from the signing keys. The caller names what
 * a sealed value belongs to (a grant id) as associated data, so a value moved to another grant in
 * the file no longer opens. A sealed value is {@code <kid>.<base64url(iv || ciphertext)>}.
 */
public final class SealingKey {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final String kid;
  private final SecretKeySpec key;

  private SealingKey(String kid, byte[] key) {
    this.kid = kid;
    this.key = new SecretKeySpec(key, "AES");
  }

  /** The key of the data directory, made on first use. */
  public static SealingKey open(DataDirectory data) throws IOException {
    AtomicFile file = data.file("sealing-key.json");
    Map<String, Object> stored = DataDirectory.readObject(file);
    if (stored != null) {
      try {
        return new SealingKey((String) stored.get("kid"), Base64.getUrlDecoder().decode((String) stored.get("key")));
      } catch (RuntimeException e) {
        throw new IOException("store file " + file.path() + " is damaged (" + e + ")", e);
      }
    }
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    byte[] kid = new byte[6];
    RANDOM.nextBytes(kid);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("kid", ENCODER.encodeToString(kid));
    document.put("key", ENCODER.encodeToString(key));
    file.write(JsonWriter.write(DataFormat.versioned(document)));
    return new SealingKey((String) document.get("kid"), key);
  }

  public String seal(String secret, String belongsTo) {
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(belongsTo.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return kid + "." + ENCODER.encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The secret, or null when {@code sealed} was not sealed with this key for {@code belongsTo}. */
  public String open(String sealed, String belongsTo) {
    int dot = sealed.indexOf('.');
    if (dot < 0 || !sealed.substring(0, dot).equals(kid)) {
      return null;
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(sealed.substring(dot + 1));
      if (bytes.length <= IV_BYTES) {
        return null;
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
      cipher.updateAAD(belongsTo.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
