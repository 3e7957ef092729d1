package io.mcpauth.core.token;

/**
 * A token the gate refuses. The message is a fixed, token-free reason for the log; it never
 * contains the token, a signature or a claim value an attacker could use to forge log lines.
 */
public final class TokenRejectedException extends Exception {

  /** Whether the token is at fault (401) or the verifier could not decide (503). */
  public enum Kind { INVALID, UNAVAILABLE }

  private final Kind kind;

  public TokenRejectedException(String reason) {
    this(Kind.INVALID, reason);
  }

  public TokenRejectedException(Kind kind, String reason) {
    // Rejections are an expected, attacker-driven path: no stack trace to fill.
    super(reason, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
