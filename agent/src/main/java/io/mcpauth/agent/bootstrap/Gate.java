package io.mcpauth.agent.bootstrap;

import java.util.Enumeration;

/** Implemented by the hidden core; seen by inlined advice only through {@link AuthBridge}. */
public interface Gate {

  /**
   * Decides one request to an MCP transport entry point.
   *
   * @param authorization every {@code Authorization} header field of the request
   * @return null to let the dispatch run, or the reply that replaces it
   */
  Reply check(String method, String path, Enumeration<String> authorization);

  /**
   * Runs before any servlet's {@code service}: the Protected Resource Metadata for a GET of one of
   * its URLs, a denial for a transport the agent could not instrument, otherwise null.
   */
  Reply beforeService(String servletClass, String method, String path);
}
