package io.mcpauth.core.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;

/** WebFlux's {@code ServerWebExchange}, for serving the metadata on Netty, where no servlet runs. */
final class WebFluxDispatcherApi {

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  private static final ClassValue<WebFluxDispatcherApi> BY_CLASS = new ClassValue<>() {
    @Override
    protected WebFluxDispatcherApi computeValue(Class<?> dispatcher) {
      try {
        return new WebFluxDispatcherApi(dispatcher.getClassLoader());
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

  private WebFluxDispatcherApi(ClassLoader loader) throws ReflectiveOperationException {
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

  static WebFluxDispatcherApi of(Class<?> dispatcher) {
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

  private static MethodHandle objectReceiver(MethodHandle handle) {
    return handle.asType(handle.type().changeParameterType(0, Object.class));
  }
}
