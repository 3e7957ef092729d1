package io.mcpauth.agent.bootstrap;

/**
 * A response the agent sends in place of the host's own: a denial (401, 403, 503) or the Protected
 * Resource Metadata. JDK types only: instances cross from the hidden core to advice inlined into
 * the host's classes through the bootstrap loader.
 */
public final class Reply {

  /** Until the core has installed its gate, nothing is served. */
  public static final Reply NOT_READY =
      new Reply(503, new String[] {"Retry-After", "1"},
          "{\"error\":\"temporarily_unavailable\",\"error_description\":\"authorization not ready\"}");

  /** The gate itself failed: fail closed. */
  public static final Reply GATE_FAILURE =
      new Reply(503, new String[] {"Retry-After", "1"},
          "{\"error\":\"temporarily_unavailable\",\"error_description\":\"authorization check failed\"}");

  public final int status;
  /** Response headers as name, value pairs. */
  public final String[] headers;
  /** A JSON body. */
  public final String body;

  public Reply(int status, String[] headers, String body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}
