package io.mcpauth.core.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Spring functional-endpoint methods both WebMVC and WebFlux transports are gated through,
 * as method handles resolved once per hooked class from that class's own loader (inside a Spring
 * Boot fat jar, its LaunchedClassLoader). Only methods present in both Spring 6 and Spring 7 are
 * used: Spring 7's {@code HttpHeaders} is no longer a {@code Map}, so headers are read through
 * {@code ServerRequest.Headers.header(String)}.
 */
abstract class SpringRequestApi implements TransportContexts.AttributeReader {

  static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  private final ClassLoader loader;
  private final Object applicationJson;
  private final MethodHandle httpMethodName;
  private final MethodHandle method;
  private final MethodHandle path;
  private final MethodHandle headers;
  private final MethodHandle header;
  private final MethodHandle status;
  private final MethodHandle setHeader;
  private final MethodHandle contentType;
  private final MethodHandle body;
  private final MethodHandle attributes;
  private final MethodHandle parameters;
  private final MethodHandle remoteAddress;

  /**
   * @param pkg the functional web package, with its trailing dot
   * @param bodyMethod the response builder's body method: {@code body} (a ServerResponse) or
   *     {@code bodyValue} (a Mono)
   * @param parametersMethod where the SDK's parameter reads look: {@code params} (WebMVC {@code
   *     param()}: query string and form fields) or {@code queryParams} (WebFlux {@code queryParam()})
   */
  SpringRequestApi(ClassLoader loader, String pkg, String bodyMethod, Class<?> bodyType, String parametersMethod)
      throws ReflectiveOperationException {
    this.loader = loader;
    Class<?> mediaType = load("org.springframework.http.MediaType");
    applicationJson = mediaType.getField("APPLICATION_JSON").get(null);
    Class<?> httpMethod = load("org.springframework.http.HttpMethod");
    httpMethodName = objectReceiver(LOOKUP.findVirtual(httpMethod, "name", MethodType.methodType(String.class)));
    Class<?> request = load(pkg + "ServerRequest");
    Class<?> headersType = load(pkg + "ServerRequest$Headers");
    Class<?> response = load(pkg + "ServerResponse");
    Class<?> headersBuilder = load(pkg + "ServerResponse$HeadersBuilder");
    Class<?> bodyBuilder = load(pkg + "ServerResponse$BodyBuilder");
    method = objectReceiver(LOOKUP.findVirtual(request, "method", MethodType.methodType(httpMethod)));
    path = objectReceiver(LOOKUP.findVirtual(request, "path", MethodType.methodType(String.class)));
    headers = objectReceiver(LOOKUP.findVirtual(request, "headers", MethodType.methodType(headersType)));
    header = objectReceiver(LOOKUP.findVirtual(headersType, "header", MethodType.methodType(List.class, String.class)));
    status = LOOKUP.findStatic(response, "status", MethodType.methodType(bodyBuilder, int.class));
    setHeader = LOOKUP.findVirtual(headersBuilder, "header",
        MethodType.methodType(headersBuilder, String.class, String[].class));
    contentType = LOOKUP.findVirtual(bodyBuilder, "contentType", MethodType.methodType(bodyBuilder, mediaType));
    body = LOOKUP.findVirtual(bodyBuilder, bodyMethod,
        MethodType.methodType(bodyType == null ? response : bodyType, Object.class));
    attributes = objectReceiver(LOOKUP.findVirtual(request, "attributes", MethodType.methodType(Map.class)));
    // every value of a name, so that a repeated one is seen
    parameters = objectReceiver(LOOKUP.findVirtual(request, parametersMethod,
        MethodType.methodType(load("org.springframework.util.MultiValueMap"))));
    remoteAddress = objectReceiver(LOOKUP.findVirtual(request, "remoteAddress", MethodType.methodType(Optional.class)));
  }

  /** False for WebFlux, which runs the gate on an event loop where nothing may wait. */
  abstract boolean mayWait();

  final String method(Object request) throws Throwable {
    return (String) httpMethodName.invoke(method.invoke(request));
  }

  final String path(Object request) throws Throwable {
    return (String) path.invoke(request);
  }

  /** Every value of header {@code name}; null or empty when there is none. */
  @SuppressWarnings("unchecked")
  final List<String> headerValues(Object request, String name) throws Throwable {
    return (List<String>) header.invoke(headers.invoke(request), name);
  }

  /** The request's (first) header {@code name}, or null. */
  final String header(Object request, String name) throws Throwable {
    List<String> values = headerValues(request, name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every value of parameter {@code name} as the SDK's handlers read parameters; null when there is none. */
  @SuppressWarnings("unchecked")
  final List<String> parameterValues(Object request, String name) throws Throwable {
    return ((Map<String, List<String>>) parameters.invoke(request)).get(name);
  }

  @SuppressWarnings("unchecked")
  final Map<String, Object> attributes(Object request) throws Throwable {
    return (Map<String, Object>) attributes.invoke(request);
  }

  @Override
  public final Object attribute(Object request, String name) throws Throwable {
    return attributes(request).get(name);
  }

  /** The peer's address, or null when the server does not know it. */
  final String remoteAddress(Object request) throws Throwable {
    Optional<?> address = (Optional<?>) remoteAddress.invoke(request);
    return address.isPresent() && address.get() instanceof InetSocketAddress socket ? socket.getHostString() : null;
  }

  /** The handler's replacement result: a {@code ServerResponse} (WebMVC) or {@code Mono<ServerResponse>} (WebFlux). */
  final Object response(Reply reply) throws Throwable {
    Object builder = status.invoke(reply.status);
    for (int i = 0; i + 1 < reply.headers.length; i += 2) {
      builder = setHeader.invoke(builder, reply.headers[i], new String[] {reply.headers[i + 1]});
    }
    builder = contentType.invoke(builder, applicationJson);
    return body.invoke(builder, reply.body);
  }

  final Class<?> load(String name) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  static MethodHandle objectReceiver(MethodHandle handle) {
    return handle.asType(handle.type().changeParameterType(0, Object.class));
  }

  /** A Spring {@code ServerRequest} as the SDK's Spring transports read it. */
  static final class View implements RequestView {
    private final SpringRequestApi api;
    private final Object request;
    private final SessionStyle style;
    private String method;

    View(SpringRequestApi api, Object request, SessionStyle style) {
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
        return api.path(request);
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    }

    @Override
    public String header(String name) {
      try {
        return single(api.headerValues(request, name));
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    }

    @Override
    public String firstHeader(String name) {
      try {
        return api.header(request, name);
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
    }

    @Override
    public String parameter(String name) {
      try {
        return single(api.parameterValues(request, name));
      } catch (Throwable e) {
        throw Unchecked.of(e);
      }
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
      return api.mayWait();
    }

    /** Spring transports create their session ids out of the gate's sight. */
    @Override
    public boolean bindsSessionsOnFirstUse() {
      return true;
    }

    private static String single(List<String> values) {
      if (values == null || values.isEmpty()) {
        return null;
      }
      return values.size() > 1 ? REPEATED : values.get(0);
    }
  }
}
