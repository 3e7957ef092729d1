package io.mcpauth.core.gate;

import java.util.List;
import java.util.Map;

/**
 * What the agent hooks in one transport family: its classes (each simple name in each package),
 * the entry points each must declare, and their descriptor. Each adapter declares its own
 * ({@link ServletTransport#HOOKS}, {@link WebMvcTransport#HOOKS}, {@link WebFluxTransport#HOOKS});
 * the instrumentation reads them from {@link #families()}.
 *
 * @param packages internal names, ending in {@code /}, where the classes are hooked
 * @param transports each class's simple name and the entry points it must declare
 * @param entryPoints every entry point hooked where a class declares it
 * @param descriptor the entry points' JVM descriptor
 */
public record TransportHooks(String family, Entry entry, List<String> packages, Map<String, List<String>> transports,
    List<String> entryPoints, String descriptor) {

  /** How an entry point calls the gate, and how a class that cannot be hooked is refused. */
  public enum Entry {
    /**
     * {@code AuthBridge.servletEntry}: null ends the method, else the response to use. A class
     * that cannot be hooked is answered 503 from {@code HttpServlet.service}.
     */
    SERVLET,
    /**
     * {@code AuthBridge.springEntry}: non-null is returned in place of the handler's result. A class
     * that cannot be hooked is made unloadable: there is no servlet entry to deny from.
     */
    HANDLER
  }

  /** The SDK's package, for its servlet transports and its 0.17/0.18 Spring modules. */
  static final String SDK_PACKAGE = "io/modelcontextprotocol/server/transport/";

  /** Every transport family the agent protects. Adding one: its adapter, and one line here. */
  public static List<TransportHooks> families() {
    return Families.ALL;
  }

  /** Apart, so that an adapter's HOOKS, built while its class initializes, never sees a half-built list. */
  private static final class Families {
    static final List<TransportHooks> ALL = List.of(ServletTransport.HOOKS, WebMvcTransport.HOOKS, WebFluxTransport.HOOKS);
  }

  /** The family of a transport class, by internal name; null for any other class. */
  public static TransportHooks familyOf(String internalName) {
    int slash = internalName.lastIndexOf('/') + 1;
    String pkg = internalName.substring(0, slash);
    String simple = internalName.substring(slash);
    for (TransportHooks hooks : families()) {
      if (hooks.transports.containsKey(simple) && hooks.packages.contains(pkg)) {
        return hooks;
      }
    }
    return null;
  }

  /** The family whose transports have this simple name in any package (a relocated SDK); null for none. */
  public static TransportHooks familyOfSimpleName(String simpleName) {
    for (TransportHooks hooks : families()) {
      if (hooks.transports.containsKey(simpleName)) {
        return hooks;
      }
    }
    return null;
  }
}
