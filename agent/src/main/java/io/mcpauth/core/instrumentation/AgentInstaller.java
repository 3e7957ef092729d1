package io.mcpauth.core.instrumentation;

import io.mcpauth.core.gate.TransportHooks;
import io.mcpauth.core.logging.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Puts the gate into the MCP transports. The transformer decides by class name alone, and writes
 * the prologues into the few target classes itself ({@link ProloguePatcher}); ASM loads only for
 * the rewrites inside method bodies that some settings need: a full instrumentation framework costs
 * most of a second of start-up for the handful of methods we hook.
 */
public final class AgentInstaller implements ClassFileTransformer {

  /** What the refusals name as supported; docs/compatibility.md has the tested rows. */
  private static final String SUPPORTED = "MCP Java SDK 0.10.0 to 2.1.0 and the Spring AI 2.0 transports,"
      + " see docs/compatibility.md";

  /** Not a class file: defining it fails with ClassFormatError. */
  private static final byte[] UNLOADABLE = {0};

  private final Consumer<String> refuseTransport;
  private final Executor logExecutor;
  private final boolean replayBodies;
  private final boolean filterToolList;

  private AgentInstaller(Consumer<String> refuseTransport, Executor logExecutor, boolean replayBodies,
      boolean filterToolList) {
    this.refuseTransport = refuseTransport;
    this.logExecutor = logExecutor;
    this.replayBodies = replayBodies;
    this.filterToolList = filterToolList;
  }

  /** The class names the agent instruments, for the start-up line. */
  public static List<String> transportClassNames() {
    return Hooks.TRANSPORTS.keySet().stream().map(name -> name.replace('/', '.')).sorted().toList();
  }

  /**
   * @param refuseTransport told the name of every transport class whose shape is not recognised,
   *     so that requests to it can be denied
   * @param logExecutor where log lines are written, off the class-loading thread
   * @param attached whether the JVM already runs: then classes loaded earlier are retransformed
   * @param replayBodies whether the gate reads POSTed bodies first (per-message scope rules), so the
   *     transports must read them from the gate
   * @param filterToolList whether tools/list answers only the tools the caller may call
   */
  public static void install(Instrumentation instrumentation, Consumer<String> refuseTransport, Executor logExecutor,
      boolean attached, boolean replayBodies, boolean filterToolList) throws UnmodifiableClassException {
    AgentInstaller installer = new AgentInstaller(refuseTransport, logExecutor, replayBodies, filterToolList);
    // Retransformation only serves an attach, where the transports may be loaded already. A
    // retransformation-capable transformer makes the JVM keep a copy of every class file it loads
    // from then on, which a -javaagent start would pay for every class of the application.
    instrumentation.addTransformer(installer, attached);
    if (attached) {
      List<Class<?>> loaded = new ArrayList<>();
      for (Class<?> type : instrumentation.getAllLoadedClasses()) {
        String internalName = type.getName().replace('.', '/');
        if ((installer.hooks(internalName) || Hooks.isRelocatedTransport(internalName))
            && instrumentation.isModifiableClass(type)) {
          loaded.add(type);
        }
      }
      if (!loaded.isEmpty()) {
        instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
      }
    }
  }

  private boolean hooks(String internalName) {
    return Hooks.isTarget(internalName) && (filterToolList || Hooks.kindOf(internalName) != Hooks.Kind.TOOL_LIST);
  }

  private byte[] refuseRelocated(String className) {
    String name = className.replace('/', '.');
    String problem = name + " looks like a shaded or relocated MCP Java SDK transport, which the agent does not hook";
    if (Hooks.refusedByNotLoading(className)) {
      logExecutor.execute(() -> AgentLog.error("{}; refusing to load it, so the server cannot serve it"
          + " unprotected (fail closed). Run the SDK unshaded", problem));
      return UNLOADABLE;
    }
    refuseTransport.accept(name);
    logExecutor.execute(() -> AgentLog.error("{}; every request to it is denied with 503 (fail closed)."
        + " Run the SDK unshaded", problem));
    return null;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (className == null) {
      return null;
    }
    if (!hooks(className)) {
      return Hooks.isRelocatedTransport(className) ? refuseRelocated(className) : null;
    }
    String name = className.replace('/', '.');
    String loaderName = loader == null ? "bootstrap" : loader.getClass().getName();
    Hooks.Kind kind = Hooks.kindOf(className);
    try {
      Hooks.Hooked hooked = Hooks.hookReporting(className, classfileBuffer, replayBodies);
      logExecutor.execute(() -> AgentLog.info(Hooks.TRANSPORTS.containsKey(className)
          ? "protecting " + name + " (class loader " + loaderName + ")"
          : kind == Hooks.Kind.SSE_SESSION ? "binding legacy SSE sessions through " + name
          : kind == Hooks.Kind.TOOL_LIST ? "answering tools/list with the tools each caller may call, in " + name
          : "serving Protected Resource Metadata through " + name + " (class loader " + loaderName + ")"));
      if (!hooked.callerVisibleToTools()) {
        logExecutor.execute(() -> AgentLog.warn("{} ({}) has no transport context (MCP Java SDK 0.10, or a 0.11.0 to"
            + " 0.11.2 SSE transport): every request to it is checked and its sessions bound to their caller, but its"
            + " tools cannot read the caller from McpTransportContext",
            name, SdkVersion.of(loader, protectionDomain, className)));
      }
      return hooked.classFile();
    } catch (Throwable e) {
      String detail = e instanceof Hooks.UnsupportedShapeException shape ? shape.detail()
          : "could not be instrumented: " + e;
      // The jar's version is read on the log thread, never while the class loads.
      Supplier<String> problem = () -> name + " (" + SdkVersion.of(loader, protectionDomain, className) + ") " + detail;
      TransportHooks family = Hooks.familyOf(className);
      if (family != null && family.entry() == TransportHooks.Entry.HANDLER) {
        // No servlet entry to deny from: the class is made unloadable, so the application
        // cannot start with an MCP endpoint the gate does not cover.
        logExecutor.execute(() -> AgentLog.error("{}; refusing to load it, so the server cannot serve it"
            + " unprotected (fail closed). Supported: " + SUPPORTED, problem.get()));
        return UNLOADABLE;
      }
      switch (kind) {
        case TRANSPORT:
          refuseTransport.accept(name);
          logExecutor.execute(() -> AgentLog.error("{}; every request to it is denied with 503 transport_unrecognised"
              + " (fail closed). Supported: " + SUPPORTED, problem.get()));
          return null;
        case SSE_SESSION:
          // Without the hook its sessions would be unbound, and the gate answers 404 for every
          // unbound session; refusing the transport says why instead.
          String transport = name.substring(0, name.indexOf('$'));
          refuseTransport.accept(transport);
          logExecutor.execute(() -> AgentLog.error("{}; every request to {} is denied with 503 transport_unrecognised"
              + " (fail closed)", problem.get(), transport));
          return null;
        case TOOL_LIST:
          // Hiding tools is a courtesy: every tools/call is still checked before it runs.
          logExecutor.execute(() -> AgentLog.warn("{}: tools/list lists every tool there (calls are still checked)",
              problem.get()));
          return null;
        default:
          logExecutor.execute(() -> AgentLog.error("{}: the Protected Resource Metadata is not served there",
              problem.get()));
          return null;
      }
    }
  }
}
