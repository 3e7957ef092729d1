package io.mcpauth.core.authserver.enterprise;

/**
 * An ID token or identity assertion that is refused. The message is fixed text naming the rule
 * that failed, safe for a log line and an error description: never the token or a claim value.
 */
public final class AssertionRejectedException extends Exception {

  public AssertionRejectedException(String message) {
    super(message, null, false, false);
  }
}
