package io.mcpauth.agent.bootstrap;

/** The transports' reads of a POSTed body that the agent turns into calls of {@link AuthBridge}. */
public enum BodyRead {
  /** {@code HttpServletRequestUtils.readBody(request, max)}: a String, at most max bytes (SDK 0.18.4, 1.1.4, 2.0.1 on). */
  READ_BODY,
  /** {@code request.getReader()}: a BufferedReader (servlet SDKs before readBody). */
  GET_READER,
  /** WebMVC {@code request.body(type)}. */
  BODY,
  /** WebFlux {@code request.bodyToMono(type)}: a Mono. */
  BODY_TO_MONO
}
