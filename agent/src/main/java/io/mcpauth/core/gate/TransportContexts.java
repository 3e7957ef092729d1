package io.mcpauth.core.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Hands the admitted caller to tool, resource and prompt handlers through the SDK's own
 * {@code McpTransportContext}, with no mcpauth type in the server: each transport's
 * {@code contextExtractor} field (non-final in every SDK version) is replaced, once, by a proxy that
 * calls the application's extractor and adds the {@code mcpauth.*} keys the gate left on the
 * request. The application's own keys are kept; ours win over any it might have set.
 */
final class TransportContexts {

  /** The request attribute holding the admitted caller's entries, an immutable map, for the extractor. */
  static final String CALLER_ATTRIBUTE = "io.mcpauth.caller";

  /** Reads one of the request's attributes; the gate set them before the transport ran. */
  interface AttributeReader {
    Object attribute(Object request, String name) throws Throwable;
  }

  private static final ClassValue<Field> EXTRACTOR_FIELD = new ClassValue<>() {
    @Override
    protected Field computeValue(Class<?> transport) {
      for (Class<?> type = transport; type != null; type = type.getSuperclass()) {
        try {
          Field field = type.getDeclaredField("contextExtractor");
          field.setAccessible(true);
          return field;
        } catch (NoSuchFieldException e) {
          // look in the superclass
        }
      }
      return null;
    }
  };

  private TransportContexts() {}

  /**
   * Makes sure {@code transport}'s extractor adds the caller. Cheap once done: one field read.
   *
   * @throws IllegalStateException when the transport has no extractor field (the gate then fails closed)
   */
  static void ensureWrapped(Object transport, AttributeReader attributes) throws ReflectiveOperationException {
    Field field = EXTRACTOR_FIELD.get(transport.getClass());
    if (field == null) {
      throw new IllegalStateException(transport.getClass().getName() + " has no contextExtractor field");
    }
    Object current = field.get(transport);
    if (isOurs(current)) {
      return;
    }
    synchronized (transport) {
      current = field.get(transport);
      if (!isOurs(current)) {
        field.set(transport, wrap(field.getType(), current, attributes));
      }
    }
  }

  private static boolean isOurs(Object extractor) {
    return extractor instanceof Proxy && Proxy.getInvocationHandler(extractor) instanceof CallerExtractor;
  }

  private static Object wrap(Class<?> extractorType, Object original, AttributeReader attributes)
      throws ReflectiveOperationException {
    Method extract = extractorType.getMethod("extract", Object.class);
    Class<?> contextType = extract.getReturnType();
    Object empty = contextType.getField("EMPTY").get(null);
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    MethodHandle extractHandle = lookup.unreflect(extract).asType(MethodType.methodType(Object.class, Object.class, Object.class));
    MethodHandle create = lookup.unreflect(contextType.getMethod("create", Map.class))
        .asType(MethodType.methodType(Object.class, Map.class));
    return Proxy.newProxyInstance(extractorType.getClassLoader(), new Class<?>[] {extractorType},
        new CallerExtractor(original, extractHandle, contextType, empty, create, attributes));
  }

  private static final class CallerExtractor implements InvocationHandler {
    private final Object original;
    private final MethodHandle extract;
    private final Class<?> contextType;
    private final Object empty;
    private final MethodHandle create;
    private final AttributeReader attributes;

    CallerExtractor(Object original, MethodHandle extract, Class<?> contextType, Object empty, MethodHandle create,
        AttributeReader attributes) {
      this.original = original;
      this.extract = extract;
      this.contextType = contextType;
      this.empty = empty;
      this.create = create;
      this.attributes = attributes;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "mcpauth caller extractor around " + original;
        };
      }
      Object context = original == null ? empty : (Object) extract.invokeExact(original, args[0]);
      @SuppressWarnings("unchecked")
      Map<String, Object> caller = (Map<String, Object>) attributes.attribute(args[0], CALLER_ATTRIBUTE);
      if (caller == null || caller.isEmpty()) {
        return context;
      }
      if (context == null || context == empty) {
        return (Object) create.invokeExact(caller);
      }
      Object applications = context;
      return Proxy.newProxyInstance(contextType.getClassLoader(), new Class<?>[] {contextType},
          (contextProxy, contextMethod, contextArgs) -> {
            if (contextMethod.getName().equals("get") && contextArgs != null && contextArgs.length == 1) {
              Object key = contextArgs[0];
              return caller.containsKey(key) ? caller.get(key) : call(contextMethod, applications, contextArgs);
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
}
