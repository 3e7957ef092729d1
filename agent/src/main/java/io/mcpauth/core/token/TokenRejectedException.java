package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;

/**
 * A token the gate refuses. The message is a fixed, token-free reason for the log; it never
 * contains the token, a signature or a claim value an attacker could use to forge log lines.
 */
public final class TokenRejectedException extends Exception {

  /** Whether the token is at fault (401) or the verifier could not decide (503). */
  public enum Kind { INVALID, UNAVAILABLE }

  private final ReasonCode reason;

  /** @param reason the check that failed; {@link ReasonCode#unavailable()} ones mean 503 */
  public TokenRejectedException(ReasonCode reason, String message) {
    // Rejections are an expected, attacker-driven path: no stack trace to fill.
    super(message, null, false, false);
    this.reason = reason;
  }

  public ReasonCode reason() {
    return reason;
  }

  public Kind kind() {
    return reason.unavailable() ? Kind.UNAVAILABLE : Kind.INVALID;
  }
}
