package io.mcpauth.core.gate;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A stand-in for the servlet response of a Streamable HTTP POST that carries no session yet (an
 * {@code initialize}): it passes every call through, and binds the {@code Mcp-Session-Id} the
 * transport assigns to the caller the gate admitted, before that id reaches the client.
 */
final class SessionIdRecorder implements InvocationHandler {

  private final Object response;
  private final CallerIdentity caller;
  private final SessionBindings bindings;

  private SessionIdRecorder(Object response, CallerIdentity caller, SessionBindings bindings) {
    this.response = response;
    this.caller = caller;
    this.bindings = bindings;
  }

  /** A proxy of {@code responseInterface} (the host's {@code HttpServletResponse}) around {@code response}. */
  static Object around(Object response, Class<?> responseInterface, CallerIdentity caller, SessionBindings bindings) {
    return Proxy.newProxyInstance(responseInterface.getClassLoader(), new Class<?>[] {responseInterface},
        new SessionIdRecorder(response, caller, bindings));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if ((name.equals("setHeader") || name.equals("addHeader")) && args != null && args.length == 2
        && args[0] instanceof String header && header.equalsIgnoreCase("Mcp-Session-Id") && args[1] instanceof String id) {
      bindings.bind(id, caller);
    }
    if (method.getDeclaringClass() == Object.class) {
      return switch (name) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "mcpauth session recorder around " + response;
      };
    }
    try {
      return method.invoke(response, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
