package io.mcpauth.core.rpc;

/**
 * What the MCP server will dispatch for one request body, as {@link JsonRpcPeek} read it.
 *
 * @param kind how the SDK classifies the message ({@code McpSchema.deserializeJsonRpcMessage})
 * @param method the JSON-RPC method; null for a response
 * @param name {@code params.name} for {@code tools/call} and {@code prompts/get}, else null. For
 *     those methods: null when there are no params (the SDK then calls nothing and answers an
 *     error), the empty string when params has no name or a null one (SDK 2.1.0 looks up "").
 * @param uri {@code params.uri} for {@code resources/read}, {@code resources/subscribe} and
 *     {@code resources/unsubscribe}, else null; null or empty as for {@code name}
 */
public record RpcMessage(Kind kind, String method, String name, String uri) {

  public enum Kind {
    /** {@code method} and {@code id}: the server runs a handler and answers. */
    REQUEST,
    /** {@code method} without {@code id}: the server runs a notification handler, if any. */
    NOTIFICATION,
    /** {@code result} or {@code error}: a client's answer to a request of the server. */
    RESPONSE
  }
}
