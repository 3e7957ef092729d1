package io.mcpauth.core.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import java.lang.instrument.Instrumentation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts the gate into the MCP transports: lazily at {@code -javaagent} start, at once on attach. */
public final class AgentInstaller {

  private static final Logger log = LoggerFactory.getLogger("mcpauth");
  private static final String GATE_ADVICE =
      "io.mcpauth.core.instrumentation.ServletTransportInstrumentation$GateAdvice";
  private static final String SERVICE_ADVICE =
      "io.mcpauth.core.instrumentation.ServletServiceInstrumentation$ServiceAdvice";

  private AgentInstaller() {}

  /** The class names the agent instruments, for the start-up line. */
  public static List<String> transportClassNames() {
    return ServletTransportInstrumentation.TRANSPORTS.keySet().stream().sorted().toList();
  }

  /**
   * @param refuseTransport told the name of every transport class whose shape is not recognised,
   *     so that requests to it can be denied
   */
  public static void install(Instrumentation instrumentation, Consumer<String> refuseTransport, boolean attached) {
    if (attached) {
      // Classes are already loaded: retransform them now.
      agentBuilder(refuseTransport).installOn(instrumentation);
      return;
    }
    Set<String> internalNames = new HashSet<>();
    for (String name : ServletTransportInstrumentation.TRANSPORTS.keySet()) {
      internalNames.add(name.replace('.', '/'));
    }
    internalNames.add(ServletServiceInstrumentation.HTTP_SERVLET.replace('.', '/'));
    instrumentation.addTransformer(new LazyTransformer(internalNames, () -> agentBuilder(refuseTransport).makeRaw()), true);
  }

  private static AgentBuilder agentBuilder(Consumer<String> refuseTransport) {
    ClassLoader adviceLoader = AgentInstaller.class.getClassLoader();
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.PoolStrategy.Default.FAST)
        .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
        .with(new TransformationLog(refuseTransport))
        .ignore(nameStartsWith("io.mcpauth.").or(nameStartsWith("net.bytebuddy.")))
        .type(ServletTransportInstrumentation.types())
        .transform((builder, type, loader, module, domain) -> {
          List<String> missing = ServletTransportInstrumentation.missingEntryPoints(type);
          if (!missing.isEmpty()) {
            throw new UnsupportedTransportException(type.getName(), missing);
          }
          return builder;
        })
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(adviceLoader)
            .advice(ServletTransportInstrumentation.entryPoints(), GATE_ADVICE))
        .type(ServletServiceInstrumentation.types())
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(adviceLoader)
            .advice(ServletServiceInstrumentation.serviceMethod(), SERVICE_ADVICE));
  }

  static final class UnsupportedTransportException extends RuntimeException {
    UnsupportedTransportException(String type, List<String> missing) {
      super("MCP transport " + type + " has an unrecognised shape (missing " + String.join(", ", missing) + ")");
    }
  }

  /** One log line per instrumented class and loader; an unprotectable transport is refused. */
  private static final class TransformationLog extends AgentBuilder.Listener.Adapter {

    private final Consumer<String> refuseTransport;
    private final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    TransformationLog(Consumer<String> refuseTransport) {
      this.refuseTransport = refuseTransport;
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
        DynamicType dynamicType) {
      if (seen.add(type.getName() + "@" + System.identityHashCode(loader))) {
        if (ServletTransportInstrumentation.TRANSPORTS.containsKey(type.getName())) {
          log.info("protecting {} (class loader {})", type.getName(), loaderName(loader));
        } else {
          log.info("serving Protected Resource Metadata through {} (class loader {})", type.getName(), loaderName(loader));
        }
      }
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
      if (ServletTransportInstrumentation.TRANSPORTS.containsKey(typeName)) {
        refuseTransport.accept(typeName);
        log.error("{}; every request to it is denied with 503 (fail closed). Supported: MCP Java SDK 0.17.0 to 2.1.0",
            error instanceof UnsupportedTransportException ? error.getMessage()
                : "could not instrument MCP transport " + typeName + ": " + error);
      } else {
        log.error("could not instrument {}: the Protected Resource Metadata may not be served", typeName, error);
      }
    }

    private static String loaderName(ClassLoader loader) {
      return loader == null ? "bootstrap" : loader.getClass().getName();
    }
  }
}
