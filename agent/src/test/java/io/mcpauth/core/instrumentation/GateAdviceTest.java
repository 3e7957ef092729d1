package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.agent.bootstrap.AuthBridge;
import io.mcpauth.agent.bootstrap.BodyRead;
import io.mcpauth.agent.bootstrap.Gate;
import io.mcpauth.core.gate.BearerGate;
import io.mcpauth.core.token.TestTokens;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The real AgentBuilder and advice, installed into this JVM, on classes with the SDK transports'
 * names: the gate decides, and whatever goes wrong the dispatch does not run (fail closed).
 */
class GateAdviceTest {

  enum Mode { ALLOW, DENY, THROW, REAL }

  /** A gate under the test's control, writing its replies as the real one does. */
  static final class SwitchableGate implements Gate {
    volatile Mode mode = Mode.ALLOW;
    volatile Gate real;
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final List<String> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Object servletEntry(Object servlet, Object request, Object response) throws Exception {
      switch (mode) {
        case REAL:
          return real.servletEntry(servlet, request, response);
        case ALLOW:
          return response;
        case DENY:
          HttpServletResponse denied = (HttpServletResponse) response;
          denied.setStatus(401);
          denied.setHeader("WWW-Authenticate", "Bearer resource_metadata=\"x\"");
          denied.getWriter().write("{\"error\":\"no\"}");
          return null;
        default:
          throw new IllegalStateException("the gate broke");
      }
    }

    @Override
    public void streamStarted(Object sessionTransport, Object sessionId, Object asyncContext) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean servletService(Object servlet, Object request, Object response) throws Exception {
      HttpServletRequest http = (HttpServletRequest) request;
      if (refused.contains(servlet.getClass().getName())) {
        ((HttpServletResponse) response).setStatus(503);
        return true;
      }
      if ("GET".equals(http.getMethod()) && "/.well-known/oauth-protected-resource/mcp".equals(http.getRequestURI())) {
        ((HttpServletResponse) response).setStatus(200);
        ((HttpServletResponse) response).getWriter().write("{\"resource\":\"r\"}");
        return true;
      }
      return false;
    }

    @Override
    public Object springEntry(Object handler, Object request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object webFluxDispatch(Object dispatcher, Object exchange) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object requestBody(BodyRead call, Object request, Object argument, Class<?> transport) {
      throw new UnsupportedOperationException();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object transportContext(Object extractor, Object request, Class<?> transport) {
      contexts.add(transport.getSimpleName());
      return McpTransportContext.create(Map.of("app", ((McpTransportContextExtractor<Object>) extractor).extract(request)
          .get("app"), "mcpauth.subject", "alice"));
    }

    @Override
    public Object seededTransportContext(Object extractor, Object request, Object seed, Class<?> transport) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object visibleTools(Object tools, Object caller) {
      throw new UnsupportedOperationException();
    }
  }

  static final SwitchableGate GATE = new SwitchableGate();

  // (the Spring hooks have no servlet to test here; the Spring fixtures cover them end to end)

  @BeforeAll
  static void install() throws Exception {
    assertTrue(AuthBridge.install(GATE));
    // attached: the fake transports and HttpServlet may be loaded already, and are retransformed
    new HttpServletStatelessServerTransport();
    AgentInstaller.install(ByteBuddyAgent.install(), GATE.refused::add, Runnable::run, true, false, false);
  }

  @BeforeEach
  void reset() {
    GATE.mode = Mode.ALLOW;
    HttpServletStatelessServerTransport.DISPATCHED.set(0);
    HttpServletStreamableServerTransportProvider.DISPATCHED.set(0);
  }

  @Test
  void anAllowedRequestIsDispatched() throws Exception {
    Response response = new Response(false);
    serve(new HttpServletStatelessServerTransport(), "POST", "/mcp", response);
    assertEquals(1, HttpServletStatelessServerTransport.DISPATCHED.get());
    assertEquals(200, response.status);
  }

  @Test
  @DisplayName("the transport's call of its context extractor is linked to the bridge, keeping the application's keys")
  void theContextExtractorCallGoesThroughTheBridge() throws Exception {
    GATE.contexts.clear();
    serve(new HttpServletStatelessServerTransport(), "POST", "/mcp", new Response(false));
    serve(new HttpServletStatelessServerTransport(), "POST", "/mcp", new Response(false));
    assertEquals(List.of("HttpServletStatelessServerTransport", "HttpServletStatelessServerTransport"), GATE.contexts);
    McpTransportContext context = HttpServletStatelessServerTransport.lastContext;
    assertEquals("kept", context.get("app"));
    assertEquals("alice", context.get("mcpauth.subject"));
  }

  @Test
  void aDeniedRequestGetsTheReplyAndIsNotDispatched() throws Exception {
    GATE.mode = Mode.DENY;
    Response response = new Response(false);
    serve(new HttpServletStatelessServerTransport(), "POST", "/mcp", response);
    assertEquals(0, HttpServletStatelessServerTransport.DISPATCHED.get());
    assertEquals(401, response.status);
    assertEquals("Bearer resource_metadata=\"x\"", response.headers.get("WWW-Authenticate"));
    assertEquals("{\"error\":\"no\"}", response.body.toString());
  }

  @Test
  @DisplayName("an exception inside the gate ends the request, never runs the dispatch")
  void aFailingGateDenies() {
    GATE.mode = Mode.THROW;
    assertThrows(IllegalStateException.class,
        () -> serve(new HttpServletStatelessServerTransport(), "POST", "/mcp", new Response(false)));
    assertEquals(0, HttpServletStatelessServerTransport.DISPATCHED.get());
  }

  @Test
  @DisplayName("an exception inside the real gate (its token verifier throws) is 503, and the dispatch never runs")
  void anExceptionInsideTheRealGateIs503() throws Exception {
    AtomicBoolean asked = new AtomicBoolean();
    GATE.real = new BearerGate(TestTokens.config(), (token, mayWait) -> {
      asked.set(true);
      throw new IllegalStateException("a poisoned key source");
    });
    GATE.mode = Mode.REAL;
    Response response = new Response(false);
    serve(new HttpServletStatelessServerTransport(), "POST", "/mcp", Map.of("Authorization", "Bearer x.y.z"), response);
    assertTrue(asked.get(), "the request reached the token check (nothing else refused it)");
    assertEquals(503, response.status);
    assertEquals(0, HttpServletStatelessServerTransport.DISPATCHED.get());
  }

  @Test
  @DisplayName("a reply that cannot be written ends the request; nothing catches and falls through")
  void aFailingReplyDoesNotFallThroughToTheDispatch() {
    GATE.mode = Mode.DENY;
    Response broken = new Response(true);
    assertThrows(IOException.class, () -> serve(new HttpServletStatelessServerTransport(), "POST", "/mcp", broken));
    assertEquals(0, HttpServletStatelessServerTransport.DISPATCHED.get());
  }

  @Test
  @DisplayName("a transport with an unrecognised shape is refused: every request to it gets 503")
  void anUnrecognisedTransportFailsClosed() throws Exception {
    HttpServlet changed = new HttpServletStreamableServerTransportProvider();
    assertTrue(GATE.refused.contains(HttpServletStreamableServerTransportProvider.class.getName()), GATE.refused::toString);
    for (String method : List.of("GET", "POST")) {
      Response response = new Response(false);
      serve(changed, method, "/mcp", response);
      assertEquals(503, response.status, method);
    }
    assertEquals(0, HttpServletStreamableServerTransportProvider.DISPATCHED.get());
  }

  @Test
  @DisplayName("a shaded or relocated SDK transport is refused: every request to it gets 503")
  void aRelocatedTransportFailsClosed() throws Exception {
    HttpServlet relocated = new com.acme.shaded.mcp.HttpServletStatelessServerTransport();
    assertTrue(GATE.refused.contains("com.acme.shaded.mcp.HttpServletStatelessServerTransport"), GATE.refused::toString);
    Response response = new Response(false);
    serve(relocated, "POST", "/mcp", response);
    assertEquals(503, response.status);
    assertEquals(0, com.acme.shaded.mcp.HttpServletStatelessServerTransport.DISPATCHED.get());
  }

  @Test
  @DisplayName("a Spring transport with an unrecognised shape cannot even load: the server cannot serve it")
  void anUnrecognisedSpringTransportCannotLoad() {
    assertThrows(ClassFormatError.class, () -> Class.forName(
        "io.modelcontextprotocol.server.transport.WebMvcStatelessServerTransport", true, GateAdviceTest.class.getClassLoader()));
  }

  @Test
  void theMetadataIsServedFromHttpServletService() throws Exception {
    Response response = new Response(false);
    serve(new HttpServletStatelessServerTransport(), "GET", "/.well-known/oauth-protected-resource/mcp", response);
    assertEquals(200, response.status);
    assertEquals("{\"resource\":\"r\"}", response.body.toString());
    assertEquals(0, HttpServletStatelessServerTransport.DISPATCHED.get());
  }

  private static void serve(HttpServlet servlet, String method, String path, Response response) throws Exception {
    serve(servlet, method, path, null, response);
  }

  /** With {@code headers} null, every header is {@code Bearer x.y.z}; otherwise just those given. */
  private static void serve(HttpServlet servlet, String method, String path, Map<String, String> headers, Response response)
      throws Exception {
    HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(GateAdviceTest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
          case "getMethod" -> method;
          case "getRequestURI" -> path;
          case "getHeaders" -> Collections.enumeration(headers == null ? List.of("Bearer x.y.z")
              : headers.containsKey((String) args[0]) ? List.of(headers.get((String) args[0])) : List.<String>of());
          case "getDateHeader", "getIntHeader" -> -1L;
          default -> defaultValue(m.getReturnType());
        });
    servlet.service(request, response.proxy());
  }

  private static Object defaultValue(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    return null;
  }

  /** A response that records what the advice or the servlet did to it. */
  static final class Response {
    int status = -1;
    final Map<String, String> headers = new HashMap<>();
    final StringWriter body = new StringWriter();
    final boolean writerFails;

    Response(boolean writerFails) {
      this.writerFails = writerFails;
    }

    HttpServletResponse proxy() {
      return (HttpServletResponse) Proxy.newProxyInstance(GateAdviceTest.class.getClassLoader(),
          new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
            switch (m.getName()) {
              case "setStatus" -> status = (Integer) args[0];
              case "setHeader" -> headers.put((String) args[0], (String) args[1]);
              case "getWriter" -> {
                if (writerFails) {
                  throw new IOException("connection reset");
                }
                return new PrintWriter(body, true);
              }
              default -> {
                return defaultValue(m.getReturnType());
              }
            }
            return null;
          });
    }
  }
}
