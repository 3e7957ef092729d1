package io.mcpauth.core.authserver.users;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as stored in the users file: PBKDF2-HMAC-SHA256 with a random 16-byte salt and a
 * 32-byte derived key, encoded {@code pbkdf2-sha256$<iterations>$<salt>$<key>} (base64, no padding).
 * The iteration count travels in the string, so new hashes can be made costlier without
 * invalidating old ones.
 */
public final class PasswordHash {

  /** For new hashes (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
  static final int ITERATIONS = 600_000;
  /** Weaker stored hashes are refused. Raising {@link #ITERATIONS} must not raise this, or existing files stop loading. */
  static final int MIN_ITERATIONS = 600_000;
  /** A damaged or hostile file must not make a single verification run for minutes. */
  static final int MAX_ITERATIONS = 10_000_000;

  private static final String SCHEME = "pbkdf2-sha256";
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final int SALT_BYTES = 16;
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

  private PasswordHash() {}

  public static String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] key = derive(password, salt, ITERATIONS);
    try {
      return encode(ITERATIONS, salt, key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** False for a wrong password, and for an encoding that is malformed or weaker than allowed. */
  public static boolean verify(char[] password, String encoded) {
    Decoded stored = decode(encoded);
    if (stored == null) {
      return false;
    }
    byte[] key = derive(password, stored.salt(), stored.iterations());
    try {
      return MessageDigest.isEqual(key, stored.key());
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(stored.key(), (byte) 0);
    }
  }

  /**
   * What identifies one stored hash without revealing it: the first 16 bytes of the SHA-256 of its
   * encoding, in hex. Every new hash has a new salt, so a changed password (or a user removed and
   * added again) has a new fingerprint even when the password is the same.
   */
  static String fingerprint(String encoded) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@link #verify} could ever accept this encoding: the users file is checked with it on load. */
  public static boolean isWellFormed(String encoded) {
    return decode(encoded) != null;
  }

  /**
   * A hash no password matches (its key is random, not derived), that costs as much to check as a
   * real one: what an unknown username is verified against, so that it answers no faster.
   */
  static String unmatchable() {
    byte[] salt = new byte[SALT_BYTES];
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(key);
    return encode(ITERATIONS, salt, key);
  }

  private static String encode(int iterations, byte[] salt, byte[] key) {
    return SCHEME + "$" + iterations + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(key);
  }

  private record Decoded(int iterations, byte[] salt, byte[] key) {}

  private static Decoded decode(String encoded) {
    if (encoded == null) {
      return null;
    }
    String[] parts = encoded.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME) || !parts[1].matches("[1-9][0-9]{0,8}")) {
      return null;
    }
    int iterations = Integer.parseInt(parts[1]);
    byte[] salt = canonicalBase64(parts[2]);
    byte[] key = canonicalBase64(parts[3]);
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS
        || salt == null || salt.length < SALT_BYTES || key == null || key.length != KEY_BYTES) {
      return null;
    }
    return new Decoded(iterations, salt, key);
  }

  /** Null unless the text is exactly what the encoder would write for its bytes (no padding, no stray bits). */
  private static byte[] canonicalBase64(String text) {
    try {
      byte[] bytes = Base64.getDecoder().decode(text);
      return ENCODER.encodeToString(bytes).equals(text) ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    char[] normalized = normalized(password == null ? new char[0] : password);
    PBEKeySpec spec = new PBEKeySpec(normalized, salt, iterations, KEY_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is unavailable in this JVM", e);
    } finally {
      spec.clearPassword();
      if (normalized != password) {
        Arrays.fill(normalized, '\0');
      }
    }
  }

  /**
   * NFKC (NIST SP 800-63B 5.1.1.2), so that a non-ASCII password typed in a terminal and in a
   * browser hashes alike. The JDK encodes the result as UTF-8. Only a password that is not already
   * normalized goes through an (unwipeable) String.
   */
  private static char[] normalized(char[] password) {
    if (Normalizer.isNormalized(CharBuffer.wrap(password), Normalizer.Form.NFKC)) {
      return password;
    }
    return Normalizer.normalize(CharBuffer.wrap(password), Normalizer.Form.NFKC).toCharArray();
  }
}
