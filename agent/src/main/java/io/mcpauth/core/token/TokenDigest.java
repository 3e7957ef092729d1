package io.mcpauth.core.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The SHA-256 of a token: what caches remember a token by, so that they never hold the token itself. */
public record TokenDigest(long a, long b, long c, long d) {

  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  public static TokenDigest of(String token) {
    MessageDigest sha256 = SHA_256.get();
    ByteBuffer digest = ByteBuffer.wrap(sha256.digest(token.getBytes(StandardCharsets.ISO_8859_1)));
    return new TokenDigest(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
  }

  // Written out rather than left to the record: the generated ones are method-handle chains that the
  // JIT did not fully inline on the cache's hot path, where they cost more than the SHA-256 itself.
  @Override
  public boolean equals(Object other) {
    return other instanceof TokenDigest digest && a == digest.a && b == digest.b && c == digest.c && d == digest.d;
  }

  @Override
  public int hashCode() {
    return (int) a; // any 32 bits of a SHA-256 are uniformly distributed
  }

  @Override
  public String toString() {
    return "TokenDigest"; // even a digest of a token stays out of log lines
  }
}
