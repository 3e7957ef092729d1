package io.mcpauth.core.gate;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The HTTP methods an MCP servlet transport answers through its gated entry points: GET (and HEAD,
 * which {@code HttpServlet} turns into {@code doGet}), POST and DELETE, where the transport declares
 * {@code doGet}, {@code doPost}, {@code doDelete}. Any other method would be answered by
 * {@code HttpServlet} itself without the gate: its {@code doTrace} echoes every request header,
 * {@code Authorization} and {@code Cookie} included (Jetty lets TRACE through; Tomcat's connector
 * refuses it), and its {@code doOptions} answers anyone. Such requests get 405 before
 * {@code service} dispatches them.
 */
final class GatedMethods {

  private static final String SDK_TRANSPORTS = "io.modelcontextprotocol.server.transport.HttpServlet";

  /** A servlet transport's gated methods, and its answer to any other. */
  record Transport(Set<String> gated, Reply refusal) {}

  /** Per servlet class: its transport, or null for any other servlet. */
  private static final ClassValue<Transport> TRANSPORTS = new ClassValue<>() {
    @Override
    protected Transport computeValue(Class<?> servlet) {
      for (Class<?> type = servlet; type != null; type = type.getSuperclass()) {
        if (type.getName().startsWith(SDK_TRANSPORTS)) {
          Set<String> gated = gated(type);
          return new Transport(gated, Challenges.methodNotAllowed(String.join(", ", gated)));
        }
      }
      return null;
    }
  };

  private GatedMethods() {}

  /** The servlet's gated methods and its 405 for any other; null when the servlet is no transport. */
  static Transport of(Class<?> servlet) {
    return TRANSPORTS.get(servlet);
  }

  private static Set<String> gated(Class<?> transport) {
    Set<String> methods = new LinkedHashSet<>();
    if (declares(transport, "doGet")) {
      methods.add("GET");
      methods.add("HEAD");
    }
    if (declares(transport, "doPost")) {
      methods.add("POST");
    }
    if (declares(transport, "doDelete")) {
      methods.add("DELETE");
    }
    return Collections.unmodifiableSet(methods);
  }

  private static boolean declares(Class<?> type, String name) {
    for (Method method : type.getDeclaredMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == 2) {
        return true;
      }
    }
    return false;
  }
}
