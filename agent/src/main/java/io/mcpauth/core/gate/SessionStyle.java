package io.mcpauth.core.gate;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** How a transport names its sessions: none (stateless), {@code Mcp-Session-Id}, or the legacy SSE {@code ?sessionId=}. */
enum SessionStyle {
  NONE, STREAMABLE, LEGACY_SSE;

  private static final ClassValue<SessionStyle> BY_CLASS = new ClassValue<>() {
    @Override
    protected SessionStyle computeValue(Class<?> transport) {
      String name = transport.getSimpleName();
      return name.endsWith("StreamableServerTransportProvider") ? STREAMABLE
          : name.endsWith("SseServerTransportProvider") ? LEGACY_SSE : NONE;
    }
  };

  static SessionStyle of(Class<?> transport) {
    return BY_CLASS.get(transport);
  }

  /**
   * The first {@code sessionId} of a query string, as {@code getParameter} would return it. The body
   * is never read for it: the transport reads the body itself.
   */
  static String sessionIdParameter(String query) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("sessionId=")) {
        try {
          return URLDecoder.decode(pair.substring("sessionId=".length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return pair.substring("sessionId=".length());
        }
      }
    }
    return null;
  }
}
