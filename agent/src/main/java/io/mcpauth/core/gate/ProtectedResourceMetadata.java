package io.mcpauth.core.gate;

import io.mcpauth.core.config.AgentConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 9728 Protected Resource Metadata document, served on the MCP server's own origin at
 * the path-inserted well-known URL (and, for clients that probe it next, the root one: RS-03).
 */
final class ProtectedResourceMetadata {

  private final Reply reply;
  private final String path;
  private final String rootPath = "/.well-known/oauth-protected-resource";

  /** @param issuers every trusted issuer, the primary one first (clients usually take the first) */
  ProtectedResourceMetadata(URI resource, List<String> issuers, List<String> requiredScopes) {
    this.path = AgentConfig.protectedResourceMetadataPath(resource);
    List<String> scopes = new ArrayList<>(requiredScopes);
    String document = "{\"resource\":" + quote(resource.toString())
        + ",\"authorization_servers\":" + array(issuers)
        + (scopes.isEmpty() ? "" : ",\"scopes_supported\":" + array(scopes))
        + ",\"bearer_methods_supported\":[\"header\"]}";
    // RS-04: browser-based clients such as the MCP Inspector read it cross-origin.
    this.reply = new Reply(200, new String[] {"Access-Control-Allow-Origin", "*", "Cache-Control", "max-age=300"},
        document);
  }

  /** The document when {@code requestPath} is one of its URLs, else null. */
  Reply replyFor(String requestPath) {
    return path.equals(requestPath) || rootPath.equals(requestPath) ? reply : null;
  }

  private static String array(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (String value : values) {
      out.append(out.length() > 1 ? "," : "").append(quote(value));
    }
    return out.append(']').toString();
  }

  /** Values are validated URIs and scope tokens; escape the two JSON-significant characters anyway. */
  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
