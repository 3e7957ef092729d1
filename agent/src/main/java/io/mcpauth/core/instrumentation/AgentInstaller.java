package io.mcpauth.core.instrumentation;

import io.mcpauth.core.logging.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Puts the gate into the MCP transports. The transformer decides by class name alone, and the only
 * library it loads is ASM (a few dozen classes), only when a target class loads: a full
 * instrumentation framework costs most of a second of start-up for the handful of methods we hook.
 */
public final class AgentInstaller implements ClassFileTransformer {

  private final Consumer<String> refuseTransport;
  private final Executor logExecutor;

  private AgentInstaller(Consumer<String> refuseTransport, Executor logExecutor) {
    this.refuseTransport = refuseTransport;
    this.logExecutor = logExecutor;
  }

  /** The class names the agent instruments, for the start-up line. */
  public static List<String> transportClassNames() {
    return ServletHooks.TRANSPORTS.keySet().stream().map(name -> name.replace('/', '.')).sorted().toList();
  }

  /**
   * @param refuseTransport told the name of every transport class whose shape is not recognised,
   *     so that requests to it can be denied
   * @param logExecutor where log lines are written, off the class-loading thread
   * @param attached whether the JVM already runs: then classes loaded earlier are retransformed
   */
  public static void install(Instrumentation instrumentation, Consumer<String> refuseTransport, Executor logExecutor,
      boolean attached) throws UnmodifiableClassException {
    instrumentation.addTransformer(new AgentInstaller(refuseTransport, logExecutor), true);
    if (attached) {
      List<Class<?>> loaded = new ArrayList<>();
      for (Class<?> type : instrumentation.getAllLoadedClasses()) {
        if (ServletHooks.isTarget(type.getName().replace('.', '/')) && instrumentation.isModifiableClass(type)) {
          loaded.add(type);
        }
      }
      if (!loaded.isEmpty()) {
        instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
      }
    }
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (className == null || !ServletHooks.isTarget(className)) {
      return null;
    }
    String name = className.replace('/', '.');
    String loaderName = loader == null ? "bootstrap" : loader.getClass().getName();
    boolean transport = ServletHooks.TRANSPORTS.containsKey(className);
    try {
      byte[] hooked = ServletHooks.hook(className, classfileBuffer);
      logExecutor.execute(() -> AgentLog.get().info(transport
          ? "protecting " + name + " (class loader " + loaderName + ")"
          : "serving Protected Resource Metadata through " + name + " (class loader " + loaderName + ")"));
      return hooked;
    } catch (Throwable e) {
      if (transport) {
        refuseTransport.accept(name);
        logExecutor.execute(() -> AgentLog.get().error("{}; every request to it is denied with 503 (fail closed)."
            + " Supported: MCP Java SDK 0.17.0 to 2.1.0", e instanceof ServletHooks.UnsupportedShapeException
                ? e.getMessage() : "could not instrument MCP transport " + name + ": " + e));
      } else {
        logExecutor.execute(() -> AgentLog.get().error(
            "could not instrument {}: the Protected Resource Metadata is not served", name, e));
      }
      return null;
    }
  }
}
