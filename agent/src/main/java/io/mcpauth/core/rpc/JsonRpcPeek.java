package io.mcpauth.core.rpc;

import io.mcpauth.core.text.Ascii;

/**
 * Reads, before the MCP server does, what a POSTed JSON-RPC body will dispatch: the method, and
 * the tool, prompt or resource it names, so the gate can authorize per tool (RS-11, RS-SEC-57).
 * A body the server could read differently from the peek is refused, never guessed at: vectors
 * J01-J19 in {@code jsonrpc-peek-vectors.json} and a differential test against the SDK's own
 * parser fix the outcomes.
 *
 * <p>The peek is pure and thread-safe, runs in one pass over the bytes, recurses nowhere, and
 * allocates the few strings it returns.
 */
public final class JsonRpcPeek {

  /** 4 MiB: J14 expects 413 just past it. MCP messages are small; the SDK's servlet default is 16 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  /**
   * Jackson's longest string (20,000,000 chars in 2.x, 100,000,000 in 3.x) is then out of reach,
   * so no string the peek accepts is refused by the server for its length.
   */
  public static final int LARGEST_MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final int maxBodyBytes;

  public JsonRpcPeek(int maxBodyBytes) {
    if (maxBodyBytes < 1 || maxBodyBytes > LARGEST_MAX_BODY_BYTES) {
      throw new IllegalArgumentException("maxBodyBytes must be within 1.." + LARGEST_MAX_BODY_BYTES);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** {@link #peek(byte[], int, String, String)} of a whole array without a Content-Encoding. */
  public RpcMessage peek(byte[] body, String contentType) throws PeekRejectedException {
    return peek(body, body.length, contentType, null);
  }

  /**
   * @param body the body as received; only the first {@code length} bytes are read. A caller
   *     reading a stream stops at {@code maxBodyBytes() + 1} bytes and passes that length, so an
   *     oversized body is refused whole, however it was framed (chunked too).
   * @param contentType the Content-Type field, null when absent
   * @param contentEncoding the Content-Encoding field, null when absent
   * @return what the server will dispatch
   * @throws PeekRejectedException 413 for a body over the limit, 415 for anything but
   *     uncompressed UTF-8 {@code application/json}, 400 for a body that is not exactly one
   *     unambiguous JSON-RPC message
   */
  public RpcMessage peek(byte[] body, int length, String contentType, String contentEncoding)
      throws PeekRejectedException {
    if (length > maxBodyBytes) {
      throw new PeekRejectedException(413, "the body is larger than " + maxBodyBytes + " bytes");
    }
    if (!isJson(contentType)) {
      // A CORS-safelisted type (text/plain) lets any web page POST here (GHSA-89xv-2j6f-qhc8).
      throw new PeekRejectedException(415, "the Content-Type is not application/json in UTF-8");
    }
    if (!isIdentity(contentEncoding)) {
      // The SDK reads the bytes as they come and never inflates them.
      throw new PeekRejectedException(415, "the body has a Content-Encoding");
    }
    return RpcBodyReader.read(body, length);
  }

  /**
   * {@code application/json}, any case, with no charset or UTF-8: the SDK decodes the body with
   * the charset the Content-Type names (RFC 8259 §8.1 allows only UTF-8), and the peek reads UTF-8.
   */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";", -1);
    if (!Ascii.equalsIgnoreCase(Ascii.trim(parts[0]), "application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      int equals = parts[i].indexOf('=');
      String parameter = Ascii.trim(equals < 0 ? parts[i] : parts[i].substring(0, equals));
      if (Ascii.equalsIgnoreCase(parameter, "charset") && !isUtf8(Ascii.trim(parts[i].substring(equals + 1)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUtf8(String charset) {
    String unquoted = charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")
        ? charset.substring(1, charset.length() - 1) : charset;
    return Ascii.equalsIgnoreCase(unquoted, "utf-8");
  }

  private static boolean isIdentity(String contentEncoding) {
    return contentEncoding == null || Ascii.isBlank(contentEncoding)
        || Ascii.equalsIgnoreCase(Ascii.trim(contentEncoding), "identity");
  }
}
