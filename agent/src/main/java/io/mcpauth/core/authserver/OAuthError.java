package io.mcpauth.core.authserver;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error answered as RFC 6749 §5.2 JSON: {@code error} and a description that is safe to show. */
class OAuthError extends Exception {

  final int status;
  final String error;

  OAuthError(int status, String error, String description) {
    super(description, null, false, false);
    this.status = status;
    this.error = error;
  }

  static OAuthError invalidRequest(String description) {
    return new OAuthError(400, "invalid_request", description);
  }

  static OAuthError invalidGrant(String description) {
    return new OAuthError(400, "invalid_grant", description);
  }

  /**
   * 503 with Retry-After: the request may succeed later, nothing is wrong with it. RFC 6749 names
   * {@code temporarily_unavailable} for the authorization endpoint only; the token endpoint has no
   * better code, and {@code invalid_client} would tell the client its registration is void.
   */
  static OAuthError temporarilyUnavailable(String description, long retryAfterSeconds) {
    return new OAuthError(503, "temporarily_unavailable", description) {
      @Override
      long retryAfterSeconds() {
        return retryAfterSeconds;
      }
    };
  }

  /** Seconds for a Retry-After field; 0 for none. */
  long retryAfterSeconds() {
    return 0;
  }

  /** RFC 6749 §5.2: a 401 after Basic authentication carries a matching WWW-Authenticate. */
  boolean basicChallenge() {
    return false;
  }

  Map<String, Object> json() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", getMessage());
    return body;
  }
}
