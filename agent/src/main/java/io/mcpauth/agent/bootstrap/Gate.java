package io.mcpauth.agent.bootstrap;

/**
 * Implemented by the hidden core; reached from the host's classes only through {@link AuthBridge}.
 * Servlet objects are passed as {@code Object}: this side of the agent knows only JDK types.
 */
public interface Gate {

  /**
   * Decides a request to an MCP transport entry point and, when it is refused, writes the reply.
   *
   * @return null when the request has been answered and the transport must not run; otherwise the
   *     response the transport is to use: {@code response} itself, or a wrapper of it that watches
   *     for the session id the transport assigns
   * @throws Exception when the reply cannot be written; the transport does not run either
   */
  Object servletEntry(Object servlet, Object request, Object response) throws Exception;

  /**
   * A servlet transport opened an SSE stream for a session (its per-stream transport object was
   * just constructed). A legacy SSE session is created right there and is bound to the caller the
   * gate admitted on that request ({@code asyncContext.getRequest()}); a long-lived GET stream is
   * ended when that caller's token expires.
   */
  void streamStarted(Object sessionTransport, Object sessionId, Object asyncContext) throws Exception;

  /**
   * Stands in for a transport's read of a POSTed body when per-message scope rules are configured:
   * the gate read the body before the transport ran, to judge the JSON-RPC message in it, and hands
   * that same body back; without one (the gate did not read it), does the original read.
   *
   * @param call the read replaced
   * @param argument the read's own argument: the size limit (an Integer) or the body type; null for getReader
   * @param transport the transport class making the read
   */
  Object requestBody(BodyRead call, Object request, Object argument, Class<?> transport) throws Exception;

  /**
   * The part of the server's tool list the caller of a {@code tools/list} may call
   * ({@code mcpauth.scopes.filter-tools-list}).
   *
   * @param tools the server's tool specifications (a {@code CopyOnWriteArrayList})
   * @param caller the request's {@code McpAsyncServerExchange}, or its {@code McpTransportContext} (stateless)
   * @return a {@code CopyOnWriteArrayList} of the visible ones
   */
  Object visibleTools(Object tools, Object caller) throws Exception;

  /**
   * Stands in for a transport's {@code contextExtractor.extract(request)}: runs the application's
   * extractor and adds the admitted caller's {@code mcpauth.*} keys to the context it returns.
   *
   * @param extractor the transport's {@code McpTransportContextExtractor}
   * @param transport the transport class making the call
   * @return an {@code McpTransportContext}
   */
  Object transportContext(Object extractor, Object request, Class<?> transport) throws Exception;

  /**
   * The same for SDK 0.11.x, whose transports call {@code extractor.extract(request, seed)} with a
   * context they made ({@code io.modelcontextprotocol.server.McpTransportContext}).
   */
  Object seededTransportContext(Object extractor, Object request, Object seed, Class<?> transport) throws Exception;

  /**
   * Runs before any servlet's {@code service}: answers a GET of the Protected Resource Metadata,
   * and refuses every request to a transport the agent could not instrument.
   *
   * @return true when the request has been answered
   */
  boolean servletService(Object servlet, Object request, Object response) throws Exception;

  /**
   * Decides a request to a Spring WebMVC or WebFlux transport handler.
   *
   * @return null to let the handler run, or what it returns instead: a {@code ServerResponse}
   *     (WebMVC) or a {@code Mono<ServerResponse>} (WebFlux) carrying the denial
   */
  Object springEntry(Object handler, Object request) throws Exception;

  /**
   * Runs before WebFlux's {@code DispatcherHandler.handle}: answers a GET of the Protected Resource
   * Metadata on Netty, where no servlet runs.
   *
   * @return null to let the dispatcher run, or the {@code Mono<Void>} that writes the document
   */
  Object webFluxDispatch(Object dispatcher, Object exchange) throws Exception;
}
