package io.mcpauth.core.gate;

import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The servlet transports' adapter: what is hooked ({@code doGet}, {@code doPost}, {@code doDelete}
 * of the SDK's {@code HttpServlet*} transports), the {@link RequestView} over an
 * {@code HttpServletRequest}, and how a denial is written. On admission the caller goes on the
 * request as attributes (the transport context reads them), and an {@code initialize} gets a
 * response that binds the session id the transport assigns.
 */
final class ServletTransport {

  static final TransportHooks HOOKS = new TransportHooks("servlet", TransportHooks.Entry.SERVLET,
      List.of(TransportHooks.SDK_PACKAGE),
      Map.of("HttpServletStreamableServerTransportProvider", List.of("doGet", "doPost", "doDelete"),
          "HttpServletSseServerTransportProvider", List.of("doGet", "doPost"),
          "HttpServletStatelessServerTransport", List.of("doPost")),
      List.of("doGet", "doPost", "doDelete"),
      "(Ljakarta/servlet/http/HttpServletRequest;Ljakarta/servlet/http/HttpServletResponse;)V");

  private final Admission admission;
  private final StreamDeadlines streams = new StreamDeadlines();

  ServletTransport(Admission admission) {
    this.admission = admission;
  }

  /** {@code Gate.servletEntry}: null when the denial is written, else the response the transport is to use. */
  Object entry(Object servlet, Object request, Object response) throws Throwable {
    ServletApi api = ServletApi.of(servlet.getClass());
    Object outcome;
    try {
      outcome = admit(servlet, api, request, response);
    } catch (Throwable e) {
      outcome = admission.refuseAfterError(e);
    }
    if (outcome instanceof Decision.Deny denial) {
      api.write(response, denial.reply());
      return null;
    }
    return outcome;
  }

  private Object admit(Object servlet, ServletApi api, Object request, Object response) throws Throwable {
    View view = new View(api, request, SessionStyle.of(servlet.getClass()));
    Decision decision = admission.decide(view);
    if (decision instanceof Decision.Deny denial) {
      return denial;
    }
    Decision.Admit admitted = (Decision.Admit) decision;
    if (admission.judgesBody(view)) {
      Object judged = judgeBody(admission, api, request, view, admitted);
      if (judged instanceof Decision.Deny denial) {
        return denial;
      }
      api.setAttribute(request, MessageAuthorization.BODY_ATTRIBUTE, judged);
    }
    Map<String, Object> entries = admitted.entries();
    for (Map.Entry<String, Object> entry : entries.entrySet()) {
      api.setAttribute(request, entry.getKey(), entry.getValue());
    }
    api.setAttribute(request, TransportContexts.CALLER_ATTRIBUTE, entries);
    if (view.style == SessionStyle.STREAMABLE && admitted.sessionId() == null && "POST".equals(view.method())) {
      return SessionIdRecorder.around(response, api.responseInterface, admitted.caller(), admission.sessions());
    }
    return response;
  }

  /**
   * Reads the POSTed body of a servlet request (WebMVC's too, under its ServerRequest) and judges
   * its JSON-RPC message.
   *
   * @return the denial, or the admitted body, to keep for the transport's read
   */
  static Object judgeBody(Admission admission, ServletApi api, Object request, RequestView view, Decision.Admit admitted)
      throws Throwable {
    long contentLength = api.contentLength(request);
    Decision.Deny tooLarge = admission.refuseDeclaredLength(view, admitted, contentLength);
    if (tooLarge != null) {
      return tooLarge;
    }
    byte[] body = admission.read(api.inputStream(request), contentLength);
    Decision.Deny refused = admission.judgeMessage(view, admitted, body, first(api.headers(request, "Content-Type")),
        first(api.headers(request, "Content-Encoding")));
    return refused != null ? refused : body;
  }

  /** {@code Gate.servletService}: true when the request has been answered. */
  boolean service(Object servlet, Object request, Object response) throws Throwable {
    ServletApi api = ServletApi.of(servlet.getClass());
    Reply reply;
    try {
      View view = new View(api, request, SessionStyle.NONE);
      GatedMethods.Transport transport = GatedMethods.of(servlet.getClass());
      Decision.Deny refused = admission.refuseBeforeService(view, servlet.getClass().getName(),
          transport == null ? null : transport.gated(), transport == null ? null : transport.refusal());
      reply = refused != null ? refused.reply()
          : "GET".equals(view.method()) ? admission.metadataFor(view.firstHeader("Host"), view.path()) : null;
    } catch (Throwable e) {
      reply = admission.refuseAfterError(e).reply();
    }
    if (reply == null) {
      return false;
    }
    api.write(response, reply);
    return true;
  }

  /**
   * {@code Gate.streamStarted}: a legacy SSE session is bound to the caller the gate admitted on
   * the GET that opened it; a long-lived stream is ended when that caller's token expires.
   */
  void streamStarted(Object sessionTransport, Object sessionId, Object asyncContext) throws Throwable {
    ServletApi api = ServletApi.ofLoaderOf(asyncContext.getClass());
    Object request = api.requestOf(asyncContext);
    Object issuer = api.attribute(request, CallerIdentity.ISSUER);
    if (issuer == null) {
      // A stream opened before an attach: a legacy session stays unbound, and its messages get 404.
      return;
    }
    String subject = (String) api.attribute(request, CallerIdentity.SUBJECT);
    boolean legacySse = SessionStyle.of(sessionTransport.getClass().getEnclosingClass()) == SessionStyle.LEGACY_SSE;
    if (legacySse) {
      admission.bind((String) sessionId, new CallerIdentity((String) issuer, subject,
          (String) api.attribute(request, CallerIdentity.CLIENT_ID), List.of(), Map.of()));
    }
    // POSTs stream their own answer and end with it; GETs stay open for as long as they are let.
    if ((legacySse || "GET".equals(api.method(request)))
        && api.attribute(request, CallerIdentity.CLAIMS) instanceof Map<?, ?> claims
        && claims.get("exp") instanceof Number exp) {
      streams.endAt(api, asyncContext, exp.longValue(), subject);
    }
  }

  private static String first(Enumeration<String> values) {
    return values != null && values.hasMoreElements() ? values.nextElement() : null;
  }

  /** An {@code HttpServletRequest} as the SDK's servlet transports read it. */
  static final class View implements RequestView {
    private final ServletApi api;
    private final Object request;
    final SessionStyle style;
    private String method;

    View(ServletApi api, Object request, SessionStyle style) {
      this.api = api;
      this.request = request;
      this.style = style;
    }

    @Override
    public String method() {
      if (method == null) {
        try {
          method = api.method(request);
        } catch (Throwable e) {
          throw Unchecked.of(e);
        }
      }
      return method;
    }

    @Override
    public String path() {
      try {
        return api.requestUri(request);
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    }

    @Override
    public String header(String name) {
      Enumeration<String> values = headers(name);
      if (values == null || !values.hasMoreElements()) {
        return null;
      }
      String value = values.nextElement();
      return values.hasMoreElements() ? REPEATED : value;
    }

    @Override
    public String firstHeader(String name) {
      return first(headers(name));
    }

    /** {@code getParameterValues}: the container's decoding of names and values, over the query and a form body. */
    @Override
    public String parameter(String name) {
      String[] values;
      try {
        values = api.parameterValues(request, name);
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
      if (values == null || values.length == 0) {
        return null;
      }
      return values.length > 1 ? REPEATED : values[0];
    }

    @Override
    public String remoteAddress() {
      try {
        return api.remoteAddress(request);
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    }

    @Override
    public SessionStyle sessionStyle() {
      return style;
    }

    @Override
    public boolean mayWait() {
      return true;
    }

    @Override
    public boolean bindsSessionsOnFirstUse() {
      return false;
    }

    private Enumeration<String> headers(String name) {
      try {
        return api.headers(request, name);
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    }
  }
}
