package io.mcpauth.core.gate;

/** A response the agent sends in place of the host's own: a denial (401, 403, 503) or the metadata. */
public final class Reply {

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
