package io.mcpauth.agent.bootstrap;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The one door from the host's classes to the hidden core. It is loaded by the bootstrap loader,
 * which every host class loader reaches. The agent inserts a call to it as the first instructions
 * of each hooked method:
 *
 * <pre>
 *   Object use = AuthBridge.servletEntry(this, request, response);
 *   if (use == null) return;
 * </pre>
 *
 * The agent's instrumentation names these methods and their descriptors in one place
 * ({@code io.mcpauth.core.instrumentation.BridgeCalls}), which a test checks against this class.
 *
 * Nothing here catches: an exception ends the hooked method before the host's own code runs, so an
 * error can deny a request but never let it through.
 */
public final class AuthBridge {

  private static volatile Gate gate;

  private AuthBridge() {}

  /** Installs the gate once; a later call cannot replace it. */
  public static synchronized boolean install(Gate newGate) {
    if (gate != null || newGate == null) {
      return false;
    }
    gate = newGate;
    return true;
  }

  public static boolean installed() {
    return gate != null;
  }

  public static Object servletEntry(Object servlet, Object request, Object response) throws Exception {
    return current().servletEntry(servlet, request, response);
  }

  public static void streamStarted(Object sessionTransport, Object sessionId, Object asyncContext) throws Exception {
    current().streamStarted(sessionTransport, sessionId, asyncContext);
  }

  public static boolean servletService(Object servlet, Object request, Object response) throws Exception {
    return current().servletService(servlet, request, response);
  }

  public static Object springEntry(Object handler, Object request) throws Exception {
    return current().springEntry(handler, request);
  }

  public static Object webFluxDispatch(Object dispatcher, Object exchange) throws Exception {
    return current().webFluxDispatch(dispatcher, exchange);
  }

  /** Replaces {@code HttpServletRequestUtils.readBody(request, max)} in servlet transports. */
  public static Object readBody(Object request, int max, Class<?> transport) throws Exception {
    return current().requestBody(BodyRead.READ_BODY, request, max, transport);
  }

  /** Replaces {@code request.getReader()} in servlet transports of SDK versions before readBody. */
  public static Object getReader(Object request, Class<?> transport) throws Exception {
    return current().requestBody(BodyRead.GET_READER, request, null, transport);
  }

  /** Replaces {@code request.body(type)} in WebMVC transports. */
  public static Object body(Object request, Object type, Class<?> transport) throws Exception {
    return current().requestBody(BodyRead.BODY, request, type, transport);
  }

  /** Replaces {@code request.bodyToMono(type)} in WebFlux transports. */
  public static Object bodyToMono(Object request, Object type, Class<?> transport) throws Exception {
    return current().requestBody(BodyRead.BODY_TO_MONO, request, type, transport);
  }

  /** Wraps the tool list a {@code tools/list} handler reads. */
  public static Object visibleTools(Object tools, Object caller) throws Exception {
    return current().visibleTools(tools, caller);
  }

  /**
   * Links a transport's call of its context extractor, {@code extractor.extract(request)}, which the
   * agent turned into an invokedynamic, to {@link #transportContext} with the calling transport bound;
   * SDK 0.11's {@code extractor.extract(request, context)} to {@link #seededTransportContext}.
   */
  public static CallSite transportContextSite(MethodHandles.Lookup caller, String name, MethodType type)
      throws ReflectiveOperationException {
    boolean seeded = type.parameterCount() == 3;
    MethodHandle target = seeded
        ? MethodHandles.lookup().findStatic(AuthBridge.class, "seededTransportContext",
            MethodType.methodType(Object.class, Object.class, Object.class, Object.class, Class.class))
        : MethodHandles.lookup().findStatic(AuthBridge.class, "transportContext",
            MethodType.methodType(Object.class, Object.class, Object.class, Class.class));
    return new ConstantCallSite(MethodHandles.insertArguments(target, seeded ? 3 : 2, caller.lookupClass()).asType(type));
  }

  /** The transport context the extractor gives, with the admitted caller's keys added. */
  public static Object transportContext(Object extractor, Object request, Class<?> transport) throws Exception {
    return current().transportContext(extractor, request, transport);
  }

  /** SDK 0.11: the context the extractor fills from the one the transport made, with the caller's keys added. */
  public static Object seededTransportContext(Object extractor, Object request, Object seed, Class<?> transport)
      throws Exception {
    return current().seededTransportContext(extractor, request, seed, transport);
  }

  private static Gate current() {
    Gate current = gate;
    if (current == null) {
      // The gate is installed before any class is hooked, so this means a broken start-up.
      throw new IllegalStateException("mcpauth: no gate installed; refusing the request");
    }
    return current;
  }
}
