package io.mcpauth.core.gate;

import io.mcpauth.core.rpc.RpcMessage;
import io.mcpauth.core.scopes.ScopePolicy;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code tools/list} with only the tools the caller may call ({@code mcpauth.scopes.filter-tools-list}):
 * a tool is listed when the caller's scopes, read from the transport context the gate filled,
 * meet the rules a {@code tools/call} of it would meet; a context without them counts as no scope.
 * Hiding is a courtesy to clients; every call is still checked before it runs.
 */
final class ToolVisibility {

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  /** The exchange's {@code transportContext()}; null for a class that is the context itself. */
  private static final ClassValue<MethodHandle> TRANSPORT_CONTEXT = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> type) {
      try {
        return objectTyped(LOOKUP.unreflect(type.getMethod("transportContext")));
      } catch (NoSuchMethodException e) {
        return null;
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  };

  /**
   * {@code McpTransportContext.get(String)}, found through the interface: implementations may be
   * private. The interface is in the common package from SDK 0.12 on, in the server package in 0.11;
   * null where the SDK has none (0.10).
   */
  private static final ClassValue<MethodHandle> CONTEXT_GET = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> type) {
      for (String name : new String[] {"io.modelcontextprotocol.common.McpTransportContext",
          "io.modelcontextprotocol.server.McpTransportContext"}) {
        try {
          Class<?> context = Class.forName(name, false, type.getClassLoader());
          if (!context.isAssignableFrom(type)) {
            continue;
          }
          MethodHandle get = LOOKUP.findVirtual(context, "get", MethodType.methodType(Object.class, String.class));
          return get.asType(MethodType.methodType(Object.class, Object.class, String.class));
        } catch (ClassNotFoundException e) {
          // the other package
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return null;
    }
  };

  /** {@code spec.tool().name()} for a tool specification (a public record in every SDK line). */
  private static final ClassValue<MethodHandle> TOOL_NAME = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> spec) {
      try {
        MethodHandle tool = LOOKUP.unreflect(spec.getMethod("tool"));
        MethodHandle name = LOOKUP.unreflect(tool.type().returnType().getMethod("name"));
        return objectTyped(MethodHandles.filterReturnValue(tool, name));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  };

  private ToolVisibility() {}

  static CopyOnWriteArrayList<Object> visible(ScopePolicy policy, Object tools, Object caller) throws Throwable {
    MethodHandle transportContext = TRANSPORT_CONTEXT.get(caller.getClass());
    Object context = caller;
    if (transportContext != null) {
      context = (Object) transportContext.invokeExact(caller);
    }
    Object scopes = null;
    if (context != null) {
      MethodHandle get = CONTEXT_GET.get(context.getClass());
      if (get == null) {
        // An SDK line without a transport context (0.10): the caller's scopes cannot reach here, and
        // hiding every scoped tool would be wrong; calls are still checked one by one.
        return new CopyOnWriteArrayList<Object>((Collection<?>) tools);
      }
      scopes = (Object) get.invokeExact(context, CallerIdentity.SCOPES);
    }
    List<?> granted = scopes instanceof List<?> list ? list : List.of();
    CopyOnWriteArrayList<Object> visible = new CopyOnWriteArrayList<>();
    for (Object spec : (Iterable<?>) tools) {
      Object name = (Object) TOOL_NAME.get(spec.getClass()).invokeExact(spec);
      @SuppressWarnings("unchecked")
      List<String> held = (List<String>) granted;
      if (policy.grants(held, policy.requiredFor(new RpcMessage(RpcMessage.Kind.REQUEST, "tools/call", (String) name, null)))) {
        visible.add(spec);
      }
    }
    return visible;
  }

  private static MethodHandle objectTyped(MethodHandle handle) {
    return handle.asType(MethodType.methodType(Object.class, Object.class));
  }
}
