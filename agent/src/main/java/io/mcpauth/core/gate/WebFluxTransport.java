package io.mcpauth.core.gate;

import java.util.List;
import java.util.Map;

/**
 * The Spring WebFlux transports' adapter: their handlers (the SDK's 0.17/0.18 module and Spring AI
 * 2.0's), the {@link RequestView} over a WebFlux {@code ServerRequest}, and a denial returned as the
 * handler's own {@code Mono<ServerResponse>}. The check runs on the event loop and never waits.
 */
final class WebFluxTransport {

  static final TransportHooks HOOKS = new TransportHooks("Spring WebFlux", TransportHooks.Entry.HANDLER,
      List.of(TransportHooks.SDK_PACKAGE, "org/springframework/ai/mcp/server/webflux/transport/"),
      Map.of("WebFluxStreamableServerTransportProvider", List.of("handleGet", "handlePost", "handleDelete"),
          "WebFluxSseServerTransportProvider", List.of("handleSseConnection", "handleMessage"),
          "WebFluxStatelessServerTransport", List.of("handlePost")),
      List.of("handleGet", "handlePost", "handleDelete", "handleSseConnection", "handleMessage"),
      "(Lorg/springframework/web/reactive/function/server/ServerRequest;)Lreactor/core/publisher/Mono;");

  private final Admission admission;

  WebFluxTransport(Admission admission) {
    this.admission = admission;
  }

  /** {@code Gate.springEntry}: null to run the handler, else the {@code Mono} it returns instead. */
  Object entry(Object handler, Object request) throws Throwable {
    WebFluxApi api = WebFluxApi.of(handler.getClass());
    Object outcome;
    try {
      outcome = admit(handler, api, request);
    } catch (Throwable e) {
      outcome = admission.refuseAfterError(e);
    }
    return outcome instanceof Decision.Deny denial ? api.response(denial.reply()) : outcome;
  }

  /** @return null to run the handler, a {@link Decision.Deny}, or the {@code Mono} the handler returns instead */
  private Object admit(Object handler, WebFluxApi api, Object request) throws Throwable {
    if (admission.readsMessages() && api.attributes(request).get(MessageAuthorization.BODY_ATTRIBUTE) instanceof byte[]) {
      // Back from judging the body (see judgeLater): admitted already, the handler runs now.
      return null;
    }
    SpringRequestApi.View view = new SpringRequestApi.View(api, request, SessionStyle.of(handler.getClass()));
    Decision decision = admission.decide(view);
    if (decision instanceof Decision.Deny denial) {
      return denial;
    }
    Decision.Admit admitted = (Decision.Admit) decision;
    WebMvcTransport.putCaller(api, request, admitted);
    return admission.judgesBody(view) ? judgeLater(handler, api, request, view, admitted) : null;
  }

  /**
   * The body arrives later, on the event loop, so the handler's result becomes a Mono that reads
   * it, judges it, and either answers the refusal or runs the handler with the body kept for its
   * read (the handler's hook then lets it through, seeing the judged body). The handler is called
   * through its hooked entry point again: a transformation may not add the un-hooked copy it would
   * take to skip the gate, and the second pass is one attribute lookup.
   */
  private Object judgeLater(Object handler, WebFluxApi api, Object request, RequestView view, Decision.Admit admitted)
      throws Throwable {
    String contentType = api.header(request, "Content-Type");
    String contentEncoding = api.header(request, "Content-Encoding");
    return api.withBody(request, admission.maxBodyBytes(), body -> {
      try {
        Decision.Deny refused = admission.judgeMessage(view, admitted, body, contentType, contentEncoding);
        if (refused != null) {
          return api.response(refused.reply());
        }
        api.attributes(request).put(MessageAuthorization.BODY_ATTRIBUTE, body);
        return WebFluxApi.invokeHandler(handler, request);
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    }, () -> {
      try {
        return api.response(admission.refuseDeclaredLength(view, admitted, Long.MAX_VALUE).reply());
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    });
  }
}
