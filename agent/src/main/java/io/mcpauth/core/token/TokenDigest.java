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

  @Override
  public String toString() {
    return "TokenDigest"; // even a digest of a token stays out of log lines
  }
}
