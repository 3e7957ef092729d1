package io.mcpauth.core.gate;

import java.util.List;
import java.util.Map;

/**
 * The Spring WebMVC transports' adapter: their handlers (the SDK's 0.17/0.18 module and Spring AI
 * 2.0's), the {@link RequestView} over a WebMVC {@code ServerRequest}, and a denial returned as the
 * handler's own {@code ServerResponse}. A POSTed body is judged from the servlet request beneath.
 */
final class WebMvcTransport {

  static final TransportHooks HOOKS = new TransportHooks("Spring WebMVC", TransportHooks.Entry.HANDLER,
      List.of(TransportHooks.SDK_PACKAGE, "org/springframework/ai/mcp/server/webmvc/transport/"),
      Map.of("WebMvcStreamableServerTransportProvider", List.of("handleGet", "handlePost", "handleDelete"),
          "WebMvcSseServerTransportProvider", List.of("handleSseConnection", "handleMessage"),
          "WebMvcStatelessServerTransport", List.of("handlePost")),
      List.of("handleGet", "handlePost", "handleDelete", "handleSseConnection", "handleMessage"),
      "(Lorg/springframework/web/servlet/function/ServerRequest;)Lorg/springframework/web/servlet/function/ServerResponse;");

  private final Admission admission;

  WebMvcTransport(Admission admission) {
    this.admission = admission;
  }

  /** {@code Gate.springEntry}: null to run the handler, else the {@code ServerResponse} it returns instead. */
  Object entry(Object handler, Object request) throws Throwable {
    WebMvcApi api = WebMvcApi.of(handler.getClass());
    Object outcome;
    try {
      outcome = admit(handler, api, request);
    } catch (Throwable e) {
      outcome = admission.refuseAfterError(e);
    }
    return outcome instanceof Decision.Deny denial ? api.response(denial.reply()) : null;
  }

  private Object admit(Object handler, WebMvcApi api, Object request) throws Throwable {
    SpringRequestApi.View view = new SpringRequestApi.View(api, request, SessionStyle.of(handler.getClass()));
    Decision decision = admission.decide(view);
    if (decision instanceof Decision.Deny denial) {
      return denial;
    }
    Decision.Admit admitted = (Decision.Admit) decision;
    putCaller(api, request, admitted);
    if (!admission.judgesBody(view)) {
      return null;
    }
    // A WebMVC request's attributes are its servlet request's, which a later dispatch of the same
    // request (an error page) would still carry: the body is judged afresh on every dispatch.
    Object servletRequest = api.servletRequest(request);
    Object judged = ServletTransport.judgeBody(admission, ServletApi.ofLoaderOf(servletRequest.getClass()),
        servletRequest, view, admitted);
    if (judged instanceof Decision.Deny denial) {
      return denial;
    }
    api.attributes(request).put(MessageAuthorization.BODY_ATTRIBUTE, judged);
    return null;
  }

  /** The caller's entries as request attributes, for the transport context (shared with WebFlux). */
  static void putCaller(SpringRequestApi api, Object request, Decision.Admit admitted) throws Throwable {
    Map<String, Object> entries = admitted.entries();
    Map<String, Object> attributes = api.attributes(request);
    attributes.putAll(entries);
    attributes.put(TransportContexts.CALLER_ATTRIBUTE, entries);
  }
}
