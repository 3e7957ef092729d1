package io.mcpauth.core.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Spring WebFlux's {@code ServerRequest}, the request body as one bounded buffer, and Reactor's
 * operators to continue with it.
 */
final class WebFluxApi extends SpringRequestApi {

  private static final ClassValue<WebFluxApi> BY_CLASS = new ClassValue<>() {
    @Override
    protected WebFluxApi computeValue(Class<?> hooked) {
      try {
        return new WebFluxApi(hooked.getClassLoader());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Spring WebFlux functional endpoints not reachable from " + hooked.getName(), e);
      }
    }
  };

  private static final String PACKAGE = "org.springframework.web.reactive.function.server.";

  private final MethodHandle exchange;
  private final MethodHandle exchangeRequest;
  private final MethodHandle requestBody;
  private final MethodHandle join;
  private final MethodHandle readableByteCount;
  private final MethodHandle readInto;
  private final MethodHandle release;
  private final MethodHandle monoJust;
  private final MethodHandle monoMap;
  private final MethodHandle monoDefaultIfEmpty;
  private final MethodHandle monoFlatMap;
  private final MethodHandle monoOnErrorResume;
  private final Class<?> limitException;

  private WebFluxApi(ClassLoader loader) throws ReflectiveOperationException {
    super(loader, PACKAGE, "bodyValue", Class.forName("reactor.core.publisher.Mono", false, loader), "queryParams");
    Class<?> request = load(PACKAGE + "ServerRequest");
    Class<?> exchangeType = load("org.springframework.web.server.ServerWebExchange");
    Class<?> httpRequest = load("org.springframework.http.server.reactive.ServerHttpRequest");
    Class<?> flux = load("reactor.core.publisher.Flux");
    Class<?> mono = load("reactor.core.publisher.Mono");
    Class<?> publisher = load("org.reactivestreams.Publisher");
    Class<?> dataBuffer = load("org.springframework.core.io.buffer.DataBuffer");
    Class<?> dataBufferUtils = load("org.springframework.core.io.buffer.DataBufferUtils");
    exchange = objectReceiver(LOOKUP.findVirtual(request, "exchange", MethodType.methodType(exchangeType)));
    exchangeRequest = objectReceiver(LOOKUP.findVirtual(exchangeType, "getRequest", MethodType.methodType(httpRequest)));
    requestBody = objectReceiver(LOOKUP.findVirtual(load("org.springframework.http.ReactiveHttpInputMessage"),
        "getBody", MethodType.methodType(flux)));
    join = LOOKUP.findStatic(dataBufferUtils, "join", MethodType.methodType(mono, publisher, int.class));
    readableByteCount = objectReceiver(LOOKUP.findVirtual(dataBuffer, "readableByteCount", MethodType.methodType(int.class)));
    readInto = objectReceiver(LOOKUP.findVirtual(dataBuffer, "read", MethodType.methodType(dataBuffer, byte[].class)));
    release = LOOKUP.findStatic(dataBufferUtils, "release", MethodType.methodType(boolean.class, dataBuffer));
    monoJust = LOOKUP.findStatic(mono, "just", MethodType.methodType(mono, Object.class));
    monoMap = objectReceiver(LOOKUP.findVirtual(mono, "map", MethodType.methodType(mono, Function.class)));
    monoDefaultIfEmpty = objectReceiver(LOOKUP.findVirtual(mono, "defaultIfEmpty", MethodType.methodType(mono, Object.class)));
    monoFlatMap = objectReceiver(LOOKUP.findVirtual(mono, "flatMap", MethodType.methodType(mono, Function.class)));
    monoOnErrorResume = objectReceiver(LOOKUP.findVirtual(mono, "onErrorResume",
        MethodType.methodType(mono, Class.class, Function.class)));
    limitException = load("org.springframework.core.io.buffer.DataBufferLimitException");
  }

  static WebFluxApi of(Class<?> hooked) {
    return BY_CLASS.get(hooked);
  }

  /** The gate runs on an event loop, where nothing may wait. */
  @Override
  boolean mayWait() {
    return false;
  }

  /** {@code Mono.just(value)}. */
  Object monoJust(Object value) throws Throwable {
    return monoJust.invoke(value);
  }

  /**
   * A {@code Mono} that reads the request body (at most {@code maxBytes}, refusing more with
   * {@code tooLarge}), then continues with what {@code then} returns for the bytes (a Mono).
   * Nothing runs until the server subscribes: the event loop never waits.
   */
  Object withBody(Object request, int maxBytes, Function<byte[], Object> then, Supplier<Object> tooLarge) throws Throwable {
    Object buffers = requestBody.invoke(exchangeRequest.invoke(exchange.invoke(request)));
    Object joined = join.invoke(buffers, maxBytes);
    Function<Object, Object> toBytes = buffer -> {
      try {
        byte[] bytes = new byte[(int) readableByteCount.invoke(buffer)];
        readInto.invoke(buffer, bytes);
        return bytes;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      } finally {
        release(buffer);
      }
    };
    Object bytes = monoDefaultIfEmpty.invoke(monoMap.invoke(joined, toBytes), new byte[0]);
    Object continued = monoFlatMap.invoke(bytes, (Function<Object, Object>) body -> then.apply((byte[]) body));
    return monoOnErrorResume.invoke(continued, limitException, (Function<Object, Object>) e -> tooLarge.get());
  }

  private void release(Object buffer) {
    try {
      release.invoke(buffer);
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
                Class.forName(PACKAGE + "ServerRequest", false, loader)));
        return handle.asType(MethodType.methodType(Object.class, Object.class, Object.class));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("no " + name + " in " + transport.getName(), e);
      }
    }
  };

  /** Runs the transport's (hooked) POST handler, returning its Mono. */
  static Object invokeHandler(Object transport, Object request) throws Throwable {
    return POST_HANDLERS.get(transport.getClass()).invokeExact(transport, request);
  }
}
