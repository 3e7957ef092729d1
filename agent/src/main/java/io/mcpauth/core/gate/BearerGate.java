package io.mcpauth.core.gate;

import io.mcpauth.agent.bootstrap.BodyRead;
import io.mcpauth.agent.bootstrap.Gate;
import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.util.Enumeration;

/**
 * The bridge's gate: hands each hooked call to its transport family's adapter, which builds the
 * {@link RequestView}, asks {@link Admission} and writes a denial in its framework's terms.
 * Method handles throw Throwable; the bridge passes on Exceptions and Errors as they are.
 */
public final class BearerGate implements Gate {

  private final Admission admission;
  private final ServletTransport servlet;
  private final WebMvcTransport webMvc;
  private final WebFluxTransport webFlux;

  /** Spring handler class: whether it is a WebFlux transport (else WebMVC). */
  private static final ClassValue<Boolean> WEBFLUX = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> handler) {
      return handler.getSimpleName().startsWith("WebFlux");
    }
  };

  public BearerGate(AgentConfig config, TokenVerifier verifier, VerifiedTokenCache cache) {
    this(config, cache.inFrontOf(verifier));
  }

  /** @param tokens judges each bearer token: a JWT verifier behind its cache, introspection, or a router by issuer */
  public BearerGate(AgentConfig config, AccessTokenVerifier tokens) {
    this(config, tokens, AuditEvents.NONE);
  }

  /** @param audit where every decision is published (the trail, the alerts) */
  public BearerGate(AgentConfig config, AccessTokenVerifier tokens, AuditEvents audit) {
    this.admission = new Admission(config, tokens, audit);
    this.servlet = new ServletTransport(admission);
    this.webMvc = new WebMvcTransport(admission);
    this.webFlux = new WebFluxTransport(admission);
  }

  @Override
  public Object servletEntry(Object servlet, Object request, Object response) throws Exception {
    try {
      return this.servlet.entry(servlet, request, response);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public boolean servletService(Object servlet, Object request, Object response) throws Exception {
    try {
      return this.servlet.service(servlet, request, response);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public void streamStarted(Object sessionTransport, Object sessionId, Object asyncContext) throws Exception {
    try {
      servlet.streamStarted(sessionTransport, sessionId, asyncContext);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public Object springEntry(Object handler, Object request) throws Exception {
    try {
      return WEBFLUX.get(handler.getClass()) ? webFlux.entry(handler, request) : webMvc.entry(handler, request);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public Object requestBody(BodyRead call, Object request, Object argument, Class<?> transport) throws Exception {
    try {
      return MessageAuthorization.handBack(call, request, argument, transport);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public Object visibleTools(Object tools, Object caller) throws Exception {
    try {
      return ToolVisibility.visible(admission.policy(), tools, caller);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public Object transportContext(Object extractor, Object request, Class<?> transport) throws Exception {
    try {
      return TransportContexts.extract(extractor, request, transport);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public Object seededTransportContext(Object extractor, Object request, Object seed, Class<?> transport)
      throws Exception {
    try {
      return TransportContexts.extractSeeded(extractor, request, seed, transport);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  /** The metadata on Netty, where no servlet runs; a failure only means the document is not served. */
  @Override
  public Object webFluxDispatch(Object dispatcher, Object exchange) throws Exception {
    WebFluxDispatcherApi api = WebFluxDispatcherApi.of(dispatcher.getClass());
    Reply document;
    try {
      document = "GET".equals(api.method(exchange)) ? admission.metadataFor(api.host(exchange), api.path(exchange)) : null;
    } catch (Throwable e) {
      AgentLog.error("could not serve the Protected Resource Metadata", e);
      document = null;
    }
    if (document == null) {
      return null;
    }
    try {
      return api.write(exchange, document);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  /**
   * Marks a transport class whose shape the agent does not recognise: every request to it is
   * denied with 503 from {@code HttpServlet.service}, since its own entry points carry no gate.
   */
  public void refuseTransport(String className) {
    admission.refuseTransport(className);
  }

  /**
   * The decision for a bare request to a stateless transport, with no Host or Origin: null to let
   * it through, else the reply. For tests of the token and challenge rules.
   */
  public Reply check(String method, String path, Enumeration<String> authorization) {
    try {
      return admission.decide(new BareRequest(method, path, authorization)) instanceof Decision.Deny denial
          ? denial.reply() : null;
    } catch (RuntimeException | Error e) {
      return Admission.internalError(e).reply();
    }
  }

  private static Exception rethrow(Throwable e) {
    if (e instanceof Exception exception) {
      return exception;
    }
    if (e instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(e);
  }

  /** A request with only a method, a path and its Authorization fields. */
  private static final class BareRequest implements RequestView {
    private final String method;
    private final String path;
    private final String authorization;

    BareRequest(String method, String path, Enumeration<String> authorization) {
      this.method = method;
      this.path = path;
      String first = authorization != null && authorization.hasMoreElements() ? authorization.nextElement() : null;
      this.authorization = first != null && authorization.hasMoreElements() ? REPEATED : first;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String header(String name) {
      return name.equalsIgnoreCase("Authorization") ? authorization : null;
    }

    @Override
    public String firstHeader(String name) {
      return header(name) == REPEATED ? null : header(name);
    }

    @Override
    public String parameter(String name) {
      return null;
    }

    @Override
    public String remoteAddress() {
      return null;
    }

    @Override
    public SessionStyle sessionStyle() {
      return SessionStyle.NONE;
    }

    @Override
    public boolean mayWait() {
      return true;
    }

    @Override
    public boolean bindsSessionsOnFirstUse() {
      return false;
    }
  }
}
