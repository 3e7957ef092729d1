package io.mcpauth.core.gate;

import java.nio.charset.StandardCharsets;

/** A response the agent sends in place of the host's own: a denial (401, 403, 503) or the metadata. */
public final class Reply {

  public final int status;
  /** Response headers as name, value pairs. */
  public final String[] headers;
  /** A JSON body. */
  public final String body;
  /** The body's length in UTF-8 bytes. */
  public final int contentLength;

  public Reply(int status, String[] headers, String body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.contentLength = body.getBytes(StandardCharsets.UTF_8).length;
  }
}
