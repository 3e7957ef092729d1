package io.mcpauth.core.gate;

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
}
