package io.mcpauth.core.instrumentation;

import io.mcpauth.core.gate.TransportHooks;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent hooks, by exact class name and method descriptor (listed in docs/transports.md):
 * <ul>
 *   <li>the MCP Java SDK servlet transports: {@code doGet}, {@code doPost}, {@code doDelete}, the
 *       same from SDK 0.10.0 to 2.1.0; no transport overrides {@code service()};
 *   <li>the Spring WebMVC and WebFlux transports, in the SDK's 0.x package and Spring AI's 2.x
 *       package (public final there): their private one-argument handlers;
 *   <li>{@code HttpServlet.service}, which every servlet request passes, to serve the Protected
 *       Resource Metadata whatever the MCP servlet's mapping and to refuse transports the agent
 *       could not hook; Tomcat's {@code StandardContextValve.invoke} for the same, since Tomcat
 *       answers paths no servlet is mapped to without any servlet; and WebFlux's
 *       {@code DispatcherHandler.handle}, which serves the metadata on Netty, where no servlet runs.
 * </ul>
 */
final class Hooks {

  enum Kind { TRANSPORT, SSE_SESSION, SERVLET_SERVICE, TOMCAT_CONTEXT_VALVE, WEBFLUX_DISPATCHER,
    /** The SDK servers' tools/list handlers, hooked only when tools/list is to be filtered. */
    TOOL_LIST }

  static final String HTTP_SERVLET = "jakarta/servlet/http/HttpServlet";
  static final String DISPATCHER_HANDLER = "org/springframework/web/reactive/DispatcherHandler";
  /** Tomcat answers a path no servlet is mapped to itself, without any servlet's service(). */
  static final String TOMCAT_CONTEXT_VALVE = "org/apache/catalina/core/StandardContextValve";

  private static final String SERVLET_METHOD =
      "(Ljakarta/servlet/http/HttpServletRequest;Ljakarta/servlet/http/HttpServletResponse;)V";
  /** The servlet transports' per-stream objects (constructor shape the same from 0.10.0 to 2.1.0). */
  static final String SSE_SESSION_TRANSPORT = "io/modelcontextprotocol/server/transport/"
      + "HttpServletSseServerTransportProvider$HttpServletMcpSessionTransport";
  static final String STREAMABLE_SESSION_TRANSPORT = "io/modelcontextprotocol/server/transport/"
      + "HttpServletStreamableServerTransportProvider$HttpServletStreamableMcpSessionTransport";
  private static final Map<String, String> SESSION_CONSTRUCTORS = Map.of(
      SSE_SESSION_TRANSPORT, "(Lio/modelcontextprotocol/server/transport/HttpServletSseServerTransportProvider;"
          + "Ljava/lang/String;Ljakarta/servlet/AsyncContext;Ljava/io/PrintWriter;)V",
      STREAMABLE_SESSION_TRANSPORT, "(Lio/modelcontextprotocol/server/transport/HttpServletStreamableServerTransportProvider;"
          + "Ljava/lang/String;Ljakarta/servlet/AsyncContext;Ljava/io/PrintWriter;)V");
  private static final String VALVE_INVOKE =
      "(Lorg/apache/catalina/connector/Request;Lorg/apache/catalina/connector/Response;)V";
  private static final String DISPATCHER_HANDLE =
      "(Lorg/springframework/web/server/ServerWebExchange;)Lreactor/core/publisher/Mono;";

  /** Each transport class (every family's, see {@link TransportHooks#families()}) and its family. */
  private static final Map<String, TransportHooks> FAMILY_OF = families();
  /** Each transport and the entry points it must declare for the gate to cover it. */
  static final Map<String, List<String>> TRANSPORTS = transports();
  private static final Map<String, Kind> KINDS = kinds();
  /** Per transport family, the prologue each hooked method gets, by name and descriptor. */
  private static final Map<TransportHooks, Map<String, ProloguePatcher.Prologue>> ENTRY_PROLOGUES = entryPrologues();
  /** Per other kind, the same. */
  private static final Map<Kind, Map<String, ProloguePatcher.Prologue>> PROLOGUES = prologues();

  private Hooks() {}

  private static Map<String, TransportHooks> families() {
    Map<String, TransportHooks> families = new HashMap<>();
    for (TransportHooks family : TransportHooks.families()) {
      for (String pkg : family.packages()) {
        for (String simpleName : family.transports().keySet()) {
          families.put(pkg + simpleName, family);
        }
      }
    }
    return Map.copyOf(families);
  }

  private static Map<String, List<String>> transports() {
    Map<String, List<String>> transports = new HashMap<>();
    for (Map.Entry<String, TransportHooks> entry : FAMILY_OF.entrySet()) {
      String name = entry.getKey();
      transports.put(name, entry.getValue().transports().get(name.substring(name.lastIndexOf('/') + 1)));
    }
    return Map.copyOf(transports);
  }

  private static Map<String, Kind> kinds() {
    Map<String, Kind> kinds = new HashMap<>();
    for (String name : TRANSPORTS.keySet()) {
      kinds.put(name, Kind.TRANSPORT);
    }
    kinds.put(SSE_SESSION_TRANSPORT, Kind.SSE_SESSION);
    kinds.put(STREAMABLE_SESSION_TRANSPORT, Kind.SSE_SESSION);
    kinds.put(HTTP_SERVLET, Kind.SERVLET_SERVICE);
    kinds.put(DISPATCHER_HANDLER, Kind.WEBFLUX_DISPATCHER);
    kinds.put(TOMCAT_CONTEXT_VALVE, Kind.TOMCAT_CONTEXT_VALVE);
    kinds.put("io/modelcontextprotocol/server/McpAsyncServer", Kind.TOOL_LIST);
    kinds.put("io/modelcontextprotocol/server/McpStatelessAsyncServer", Kind.TOOL_LIST);
    return Map.copyOf(kinds);
  }

  private static Map<TransportHooks, Map<String, ProloguePatcher.Prologue>> entryPrologues() {
    Map<TransportHooks, Map<String, ProloguePatcher.Prologue>> prologues = new HashMap<>();
    for (TransportHooks family : TransportHooks.families()) {
      ProloguePatcher.Prologue prologue = family.entry() == TransportHooks.Entry.SERVLET
          ? new ProloguePatcher.Prologue(PrologueShape.SERVLET_ENTRY, BridgeCalls.SERVLET_ENTRY)
          : new ProloguePatcher.Prologue(PrologueShape.RETURN_IF_NONNULL, BridgeCalls.SPRING_ENTRY);
      Map<String, ProloguePatcher.Prologue> methods = new HashMap<>();
      for (String name : family.entryPoints()) {
        methods.put(name + family.descriptor(), prologue);
      }
      prologues.put(family, Map.copyOf(methods));
    }
    return Map.copyOf(prologues);
  }

  private static Map<Kind, Map<String, ProloguePatcher.Prologue>> prologues() {
    Map<Kind, Map<String, ProloguePatcher.Prologue>> prologues = new EnumMap<>(Kind.class);
    ProloguePatcher.Prologue servletService =
        new ProloguePatcher.Prologue(PrologueShape.RETURN_IF_TRUE, BridgeCalls.SERVLET_SERVICE);
    prologues.put(Kind.SERVLET_SERVICE, Map.of("service" + SERVLET_METHOD, servletService));
    // Tomcat's valve: its Request and Response are the container's HttpServletRequest/Response
    prologues.put(Kind.TOMCAT_CONTEXT_VALVE, Map.of("invoke" + VALVE_INVOKE, servletService));
    prologues.put(Kind.WEBFLUX_DISPATCHER, Map.of("handle" + DISPATCHER_HANDLE,
        new ProloguePatcher.Prologue(PrologueShape.RETURN_IF_NONNULL, BridgeCalls.WEBFLUX_DISPATCH)));
    prologues.put(Kind.SSE_SESSION, Map.of());
    prologues.put(Kind.TOOL_LIST, Map.of());
    return prologues;
  }

  /** The transport family of a hooked transport class; null for any other class. */
  static TransportHooks familyOf(String internalName) {
    return FAMILY_OF.get(internalName);
  }

  static boolean isTarget(String internalName) {
    return KINDS.containsKey(internalName);
  }

  /** Simple names of the transports, to spot a shaded or relocated SDK by its class names. */
  private static final Set<String> TRANSPORT_SIMPLE_NAMES = simpleNames();

  private static Set<String> simpleNames() {
    Set<String> names = new java.util.HashSet<>();
    for (String name : TRANSPORTS.keySet()) {
      names.add(name.substring(name.lastIndexOf('/') + 1));
    }
    return Set.copyOf(names);
  }

  /**
   * A class named like an MCP transport in another package: a shaded or relocated SDK, whose
   * entry points the agent does not hook by name. It is refused rather than left open.
   */
  static boolean isRelocatedTransport(String internalName) {
    // Every class the JVM loads passes here: the suffix test keeps the common case cheap.
    if (!internalName.endsWith("Transport") && !internalName.endsWith("TransportProvider")) {
      return false;
    }
    int slash = internalName.lastIndexOf('/');
    return slash > 0 && !KINDS.containsKey(internalName)
        && TRANSPORT_SIMPLE_NAMES.contains(internalName.substring(slash + 1));
  }

  /** Whether a class of a transport's simple name cannot be refused from HttpServlet.service, so must not load. */
  static boolean refusedByNotLoading(String internalName) {
    TransportHooks family = TransportHooks.familyOfSimpleName(internalName.substring(internalName.lastIndexOf('/') + 1));
    return family != null && family.entry() == TransportHooks.Entry.HANDLER;
  }

  static Kind kindOf(String internalName) {
    return KINDS.get(internalName);
  }

  /**
   * The class with its hooks in place, or an {@link UnsupportedShapeException}.
   *
   * @param replayBodies whether transports are to read POSTed bodies through the gate (per-message
   *     scope rules are configured): then a transport without a recognised body read is refused too
   */
  static byte[] hook(String internalName, byte[] classFile, boolean replayBodies) {
    return hookReporting(internalName, classFile, replayBodies).classFile();
  }

  /**
   * A hooked class, and whether its tools can see the caller: false for a transport of an SDK line
   * before transport contexts (0.10.x, and the 0.11.0 to 0.11.2 SSE transports), which the gate
   * protects in full but whose handlers have no context to carry the caller.
   */
  record Hooked(byte[] classFile, boolean callerVisibleToTools) {}

  /**
   * {@link #hook}, every shape the agent relies on checked here, at class load, so that a transport it
   * cannot fully protect is refused before it serves: the entry points, the session transports'
   * constructors the SSE binding hooks, the context extractor's calls, and (replaying) the body reads.
   */
  static Hooked hookReporting(String internalName, byte[] classFile, boolean replayBodies) {
    Kind kind = KINDS.get(internalName);
    boolean replaying = replayBodies && kind == Kind.TRANSPORT;
    Map<String, ProloguePatcher.Prologue> prologues =
        kind == Kind.TRANSPORT ? ENTRY_PROLOGUES.get(FAMILY_OF.get(internalName)) : PROLOGUES.get(kind);
    List<String> missing = new ArrayList<>();
    if (kind == Kind.TRANSPORT) {
      missing.addAll(SessionConstructions.missing(internalName, classFile, SESSION_CONSTRUCTORS));
    }
    ProloguePatcher.Patched patched = ProloguePatcher.patch(classFile, prologues, BridgeCalls.OWNER);
    List<String> hooked = new ArrayList<>(patched.hooked());
    byte[] result = patched.classFile();
    int contextCalls = 0;
    boolean mentionsContext = false;
    if (kind == Kind.TRANSPORT) {
      ContextExtractorCalls.Rewritten contexts = ContextExtractorCalls.rewrite(result);
      result = contexts.classFile();
      contextCalls = contexts.calls();
      mentionsContext = contexts.mentionsContext();
    }
    int bodyReads = 0;
    int toolListReads = 0;
    if (kind == Kind.SSE_SESSION || kind == Kind.TOOL_LIST || replaying) {
      MethodBodyRewrites rewrites = MethodBodyRewrites.of(result, kind, internalName,
          SESSION_CONSTRUCTORS.get(internalName), replaying ? internalName : null);
      result = rewrites.classFile;
      bodyReads = rewrites.bodyReads[0];
      toolListReads = rewrites.toolListReads[0];
      if (rewrites.sessionHooked) {
        hooked.add("<init>");
      }
    }
    List<String> required = switch (kind) {
      case SERVLET_SERVICE -> List.of("service");
      case SSE_SESSION -> List.of("<init>");
      case TOMCAT_CONTEXT_VALVE -> List.of("invoke");
      case WEBFLUX_DISPATCHER -> List.of("handle");
      case TOOL_LIST -> List.of();
      default -> TRANSPORTS.get(internalName);
    };
    for (String name : required) {
      if (!hooked.contains(name)) {
        missing.add(name);
      }
    }
    // A class that names a transport context but calls no extractor the agent knows has changed
    // shape; one that names none at all is of an SDK line before transport contexts.
    if (kind == Kind.TRANSPORT && contextCalls == 0 && mentionsContext) {
      missing.add("call of its contextExtractor");
    }
    if (kind == Kind.TOOL_LIST && toolListReads == 0) {
      missing.add("tools/list handler reading the tool list");
    }
    if (replaying && bodyReads == 0) {
      missing.add("read of the request body");
    }
    if (!missing.isEmpty()) {
      throw new UnsupportedShapeException(internalName, missing);
    }
    return new Hooked(result, kind != Kind.TRANSPORT || contextCalls > 0);
  }

  static final class UnsupportedShapeException extends RuntimeException {
    private final String detail;

    UnsupportedShapeException(String internalName, List<String> missing) {
      this(internalName.replace('/', '.'), "has an unrecognised shape (no " + String.join(", ", missing)
          + " with the expected signature)");
    }

    private UnsupportedShapeException(String name, String detail) {
      super(name + " " + detail);
      this.detail = detail;
    }

    /** What is wrong, without the class name. */
    String detail() {
      return detail;
    }
  }
}
