package io.mcpauth.core.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Hands the admitted caller to tool, resource and prompt handlers through the SDK's own
 * {@code McpTransportContext}, with no mcpauth type in the server. Each transport's call of its
 * {@code contextExtractor} is routed here when the class loads ({@code ContextExtractorCalls}):
 * the application's extractor runs as before, and the {@code mcpauth.*} keys the gate left on the
 * request are added to what it returns. The application's own keys are kept; ours win over any it
 * might have set. SDK 0.11.x has its own shape ({@link #extractSeeded}); SDK 0.10.x has no transport
 * context, and its tools cannot see the caller this way.
 */
final class TransportContexts {

  /** The request attribute holding the admitted caller's entries, an immutable map, for the extractor. */
  static final String CALLER_ATTRIBUTE = "io.mcpauth.caller";

  /** Reads one of the request's attributes; the gate set them before the transport ran. */
  interface AttributeReader {
    Object attribute(Object request, String name) throws Throwable;
  }

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  /** Per transport class: the SDK's context types as its loader sees them, and its requests' attributes. */
  private static final ClassValue<Types> TYPES = new ClassValue<>() {
    @Override
    protected Types computeValue(Class<?> transport) {
      try {
        return new Types(transport);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("the MCP transport context is not reachable from " + transport.getName(), e);
      }
    }
  };

  private static final class Types {
    final MethodHandle extract;
    final Class<?> contextType;
    final Object empty;
    final MethodHandle create;
    final AttributeReader attributes;

    Types(Class<?> transport) throws ReflectiveOperationException {
      ClassLoader loader = transport.getClassLoader();
      Class<?> extractor = Class.forName("io.modelcontextprotocol.server.McpTransportContextExtractor", false, loader);
      contextType = Class.forName("io.modelcontextprotocol.common.McpTransportContext", false, loader);
      extract = LOOKUP.findVirtual(extractor, "extract", MethodType.methodType(contextType, Object.class))
          .asType(MethodType.methodType(Object.class, Object.class, Object.class));
      empty = contextType.getField("EMPTY").get(null);
      create = LOOKUP.findStatic(contextType, "create", MethodType.methodType(contextType, Map.class))
          .asType(MethodType.methodType(Object.class, Map.class));
      attributes = attributesOf(transport);
    }
  }

  /** Per SDK 0.11 transport class: its context type, in the server package, and the two-argument extract. */
  private static final ClassValue<SeededTypes> SEEDED_TYPES = new ClassValue<>() {
    @Override
    protected SeededTypes computeValue(Class<?> transport) {
      try {
        return new SeededTypes(transport);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("the MCP 0.11 transport context is not reachable from " + transport.getName(), e);
      }
    }
  };

  private static final class SeededTypes {
    final MethodHandle extract;
    final Class<?> contextType;
    final AttributeReader attributes;

    SeededTypes(Class<?> transport) throws ReflectiveOperationException {
      ClassLoader loader = transport.getClassLoader();
      Class<?> extractor = Class.forName("io.modelcontextprotocol.server.McpTransportContextExtractor", false, loader);
      contextType = Class.forName("io.modelcontextprotocol.server.McpTransportContext", false, loader);
      extract = LOOKUP.findVirtual(extractor, "extract", MethodType.methodType(contextType, Object.class, contextType))
          .asType(MethodType.methodType(Object.class, Object.class, Object.class, Object.class));
      attributes = attributesOf(transport);
    }
  }

  private TransportContexts() {}

  /** Where the gate left the caller on a request to this transport. */
  private static AttributeReader attributesOf(Class<?> transport) {
    TransportHooks family = TransportHooks.familyOf(transport.getName().replace('.', '/'));
    if (family == ServletTransport.HOOKS) {
      return ServletApi.of(transport);
    }
    if (family == WebMvcTransport.HOOKS) {
      return WebMvcApi.of(transport);
    }
    if (family == WebFluxTransport.HOOKS) {
      return WebFluxApi.of(transport);
    }
    throw new IllegalStateException(transport.getName() + " is no transport the agent hooks");
  }

  /** {@code extractor.extract(request)}, with the caller's keys added. */
  static Object extract(Object extractor, Object request, Class<?> transport) throws Throwable {
    Types types = TYPES.get(transport);
    Object context = (Object) types.extract.invokeExact(extractor, request);
    @SuppressWarnings("unchecked")
    Map<String, Object> caller = (Map<String, Object>) types.attributes.attribute(request, CALLER_ATTRIBUTE);
    if (caller == null || caller.isEmpty()) {
      return context;
    }
    if (context == null || context == types.empty) {
      return (Object) types.create.invokeExact(caller);
    }
    return withCaller(types.contextType, context, caller);
  }

  /**
   * SDK 0.11.x: {@code extractor.extract(request, seed)}, with the caller's keys added. That line's
   * context is mutable, but the EMPTY one the default extractor may return is shared, so the keys are
   * added by the same wrapper as above rather than put into it.
   */
  static Object extractSeeded(Object extractor, Object request, Object seed, Class<?> transport) throws Throwable {
    SeededTypes types = SEEDED_TYPES.get(transport);
    Object context = (Object) types.extract.invokeExact(extractor, request, seed);
    @SuppressWarnings("unchecked")
    Map<String, Object> caller = (Map<String, Object>) types.attributes.attribute(request, CALLER_ATTRIBUTE);
    if (caller == null || caller.isEmpty()) {
      return context;
    }
    return withCaller(types.contextType, context == null ? seed : context, caller);
  }

  /**
   * The application's context, whose {@code get} answers the caller's keys first; a {@code copy()}
   * (SDK 0.11) keeps them.
   */
  private static Object withCaller(Class<?> contextType, Object applications, Map<String, Object> caller) {
    return Proxy.newProxyInstance(contextType.getClassLoader(), new Class<?>[] {contextType},
        (contextProxy, contextMethod, contextArgs) -> {
          if (contextMethod.getName().equals("get") && contextArgs != null && contextArgs.length == 1) {
            Object key = contextArgs[0];
            return caller.containsKey(key) ? caller.get(key) : call(contextMethod, applications, contextArgs);
          }
          if (contextMethod.getName().equals("copy") && contextArgs == null
              && contextMethod.getReturnType() == contextType) {
            return withCaller(contextType, call(contextMethod, applications, null), caller);
          }
          if (contextMethod.getDeclaringClass() == Object.class) {
            return switch (contextMethod.getName()) {
              case "equals" -> contextProxy == contextArgs[0];
              case "hashCode" -> System.identityHashCode(contextProxy);
              default -> "McpTransportContext with mcpauth caller";
            };
          }
          return call(contextMethod, applications, contextArgs);
        });
  }

  private static Object call(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
