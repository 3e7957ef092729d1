package io.mcpauth.core.rpc;

/**
 * A request body the gate must refuse before the MCP server parses it: 400 (the gate's
 * {@code invalid_request}), 413 (too large) or 415 (not a UTF-8 JSON body). The reason is a fixed
 * phrase safe to log and to return; it never quotes the body.
 */
public final class PeekRejectedException extends Exception {

  private final int status;

  PeekRejectedException(int status, String reason) {
    // Rejections are an expected, attacker-driven path: no stack trace to fill.
    super(reason, null, false, false);
    this.status = status;
  }

  static PeekRejectedException badRequest(String reason) {
    return new PeekRejectedException(400, reason);
  }

  public int status() {
    return status;
  }

  public String reason() {
    return getMessage();
  }
}
