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
