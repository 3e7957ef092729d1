package io.mcpauth.core.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.mcpauth.agent.bootstrap.AuthBridge;
import io.mcpauth.agent.bootstrap.Reply;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The MCP Java SDK servlet transports: every {@code doGet}, {@code doPost} and {@code doDelete}
 * passes the gate first. The entry points are the same from SDK 0.17.0 to 2.1.0
 * (../shared/design/sdk-transport-map.md §0), and no transport overrides {@code service()}.
 */
final class ServletTransportInstrumentation {

  private static final String PACKAGE = "io.modelcontextprotocol.server.transport.";
  private static final String REQUEST = "jakarta.servlet.http.HttpServletRequest";

  /** Each transport and the entry points it must declare for the gate to cover it. */
  static final Map<String, List<String>> TRANSPORTS = Map.of(
      PACKAGE + "HttpServletStreamableServerTransportProvider", List.of("doGet", "doPost", "doDelete"),
      PACKAGE + "HttpServletSseServerTransportProvider", List.of("doGet", "doPost"),
      PACKAGE + "HttpServletStatelessServerTransport", List.of("doPost"));

  private ServletTransportInstrumentation() {}

  static ElementMatcher<TypeDescription> types() {
    return namedOneOf(TRANSPORTS.keySet().toArray(new String[0]));
  }

  static ElementMatcher<MethodDescription> entryPoints() {
    return namedOneOf("doGet", "doPost", "doDelete")
        .and(takesArguments(2))
        .and(takesArgument(0, named(REQUEST)))
        .and(takesArgument(1, named("jakarta.servlet.http.HttpServletResponse")));
  }

  /** The entry points this transport should have but lacks: a changed SDK the gate must not trust. */
  static List<String> missingEntryPoints(TypeDescription type) {
    List<String> missing = new java.util.ArrayList<>();
    for (String name : TRANSPORTS.getOrDefault(type.getName(), List.of())) {
      if (type.getDeclaredMethods().filter(named(name).and(entryPoints())).isEmpty()) {
        missing.add(name + "(HttpServletRequest, HttpServletResponse)");
      }
    }
    return missing;
  }

  @SuppressWarnings("unused")
  public static class GateAdvice {

    // No suppress: an exception here ends the request without running the dispatch.
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static boolean enter(
        @Advice.Argument(0) HttpServletRequest request, @Advice.Argument(1) HttpServletResponse response)
        throws IOException {
      Reply reply = AuthBridge.check(request.getMethod(), request.getRequestURI(), request.getHeaders("Authorization"));
      if (reply == null) {
        return false;
      }
      // setStatus, not sendError: an error dispatch could route back into a /*-mapped transport.
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
