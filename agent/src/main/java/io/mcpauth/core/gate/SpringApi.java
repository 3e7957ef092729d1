package io.mcpauth.core.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Spring WebMVC / WebFlux methods the gate calls, through method handles resolved once per
 * hooked class from that class's own loader (inside a Spring Boot fat jar, its LaunchedClassLoader).
 * Only methods present in both Spring 6 and Spring 7 are used: Spring 7's {@code HttpHeaders} is no
 * longer a {@code Map}, so headers are read through {@code ServerRequest.Headers.header(String)}.
 */
final class SpringApi {

  private static final ClassValue<SpringApi> BY_CLASS = new ClassValue<>() {
    @Override
    protected SpringApi computeValue(Class<?> hooked) {
      try {
        return new SpringApi(hooked.getClassLoader());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Spring web API not reachable from " + hooked.getName(), e);
      }
    }
  };

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  private final ClassLoader loader;
  private final Object applicationJson;
  private final MethodHandle httpMethodName;
  private final Flavour webMvc;
  private final Flavour webFlux;

  /** The handles of one of the two functional web stacks; null members where it is absent. */
  private static final class Flavour {
    Class<?> request;
    MethodHandle method;
    MethodHandle path;
    MethodHandle headers;
    MethodHandle header;
    MethodHandle status;
    MethodHandle setHeader;
    MethodHandle contentType;
    MethodHandle body;
    MethodHandle attributes;
    MethodHandle parameters;
    /** WebMVC: {@code ServerRequest.servletRequest()}. */
    MethodHandle servletRequest;
    /** WebFlux: the request body as one bounded buffer, and Reactor's operators to continue with it. */
    MethodHandle exchange;
    MethodHandle exchangeRequest;
    MethodHandle requestBody;
    MethodHandle join;
    MethodHandle readableByteCount;
    MethodHandle readInto;
    MethodHandle release;
    MethodHandle monoJust;
    MethodHandle monoMap;
    MethodHandle monoDefaultIfEmpty;
    MethodHandle monoFlatMap;
    MethodHandle monoOnErrorResume;
    Class<?> limitException;
  }

  private SpringApi(ClassLoader loader) throws ReflectiveOperationException {
    this.loader = loader;
    Class<?> mediaType = load("org.springframework.http.MediaType");
    applicationJson = mediaType.getField("APPLICATION_JSON").get(null);
    httpMethodName = objectReceiver(LOOKUP.findVirtual(load("org.springframework.http.HttpMethod"), "name",
        MethodType.methodType(String.class)));
    webMvc = flavour("org.springframework.web.servlet.function.", "body", mediaType);
    webFlux = flavour("org.springframework.web.reactive.function.server.", "bodyValue", mediaType);
    if (webMvc == null && webFlux == null) {
      throw new ClassNotFoundException("neither Spring WebMVC nor WebFlux functional endpoints");
    }
  }

  static SpringApi of(Class<?> hooked) {
    return BY_CLASS.get(hooked);
  }

  private Flavour flavour(String pkg, String bodyMethod, Class<?> mediaType) throws ReflectiveOperationException {
    Class<?> request;
    try {
      request = load(pkg + "ServerRequest");
    } catch (ClassNotFoundException absent) {
      return null;
    }
    Class<?> headers = load(pkg + "ServerRequest$Headers");
    Class<?> response = load(pkg + "ServerResponse");
    Class<?> headersBuilder = load(pkg + "ServerResponse$HeadersBuilder");
    Class<?> bodyBuilder = load(pkg + "ServerResponse$BodyBuilder");
    Flavour f = new Flavour();
    f.request = request;
    f.method = objectReceiver(LOOKUP.findVirtual(request, "method", MethodType.methodType(load("org.springframework.http.HttpMethod"))));
    f.path = objectReceiver(LOOKUP.findVirtual(request, "path", MethodType.methodType(String.class)));
    f.headers = objectReceiver(LOOKUP.findVirtual(request, "headers", MethodType.methodType(headers)));
    f.header = objectReceiver(LOOKUP.findVirtual(headers, "header", MethodType.methodType(List.class, String.class)));
    f.status = LOOKUP.findStatic(response, "status", MethodType.methodType(bodyBuilder, int.class));
    f.setHeader = LOOKUP.findVirtual(headersBuilder, "header",
        MethodType.methodType(headersBuilder, String.class, String[].class));
    f.contentType = LOOKUP.findVirtual(bodyBuilder, "contentType", MethodType.methodType(bodyBuilder, mediaType));
    Class<?> bodyType = bodyMethod.equals("body") ? response : load("reactor.core.publisher.Mono");
    f.body = LOOKUP.findVirtual(bodyBuilder, bodyMethod, MethodType.methodType(bodyType, Object.class));
    f.attributes = objectReceiver(LOOKUP.findVirtual(request, "attributes", MethodType.methodType(java.util.Map.class)));
    // What the SDK's param() (WebMVC: query string and form fields) and queryParam() (WebFlux: the query)
    // read from; every value of a name, so that a repeated one is seen
    f.parameters = objectReceiver(LOOKUP.findVirtual(request, bodyMethod.equals("body") ? "params" : "queryParams",
        MethodType.methodType(load("org.springframework.util.MultiValueMap"))));
    if (bodyMethod.equals("body")) {
      f.servletRequest = objectReceiver(LOOKUP.findVirtual(request, "servletRequest",
          MethodType.methodType(load("jakarta.servlet.http.HttpServletRequest"))));
    } else {
      webFluxBody(f, request);
    }
    return f;
  }

  private void webFluxBody(Flavour f, Class<?> request) throws ReflectiveOperationException {
    Class<?> exchange = load("org.springframework.web.server.ServerWebExchange");
    Class<?> httpRequest = load("org.springframework.http.server.reactive.ServerHttpRequest");
    Class<?> flux = load("reactor.core.publisher.Flux");
    Class<?> mono = load("reactor.core.publisher.Mono");
    Class<?> publisher = load("org.reactivestreams.Publisher");
    Class<?> dataBuffer = load("org.springframework.core.io.buffer.DataBuffer");
    Class<?> dataBufferUtils = load("org.springframework.core.io.buffer.DataBufferUtils");
    f.exchange = objectReceiver(LOOKUP.findVirtual(request, "exchange", MethodType.methodType(exchange)));
    f.exchangeRequest = objectReceiver(LOOKUP.findVirtual(exchange, "getRequest", MethodType.methodType(httpRequest)));
    f.requestBody = objectReceiver(LOOKUP.findVirtual(load("org.springframework.http.ReactiveHttpInputMessage"),
        "getBody", MethodType.methodType(flux)));
    f.join = LOOKUP.findStatic(dataBufferUtils, "join", MethodType.methodType(mono, publisher, int.class));
    f.readableByteCount = objectReceiver(LOOKUP.findVirtual(dataBuffer, "readableByteCount", MethodType.methodType(int.class)));
    f.readInto = objectReceiver(LOOKUP.findVirtual(dataBuffer, "read", MethodType.methodType(dataBuffer, byte[].class)));
    f.release = LOOKUP.findStatic(dataBufferUtils, "release", MethodType.methodType(boolean.class, dataBuffer));
    f.monoJust = LOOKUP.findStatic(mono, "just", MethodType.methodType(mono, Object.class));
    f.monoMap = objectReceiver(LOOKUP.findVirtual(mono, "map", MethodType.methodType(mono, Function.class)));
    f.monoDefaultIfEmpty = objectReceiver(LOOKUP.findVirtual(mono, "defaultIfEmpty", MethodType.methodType(mono, Object.class)));
    f.monoFlatMap = objectReceiver(LOOKUP.findVirtual(mono, "flatMap", MethodType.methodType(mono, Function.class)));
    f.monoOnErrorResume = objectReceiver(LOOKUP.findVirtual(mono, "onErrorResume",
        MethodType.methodType(mono, Class.class, Function.class)));
    f.limitException = load("org.springframework.core.io.buffer.DataBufferLimitException");
  }

  private Flavour flavourOf(Object request) {
    if (webMvc != null && webMvc.request.isInstance(request)) {
      return webMvc;
    }
    if (webFlux != null && webFlux.request.isInstance(request)) {
      return webFlux;
    }
    throw new IllegalStateException("not a Spring functional ServerRequest: " + request.getClass().getName());
  }

  /** WebFlux runs the gate on an event loop, where nothing may wait. */
  boolean mayWait(Object request) {
    return flavourOf(request) == webMvc;
  }

  String method(Object request) throws Throwable {
    return (String) httpMethodName.invoke(flavourOf(request).method.invoke(request));
  }

  String path(Object request) throws Throwable {
    return (String) flavourOf(request).path.invoke(request);
  }

  String host(Object request) throws Throwable {
    Flavour f = flavourOf(request);
    @SuppressWarnings("unchecked")
    List<String> values = (List<String>) f.header.invoke(f.headers.invoke(request), "Host");
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The request's (first) header {@code name}, or null. */
  String header(Object request, String name) throws Throwable {
    List<String> values = headerValues(request, name);
    return values.isEmpty() ? null : values.get(0);
  }

  /** Every value of header {@code name}; empty when there is none. */
  List<String> headerValues(Object request, String name) throws Throwable {
    Flavour f = flavourOf(request);
    @SuppressWarnings("unchecked")
    List<String> values = (List<String>) f.header.invoke(f.headers.invoke(request), name);
    return values == null ? List.of() : values;
  }

  /** Every value of parameter {@code name} as the SDK's handlers read parameters; empty when there is none. */
  List<String> parameterValues(Object request, String name) throws Throwable {
    @SuppressWarnings("unchecked")
    List<String> values = ((java.util.Map<String, List<String>>) flavourOf(request).parameters.invoke(request)).get(name);
    return values == null ? List.of() : values;
  }

  @SuppressWarnings("unchecked")
  java.util.Map<String, Object> attributes(Object request) throws Throwable {
    return (java.util.Map<String, Object>) flavourOf(request).attributes.invoke(request);
  }

  Enumeration<String> authorization(Object request) throws Throwable {
    Flavour f = flavourOf(request);
    @SuppressWarnings("unchecked")
    List<String> values = (List<String>) f.header.invoke(f.headers.invoke(request), "Authorization");
    return Collections.enumeration(values == null ? List.of() : values);
  }

  /** WebMVC: the servlet request under a {@code ServerRequest}. */
  Object servletRequest(Object request) throws Throwable {
    return flavourOf(request).servletRequest.invoke(request);
  }

  /** WebFlux: {@code Mono.just(value)}. */
  Object monoJust(Object value) throws Throwable {
    return webFlux.monoJust.invoke(value);
  }

  /**
   * WebFlux: a {@code Mono} that reads the request body (at most {@code maxBytes}, refusing more
   * with {@code tooLarge}), then continues with what {@code then} returns for the bytes (a Mono).
   * Nothing runs until the server subscribes: the event loop never waits.
   */
  Object withBody(Object request, int maxBytes, Function<byte[], Object> then, Supplier<Object> tooLarge) throws Throwable {
    Flavour f = webFlux;
    Object buffers = f.requestBody.invoke(f.exchangeRequest.invoke(f.exchange.invoke(request)));
    Object joined = f.join.invoke(buffers, maxBytes);
    Function<Object, Object> toBytes = buffer -> {
      try {
        byte[] bytes = new byte[(int) f.readableByteCount.invoke(buffer)];
        f.readInto.invoke(buffer, bytes);
        return bytes;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      } finally {
        release(f, buffer);
      }
    };
    Object bytes = f.monoDefaultIfEmpty.invoke(f.monoMap.invoke(joined, toBytes), new byte[0]);
    Object continued = f.monoFlatMap.invoke(bytes, (Function<Object, Object>) body -> then.apply((byte[]) body));
    return f.monoOnErrorResume.invoke(continued, f.limitException, (Function<Object, Object>) e -> tooLarge.get());
  }

  private static void release(Flavour f, Object buffer) {
    try {
      f.release.invoke(buffer);
    } catch (Throwable ignored) {
      // a buffer that cannot be released is the allocator's to reclaim
    }
  }

  private static final ClassValue<MethodHandle> POST_HANDLERS = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> transport) {
      // the SSE transports take messages in handleMessage, the others in handlePost
      String name = transport.getSimpleName().contains("Sse") ? "handleMessage" : "handlePost";
      try {
        ClassLoader loader = transport.getClassLoader();
        MethodHandle handle = MethodHandles.privateLookupIn(transport, MethodHandles.lookup()).findVirtual(transport, name,
            MethodType.methodType(Class.forName("reactor.core.publisher.Mono", false, loader),
                Class.forName("org.springframework.web.reactive.function.server.ServerRequest", false, loader)));
        return handle.asType(MethodType.methodType(Object.class, Object.class, Object.class));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("no " + name + " in " + transport.getName(), e);
      }
    }
  };

  /** WebFlux: runs the transport's (hooked) POST handler, returning its Mono. */
  static Object invokeHandler(Object transport, Object request) throws Throwable {
    return POST_HANDLERS.get(transport.getClass()).invokeExact(transport, request);
  }

  /** The handler's replacement result: a {@code ServerResponse} (WebMVC) or {@code Mono<ServerResponse>} (WebFlux). */
  Object response(Object request, Reply reply) throws Throwable {
    Flavour f = flavourOf(request);
    Object builder = f.status.invoke(reply.status);
    for (int i = 0; i + 1 < reply.headers.length; i += 2) {
      builder = f.setHeader.invoke(builder, reply.headers[i], new String[] {reply.headers[i + 1]});
    }
    builder = f.contentType.invoke(builder, applicationJson);
    return f.body.invoke(builder, reply.body);
  }

  private Class<?> load(String name) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  private static MethodHandle objectReceiver(MethodHandle handle) {
    return handle.asType(handle.type().changeParameterType(0, Object.class));
  }

  /** WebFlux's exchange, for serving the metadata on Netty. */
  static final class Exchange {

    private static final ClassValue<Exchange> BY_CLASS = new ClassValue<>() {
      @Override
      protected Exchange computeValue(Class<?> dispatcher) {
        try {
          return new Exchange(dispatcher.getClassLoader());
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("Spring WebFlux API not reachable from " + dispatcher.getName(), e);
        }
      }
    };

    private final MethodHandle getRequest;
    private final MethodHandle requestMethod;
    private final MethodHandle httpMethodName;
    private final MethodHandle requestPath;
    private final MethodHandle pathValue;
    private final MethodHandle getResponse;
    private final MethodHandle setStatusCode;
    private final MethodHandle statusCodeOf;
    private final MethodHandle getHeaders;
    private final MethodHandle setHeader;
    private final MethodHandle getFirstHeader;
    private final MethodHandle bufferFactory;
    private final MethodHandle wrap;
    private final MethodHandle writeWith;
    private final MethodHandle monoJust;

    private Exchange(ClassLoader loader) throws ReflectiveOperationException {
      Class<?> exchange = Class.forName("org.springframework.web.server.ServerWebExchange", false, loader);
      Class<?> request = Class.forName("org.springframework.http.server.reactive.ServerHttpRequest", false, loader);
      Class<?> httpRequest = Class.forName("org.springframework.http.HttpRequest", false, loader);
      Class<?> httpMethod = Class.forName("org.springframework.http.HttpMethod", false, loader);
      Class<?> requestPathType = Class.forName("org.springframework.http.server.RequestPath", false, loader);
      Class<?> pathContainer = Class.forName("org.springframework.http.server.PathContainer", false, loader);
      Class<?> response = Class.forName("org.springframework.http.server.reactive.ServerHttpResponse", false, loader);
      Class<?> httpMessage = Class.forName("org.springframework.http.HttpMessage", false, loader);
      Class<?> httpHeaders = Class.forName("org.springframework.http.HttpHeaders", false, loader);
      Class<?> statusCode = Class.forName("org.springframework.http.HttpStatusCode", false, loader);
      Class<?> factory = Class.forName("org.springframework.core.io.buffer.DataBufferFactory", false, loader);
      Class<?> dataBuffer = Class.forName("org.springframework.core.io.buffer.DataBuffer", false, loader);
      Class<?> reactiveMessage = Class.forName("org.springframework.http.ReactiveHttpOutputMessage", false, loader);
      Class<?> publisher = Class.forName("org.reactivestreams.Publisher", false, loader);
      Class<?> mono = Class.forName("reactor.core.publisher.Mono", false, loader);
      getRequest = objectReceiver(LOOKUP.findVirtual(exchange, "getRequest", MethodType.methodType(request)));
      requestMethod = objectReceiver(LOOKUP.findVirtual(httpRequest, "getMethod", MethodType.methodType(httpMethod)));
      httpMethodName = objectReceiver(LOOKUP.findVirtual(httpMethod, "name", MethodType.methodType(String.class)));
      requestPath = objectReceiver(LOOKUP.findVirtual(request, "getPath", MethodType.methodType(requestPathType)));
      pathValue = objectReceiver(LOOKUP.findVirtual(pathContainer, "value", MethodType.methodType(String.class)));
      getResponse = objectReceiver(LOOKUP.findVirtual(exchange, "getResponse", MethodType.methodType(response)));
      setStatusCode = objectReceiver(LOOKUP.findVirtual(response, "setStatusCode", MethodType.methodType(boolean.class, statusCode)));
      statusCodeOf = LOOKUP.findStatic(statusCode, "valueOf", MethodType.methodType(statusCode, int.class));
      getHeaders = objectReceiver(LOOKUP.findVirtual(httpMessage, "getHeaders", MethodType.methodType(httpHeaders)));
      setHeader = objectReceiver(LOOKUP.findVirtual(httpHeaders, "set", MethodType.methodType(void.class, String.class, String.class)));
      getFirstHeader = objectReceiver(LOOKUP.findVirtual(httpHeaders, "getFirst", MethodType.methodType(String.class, String.class)));
      bufferFactory = objectReceiver(LOOKUP.findVirtual(reactiveMessage, "bufferFactory", MethodType.methodType(factory)));
      wrap = objectReceiver(LOOKUP.findVirtual(factory, "wrap", MethodType.methodType(dataBuffer, byte[].class)));
      writeWith = objectReceiver(LOOKUP.findVirtual(reactiveMessage, "writeWith", MethodType.methodType(mono, publisher)));
      monoJust = LOOKUP.findStatic(mono, "just", MethodType.methodType(mono, Object.class));
    }

    static Exchange of(Class<?> dispatcher) {
      return BY_CLASS.get(dispatcher);
    }

    String method(Object exchange) throws Throwable {
      return (String) httpMethodName.invoke(requestMethod.invoke(getRequest.invoke(exchange)));
    }

    String path(Object exchange) throws Throwable {
      return (String) pathValue.invoke(requestPath.invoke(getRequest.invoke(exchange)));
    }

    String host(Object exchange) throws Throwable {
      return (String) getFirstHeader.invoke(getHeaders.invoke(getRequest.invoke(exchange)), "Host");
    }

    /** Writes the reply; returns the {@code Mono<Void>} the dispatcher would have returned. */
    Object write(Object exchange, Reply reply) throws Throwable {
      Object response = getResponse.invoke(exchange);
      setStatusCode.invoke(response, statusCodeOf.invoke(reply.status));
      Object headers = getHeaders.invoke(response);
      for (int i = 0; i + 1 < reply.headers.length; i += 2) {
        setHeader.invoke(headers, reply.headers[i], reply.headers[i + 1]);
      }
      setHeader.invoke(headers, "Content-Type", "application/json");
      Object buffer = wrap.invoke(bufferFactory.invoke(response), reply.body.getBytes(StandardCharsets.UTF_8));
      return writeWith.invoke(response, monoJust.invoke(buffer));
    }
  }
}
