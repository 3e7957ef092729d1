package io.mcpauth.core.gate;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.agent.bootstrap.Gate;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.rpc.JsonRpcPeek;
import io.mcpauth.core.scopes.ScopePolicy;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedToken;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.mcpauth.core.logging.AgentLog;

/**
 * Decides every request to an MCP transport: bearer token from the header, verified (or found in
 * the verified-token cache), required scopes present. Logs one line per denial with its reason,
 * never the token.
 */
public final class BearerGate implements Gate {

  private final AccessTokenVerifier tokens;
  private final ScopePolicy policy;
  /** Null unless some scope rule depends on the JSON-RPC message. */
  private final MessageAuthorization messages;
  private final ResourceIdentity resources;
  private final Set<String> unsupportedTransports = ConcurrentHashMap.newKeySet();
  private final SessionBindings sessions;
  private final StreamDeadlines streams = new StreamDeadlines();

  public BearerGate(AgentConfig config, TokenVerifier verifier, VerifiedTokenCache cache) {
    this(config, cache.inFrontOf(verifier));
  }

  /** @param tokens judges each bearer token: a JWT verifier behind its cache, introspection, or a router by issuer */
  public BearerGate(AgentConfig config, AccessTokenVerifier tokens) {
    this.tokens = tokens;
    this.policy = config.scopePolicy();
    this.messages = policy.readsMessages()
        ? new MessageAuthorization(new JsonRpcPeek(config.maxBodyBytes()), policy) : null;
    this.resources = new ResourceIdentity(config);
    this.sessions = new SessionBindings(config.sessionIdleTimeout().toNanos(), config.sessionMaxBindings(), System::nanoTime);
  }

  @Override
  public Object servletEntry(Object servlet, Object request, Object response) throws Exception {
    ServletApi api = ServletApi.of(servlet.getClass());
    Object outcome;
    try {
      outcome = admitServlet(servlet, api, request, response);
    } catch (Throwable e) {
      AgentLog.error("denied a request: 503, the authorization check failed", e);
      outcome = Challenges.UNAVAILABLE;
    }
    if (outcome instanceof Reply reply) {
      write(api, response, reply);
      return null;
    }
    return outcome;
  }

  /** The denial, or the response the transport is to use once the caller is admitted. */
  private Object admitServlet(Object servlet, ServletApi api, Object request, Object response) throws Throwable {
    String method = api.method(request);
    String path = api.requestUri(request);
    String host = first(api.headers(request, "Host"));
    Enumeration<String> origins = api.headers(request, "Origin");
    String origin = first(origins);
    if (origin != null && origins.hasMoreElements()) {
      return deny(Challenges.AMBIGUOUS_ORIGIN, method, path, "more than one Origin header");
    }
    Object decision = decide(method, path, host, origin, api.headers(request, "Authorization"), true);
    if (decision instanceof Reply denial) {
      return denial;
    }
    VerifiedToken token = (VerifiedToken) decision;
    CallerIdentity caller = CallerIdentity.of(token);
    SessionStyle style = SessionStyle.of(servlet.getClass());
    // The session is read exactly as the transport reads it: the header's fields, or getParameter's
    // decoding of the query and a form body (a name spelled session%49d is sessionId to the SDK too).
    String[] sessionIds = switch (style) {
      case STREAMABLE -> values(api.headers(request, "Mcp-Session-Id"));
      case LEGACY_SSE -> "POST".equals(method) ? api.parameterValues(request, "sessionId") : null;
      case NONE -> null;
    };
    if (sessionIds != null && sessionIds.length > 1) {
      return deny(Challenges.AMBIGUOUS_SESSION, method, path, "the session is named more than once");
    }
    String sessionId = sessionIds == null || sessionIds.length == 0 ? null : sessionIds[0];
    if (sessionId != null) {
      Reply refused = checkSession(sessions.match(sessionId, caller), method, path, caller);
      if (refused != null) {
        return refused;
      }
      if ("DELETE".equals(method)) {
        sessions.remove(sessionId);
      }
    }
    if (messages != null && "POST".equals(method)) {
      Object judged = judgeBody(api, request, token, host, method, path);
      if (judged instanceof Reply refused) {
        return refused;
      }
      api.setAttribute(request, MessageAuthorization.BODY_ATTRIBUTE, judged);
    }
    Map<String, Object> entries = caller.entries();
    for (Map.Entry<String, Object> entry : entries.entrySet()) {
      api.setAttribute(request, entry.getKey(), entry.getValue());
    }
    api.setAttribute(request, TransportContexts.CALLER_ATTRIBUTE, entries);
    TransportContexts.ensureWrapped(servlet, api::attribute);
    if (style == SessionStyle.STREAMABLE && "POST".equals(method) && sessionId == null) {
      return SessionIdRecorder.around(response, api.responseInterface, caller, sessions);
    }
    return response;
  }

  /**
   * Reads the POSTed body of a servlet request and judges its JSON-RPC message.
   *
   * @return the refusal, or the admitted body, to keep for the transport's read
   */
  private Object judgeBody(ServletApi api, Object request, VerifiedToken token, String host, String method,
      String path) throws Throwable {
    long contentLength = api.contentLength(request);
    MessageAuthorization.Refusal refusal = messages.refuseDeclaredLength(contentLength);
    if (refusal == null) {
      byte[] body = messages.read(api.inputStream(request), contentLength);
      refusal = messages.judge(body, first(api.headers(request, "Content-Type")),
          first(api.headers(request, "Content-Encoding")), token, resources.forHost(host).challenges());
      if (refusal == null) {
        return body;
      }
    }
    return deny(refusal.reply(), method, path, refusal.reason());
  }

  @Override
  public void streamStarted(Object sessionTransport, Object sessionId, Object asyncContext) throws Exception {
    ServletApi api = ServletApi.of(asyncContext.getClass());
    Object request = rethrowing(() -> api.requestOf(asyncContext));
    Object issuer = rethrowing(() -> api.attribute(request, CallerIdentity.ISSUER));
    if (issuer == null) {
      // A stream opened before an attach: a legacy session stays unbound, and its messages get 404.
      return;
    }
    String subject = (String) rethrowing(() -> api.attribute(request, CallerIdentity.SUBJECT));
    boolean legacySse = SessionStyle.of(sessionTransport.getClass().getEnclosingClass()) == SessionStyle.LEGACY_SSE;
    if (legacySse) {
      sessions.bind((String) sessionId, new CallerIdentity((String) issuer, subject,
          (String) rethrowing(() -> api.attribute(request, CallerIdentity.CLIENT_ID)), List.of(), Map.of()));
    }
    // POSTs stream their own answer and end with it; GETs stay open for as long as they are let.
    if ((legacySse || "GET".equals(rethrowing(() -> api.method(request))))
        && rethrowing(() -> api.attribute(request, CallerIdentity.CLAIMS)) instanceof Map<?, ?> claims
        && claims.get("exp") instanceof Number exp) {
      streams.endAt(api, asyncContext, exp.longValue(), subject);
    }
  }

  @Override
  public boolean servletService(Object servlet, Object request, Object response) throws Exception {
    ServletApi api = ServletApi.of(servlet.getClass());
    Reply reply;
    try {
      String method = api.method(request);
      Reply refusal = GatedMethods.refusal(servlet.getClass(), method);
      reply = refusal != null ? deny(refusal, method, api.requestUri(request), "method not gated by the transport")
          : beforeService(servlet.getClass().getName(), method, api.requestUri(request), first(api.headers(request, "Host")));
    } catch (Throwable e) {
      AgentLog.error("denied a request: 503, the authorization check failed", e);
      reply = Challenges.UNAVAILABLE;
    }
    return reply != null && write(api, response, reply);
  }

  @Override
  public Object springEntry(Object handler, Object request) throws Exception {
    SpringApi api = SpringApi.of(handler.getClass());
    Object outcome;
    try {
      outcome = admitSpring(handler, api, request);
    } catch (Throwable e) {
      AgentLog.error("denied a request: 503, the authorization check failed", e);
      outcome = Challenges.UNAVAILABLE;
    }
    Object decided = outcome;
    return decided instanceof Reply denial ? rethrowing(() -> api.response(request, denial)) : decided;
  }

  /**
   * Spring transports assign the session id inside the handler, out of the gate's sight, so a
   * session is bound to the first caller that uses it (trust on first use: the id is only ever
   * sent to the client that initialized it).
   *
   * @return null to run the handler, a {@link Reply} that denies, or the {@code Mono} a WebFlux handler returns instead
   */
  private Object admitSpring(Object handler, SpringApi api, Object request) throws Throwable {
    if (messages != null && !api.mayWait(request)
        && api.attributes(request).get(MessageAuthorization.BODY_ATTRIBUTE) instanceof byte[]) {
      // WebFlux, back from judging the body (see judgeLater): admitted already, the handler runs now.
      // Only there: a WebMVC request's attributes are its servlet request's, which a later dispatch
      // of the same request (an error page) would still carry; it is judged afresh instead.
      return null;
    }
    String method = api.method(request);
    String path = api.path(request);
    String host = api.host(request);
    boolean mayWait = api.mayWait(request);
    List<String> origins = api.headerValues(request, "Origin");
    if (origins.size() > 1) {
      return deny(Challenges.AMBIGUOUS_ORIGIN, method, path, "more than one Origin header");
    }
    Object decision = decide(method, path, host, origins.isEmpty() ? null : origins.get(0), api.authorization(request),
        mayWait);
    if (decision instanceof Reply denial) {
      return denial;
    }
    VerifiedToken token = (VerifiedToken) decision;
    CallerIdentity caller = CallerIdentity.of(token);
    // As the SDK's Spring transports read it: the header, or param() (WebMVC) / queryParam() (WebFlux).
    List<String> sessionIds = switch (SessionStyle.of(handler.getClass())) {
      case STREAMABLE -> api.headerValues(request, "Mcp-Session-Id");
      case LEGACY_SSE -> "POST".equals(method) ? api.parameterValues(request, "sessionId") : List.of();
      case NONE -> List.of();
    };
    if (sessionIds.size() > 1) {
      return deny(Challenges.AMBIGUOUS_SESSION, method, path, "the session is named more than once");
    }
    String sessionId = sessionIds.isEmpty() ? null : sessionIds.get(0);
    if (sessionId != null) {
      Reply refused = checkSession(sessions.bindIfUnknown(sessionId, caller), method, path, caller);
      if (refused != null) {
        return refused;
      }
      if ("DELETE".equals(method)) {
        sessions.remove(sessionId);
      }
    }
    Map<String, Object> entries = caller.entries();
    Map<String, Object> attributes = api.attributes(request);
    attributes.putAll(entries);
    attributes.put(TransportContexts.CALLER_ATTRIBUTE, entries);
    TransportContexts.ensureWrapped(handler, (r, name) -> api.attributes(r).get(name));
    if (messages == null || !"POST".equals(method)) {
      return null;
    }
    if (!mayWait) {
      return judgeLater(handler, api, request, token, host, method, path);
    }
    Object servletRequest = api.servletRequest(request);
    Object judged = judgeBody(ServletApi.ofLoaderOf(servletRequest.getClass()), servletRequest, token, host, method, path);
    if (judged instanceof Reply refused) {
      return refused;
    }
    api.attributes(request).put(MessageAuthorization.BODY_ATTRIBUTE, judged);
    return null;
  }

  /**
   * WebFlux: the body arrives later, on the event loop, so the handler's result becomes a Mono that
   * reads it, judges it, and either answers the refusal or runs the handler with the body kept for
   * its read (the handler's hook then lets it through, seeing the judged body).
   */
  private Object judgeLater(Object handler, SpringApi api, Object request, VerifiedToken token, String host,
      String method, String path) throws Throwable {
    String contentType = api.header(request, "Content-Type");
    String contentEncoding = api.header(request, "Content-Encoding");
    Challenges challenges = resources.forHost(host).challenges();
    return api.withBody(request, messages.maxBodyBytes(), body -> {
      try {
        MessageAuthorization.Refusal refusal = messages.judge(body, contentType, contentEncoding, token, challenges);
        if (refusal != null) {
          return api.response(request, deny(refusal.reply(), method, path, refusal.reason()));
        }
        api.attributes(request).put(MessageAuthorization.BODY_ATTRIBUTE, body);
        return SpringApi.invokeHandler(handler, request);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }, () -> {
      MessageAuthorization.Refusal tooLarge = messages.refuseDeclaredLength(Long.MAX_VALUE);
      try {
        return api.response(request, deny(tooLarge.reply(), method, path, tooLarge.reason()));
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** RS-SEC: a session answers only its owner; to anyone else it does not exist (404, as the SDK says of unknown ones). */
  private static Reply checkSession(SessionBindings.Match match, String method, String path, CallerIdentity caller) {
    return switch (match) {
      case OWNER -> null;
      case OTHER_CALLER -> deny(Challenges.SESSION_NOT_FOUND, method, path,
          "the session belongs to another caller than subject " + LogText.printable(caller.subject()));
      case UNKNOWN -> deny(Challenges.SESSION_NOT_FOUND, method, path, "unknown or expired session");
    };
  }

  @Override
  public Object requestBody(String call, Object request, Object argument, Class<?> transport) throws Exception {
    return rethrowing(() -> MessageAuthorization.handBack(call, request, argument, transport));
  }

  @Override
  public Object visibleTools(Object tools, Object caller) throws Exception {
    return rethrowing(() -> ToolVisibility.visible(policy, tools, caller));
  }

  @Override
  public Object webFluxDispatch(Object dispatcher, Object exchange) throws Exception {
    SpringApi.Exchange api = SpringApi.Exchange.of(dispatcher.getClass());
    Reply reply;
    try {
      ResourceIdentity.View resource = resources.forHost(api.host(exchange));
      reply = resource != null && "GET".equals(api.method(exchange)) ? resource.metadata().replyFor(api.path(exchange)) : null;
    } catch (Throwable e) {
      AgentLog.error("could not serve the Protected Resource Metadata", e);
      reply = null;
    }
    Reply document = reply;
    return document == null ? null : rethrowing(() -> api.write(exchange, document));
  }

  /** The decision for one request to a transport: null to let it through, else the reply. */
  public Reply check(String method, String path, Enumeration<String> authorization) {
    try {
      return decide(method, path, null, null, authorization, true) instanceof Reply denial ? denial : null;
    } catch (RuntimeException | Error e) {
      AgentLog.error("denied {} {}: 503, the authorization check failed", method, LogText.printable(path), e);
      return Challenges.UNAVAILABLE;
    }
  }

  /**
   * The decision for one request: a {@link Reply} that denies it, or the {@link VerifiedToken} of the
   * caller it admits.
   *
   * @param host the Host header, which names the resource only when it is derived (a loopback origin)
   * @param origin the Origin header, null when absent (every non-browser client)
   * @param mayWait false on an event loop: nothing may block on a key fetch
   */
  private Object decide(String method, String path, String host, String origin, Enumeration<String> authorization,
      boolean mayWait) {
    ResourceIdentity.View resource = resources.forHost(host);
    if (resource == null) {
      return deny(Challenges.MISDIRECTED, method, path, "Host " + LogText.printable(host) + " is not a loopback origin");
    }
    if (origin != null && !resource.origins().allows(origin)) {
      return deny(Challenges.FORBIDDEN_ORIGIN, method, path, "Origin " + LogText.printable(origin) + " is not allowed");
    }
    Challenges challenges = resource.challenges();
    BearerCredentials credentials = BearerCredentials.parse(authorization);
    switch (credentials.kind()) {
      case NONE:
        return deny(challenges.noToken, method, path, "no bearer token");
      case MALFORMED_REQUEST:
        return deny(challenges.malformedRequest, method, path, "malformed Authorization header");
      case MALFORMED_TOKEN:
        return deny(challenges.invalidToken, method, path, "malformed token: not token68 text");
      default:
        break;
    }
    VerifiedToken token;
    try {
      token = tokens.verify(credentials.token(), mayWait);
    } catch (TokenRejectedException e) {
      Reply reply = e.kind() == TokenRejectedException.Kind.UNAVAILABLE ? challenges.unavailable : challenges.invalidToken;
      return deny(reply, method, path, e.getMessage());
    }
    if (resources.perRequest() && !names(token.claims().get("aud"), resource.resource())) {
      return deny(challenges.invalidToken, method, path, "aud does not name this resource");
    }
    if (!policy.grants(token.scopes(), policy.everyRequest())) {
      return deny(challenges.insufficientScope, method, path,
          "insufficient scope for subject " + LogText.printable(token.subject()));
    }
    return token;
  }

  /** The metadata for a GET of its URL; a 503 for a transport that could not be protected; else null. */
  Reply beforeService(String servletClass, String method, String path, String host) {
    if (!unsupportedTransports.isEmpty() && unsupportedTransports.contains(servletClass)) {
      return deny(Challenges.UNAVAILABLE, method, path, "transport " + servletClass + " could not be protected");
    }
    if (!"GET".equals(method)) {
      return null;
    }
    ResourceIdentity.View resource = resources.forHost(host);
    return resource == null ? null : resource.metadata().replyFor(path);
  }

  private static boolean names(Object aud, String resource) {
    if (aud instanceof String single) {
      return single.equals(resource);
    }
    return aud instanceof List<?> list && list.contains(resource);
  }

  private static String first(Enumeration<String> values) {
    return values != null && values.hasMoreElements() ? values.nextElement() : null;
  }

  /** Every value of a header, or null when there is none. */
  private static String[] values(Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String one = values.nextElement();
    if (!values.hasMoreElements()) {
      return new String[] {one};
    }
    List<String> all = new java.util.ArrayList<>(List.of(one));
    while (values.hasMoreElements()) {
      all.add(values.nextElement());
    }
    return all.toArray(new String[0]);
  }

  /**
   * Marks a transport class whose shape the agent does not recognise: every request to it is
   * denied with 503 from {@code HttpServlet.service}, since its own entry points carry no gate.
   */
  public void refuseTransport(String className) {
    unsupportedTransports.add(className);
  }

  private static boolean write(ServletApi api, Object response, Reply reply) throws Exception {
    rethrowing(() -> {
      api.write(response, reply);
      return null;
    });
    return true;
  }

  private interface Action {
    Object run() throws Throwable;
  }

  /** Method handles throw Throwable; the bridge passes on Exceptions and Errors as they are. */
  private static Object rethrowing(Action action) throws Exception {
    try {
      return action.run();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static Reply deny(Reply reply, String method, String path, String reason) {
    AgentLog.info("denied {} {}: {} ({})", method, LogText.printable(path), reply.status, reason);
    return reply;
  }

}
