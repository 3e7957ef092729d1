package io.mcpauth.core.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.mcpauth.agent.bootstrap.AuthBridge;
import io.mcpauth.agent.bootstrap.Reply;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Hooks {@code HttpServlet.service}, which every servlet request passes, for two things the
 * transports' own entry points cannot do:
 * <ul>
 *   <li>serve the Protected Resource Metadata. No SDK transport routes the well-known path, and
 *       the MCP servlet may not even be mapped there; the base class reaches whichever servlet
 *       the container picks for it (the MCP servlet mapped to {@code /*}, Jetty's
 *       Default404Servlet, Spring's DispatcherServlet);
 *   <li>deny every request to a transport whose shape the agent did not recognise.
 * </ul>
 */
final class ServletServiceInstrumentation {

  static final String HTTP_SERVLET = "jakarta.servlet.http.HttpServlet";

  private ServletServiceInstrumentation() {}

  static ElementMatcher<TypeDescription> types() {
    return named(HTTP_SERVLET);
  }

  static ElementMatcher<MethodDescription> serviceMethod() {
    return named("service")
        .and(takesArguments(2))
        .and(takesArgument(0, named("jakarta.servlet.http.HttpServletRequest")));
  }

  @SuppressWarnings("unused")
  public static class ServiceAdvice {

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static boolean enter(
        @Advice.This Object servlet,
        @Advice.Argument(0) HttpServletRequest request,
        @Advice.Argument(1) HttpServletResponse response)
        throws IOException {
      Reply reply = AuthBridge.beforeService(servlet.getClass().getName(), request.getMethod(), request.getRequestURI());
      if (reply == null) {
        return false;
      }
      // The same writing as GateAdvice: inlined advice cannot call a shared helper of ours,
      // because the host's class loader sees only the bootstrap bridge (JDK types only).
      response.setStatus(reply.status);
      for (int i = 0; i + 1 < reply.headers.length; i += 2) {
        response.setHeader(reply.headers[i], reply.headers[i + 1]);
      }
      response.setContentType("application/json");
      response.setCharacterEncoding("UTF-8");
      response.getWriter().write(reply.body);
      return true;
    }
  }
}
