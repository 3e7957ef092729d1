package io.mcpauth.core.audit;

/** What an audit event records, as its {@code event.action}. The names are stable: searches key on them. */
public enum AuditAction {
  /** A decision of the gate on one request to an MCP transport. */
  MCP_REQUEST("mcp.request"),
  AS_REGISTER("as.register"),
  AS_LOGIN("as.login"),
  AS_CONSENT("as.consent"),
  /** A token request other than a refresh (authorization code, client credentials, or none named). */
  AS_TOKEN("as.token"),
  AS_REFRESH("as.refresh"),
  AS_REVOKE("as.revoke"),
  /** A rotated-out refresh token came back: its grant is revoked. */
  AS_REFRESH_REUSE("as.refresh_reuse"),
  /** A fetch of an external issuer's keys (and its metadata, when discovered). */
  KEYS_FETCH("keys.fetch"),
  SECURITY_ALERT("security.alert");

  private final String action;

  AuditAction(String action) {
    this.action = action;
  }

  public String action() {
    return action;
  }

  @Override
  public String toString() {
    return action;
  }
}
