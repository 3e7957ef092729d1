package io.mcpauth.core.authserver;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Authorization codes: in memory, single-use, 60 seconds (AS-06). They are not persisted: after a
 * restart every outstanding code is unknown and its redemption fails (AS-SEC-48). A redeemed code
 * is remembered until it expires, with the grant it produced, so that a replay can revoke it
 * (AS-SEC-25).
 */
final class AuthorizationCodes {

  static final long LIFETIME_SECONDS = 60;
  private static final int MAX_CODES = 100_000;

  /**
   * What a code stands for: the request, the user and the credential the user approved with.
   * {@code grantId} is set once, by the one successful redemption.
   */
  static final class Code {
    final AuthorizationRequest request;
    final String subject;
    final String credential;
    /** The upstream provider's refresh token of a user who signed in there, or null. */
    final String upstreamRefreshToken;
    final long expiresAt;
    final AtomicReference<String> grantId = new AtomicReference<>();

    Code(AuthorizationRequest request, String subject, String credential, String upstreamRefreshToken, long expiresAt) {
      this.request = request;
      this.subject = subject;
      this.credential = credential;
      this.upstreamRefreshToken = upstreamRefreshToken;
      this.expiresAt = expiresAt;
    }

    boolean upstream() {
      return UpstreamSignIn.CREDENTIAL.equals(credential);
    }
  }

  private final Map<String, Code> codes = new ConcurrentHashMap<>();
  /** When issuing next forgets the expired codes: once a lifetime, so memory holds about two lifetimes' codes. */
  private volatile long nextSweep;

  /** @return the code, or null when too many are outstanding */
  String issue(AuthorizationRequest request, String subject, String credential, String upstreamRefreshToken, long now) {
    if (now >= nextSweep || codes.size() >= MAX_CODES) {
      nextSweep = now + LIFETIME_SECONDS;
      sweep(now);
      if (codes.size() >= MAX_CODES) {
        return null;
      }
    }
    String code = Secrets.random();
    codes.put(key(code), new Code(request, subject, credential, upstreamRefreshToken, now + LIFETIME_SECONDS));
    return code;
  }

  /** The code's record, redeemed or not, or null when unknown or expired. */
  Code find(String code, long now) {
    Code found = codes.get(key(code));
    return found == null || found.expiresAt < now ? null : found;
  }

  /** Codes held in memory, redeemed or not: what the sweep bounds. */
  int held() {
    return codes.size();
  }

  void sweep(long now) {
    for (Iterator<Code> it = codes.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresAt < now) {
        it.remove();
      }
    }
  }

  /** Codes are looked up by hash, so that a heap dump does not hold redeemable codes as keys. */
  private static String key(String code) {
    return java.util.HexFormat.of().formatHex(Secrets.sha256(code));
  }
}
