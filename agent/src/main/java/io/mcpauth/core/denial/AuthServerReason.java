package io.mcpauth.core.denial;

import java.util.Locale;

/**
 * Why the embedded authorization server refused a request, as its audit event's {@code event.reason}:
 * the OAuth error it answered (RFC 6749, 7009, 7591, 8707), or a finer code where the error alone
 * would hide what happened. Listed in docs/operations.md; the names are stable.
 */
public enum AuthServerReason {
  /** A malformed request: a missing or repeated parameter, a wrong content type, a body too large. */
  INVALID_REQUEST,
  /** Client authentication failed or was missing. */
  INVALID_CLIENT,
  /** The code or refresh token is unknown, expired, another client's, or the PKCE verifier does not match. */
  INVALID_GRANT,
  /** An authorization code redeemed a second time: what it produced is revoked. */
  CODE_REUSED,
  /** A rotated-out refresh token came back: its grant is revoked (event {@code as.refresh_reuse}). */
  REFRESH_TOKEN_REUSED,
  UNAUTHORIZED_CLIENT,
  UNSUPPORTED_GRANT_TYPE,
  INVALID_SCOPE,
  INVALID_TARGET,
  INVALID_CLIENT_METADATA,
  INVALID_REDIRECT_URI,
  /** Too many requests from this address (429). */
  RATE_LIMITED,
  SERVER_ERROR,
  TEMPORARILY_UNAVAILABLE,
  /** A wrong username or password. */
  LOGIN_FAILED,
  /** Too many failed sign-ins for this username or from this address (429). */
  LOGIN_THROTTLED,
  /** A login or consent form that was not submitted from the server's own page. */
  CSRF_MISMATCH,
  /** The sign-in transaction is unknown, expired or of another browser. */
  TRANSACTION_EXPIRED,
  /** The user denied the client at the consent page. */
  ACCESS_DENIED,
  /** The users file cannot be read. */
  USERS_UNAVAILABLE,
  /** The data directory cannot be written (a full disk, a read-only directory): nothing was stored (503). */
  STORAGE_UNAVAILABLE,
  /** Upstream sign-in: the identity provider cannot be reached, or did not redeem its code. */
  UPSTREAM_UNAVAILABLE,
  /** Upstream sign-in: the provider did not sign the user in, or its answer or ID token is refused, or the user may not sign in here. */
  UPSTREAM_REFUSED,
  /** The audit trail is on in block mode and cannot be written (503). */
  AUDIT_UNAVAILABLE;

  private final String code = name().toLowerCase(Locale.ROOT);

  public String code() {
    return code;
  }

  /** The reason for an OAuth error answered with {@code status}: 429 is always {@link #RATE_LIMITED}. */
  public static String ofError(int status, String error) {
    if (status == 429) {
      return RATE_LIMITED.code;
    }
    for (AuthServerReason reason : values()) {
      if (reason.code.equals(error)) {
        return reason.code;
      }
    }
    return status >= 500 ? SERVER_ERROR.code : INVALID_REQUEST.code;
  }

  @Override
  public String toString() {
    return code;
  }
}
