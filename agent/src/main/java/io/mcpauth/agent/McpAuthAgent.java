package io.mcpauth.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * Entry point of the agent jar: {@code -javaagent}, dynamic attach, and {@code java -jar}.
 *
 * <p>Kept JDK-only, without static state and without logging, like OpenTelemetry's
 * {@code OpenTelemetryAgent}: it appends its own jar to the bootstrap search path (so the bridge in
 * {@code io.mcpauth.agent.bootstrap} is seen by every host class loader), then hands over to the
 * hidden core through an {@link AgentClassLoader}. It never references the core's types.
 */
public final class McpAuthAgent {

  private static final String BRIDGE = "io.mcpauth.agent.bootstrap.AuthBridge";
  private static final String STARTER = "io.mcpauth.core.AgentStarter";
  private static final String COMMAND_LINE = "io.mcpauth.core.cli.CommandLine";

  private McpAuthAgent() {}

  public static void premain(String agentArgs, Instrumentation inst) {
    start(agentArgs, inst, false);
  }

  public static void agentmain(String agentArgs, Instrumentation inst) {
    start(agentArgs, inst, true);
  }

  public static void main(String[] args) throws Throwable {
    try {
      Class.forName(COMMAND_LINE, true, new AgentClassLoader(agentJar()))
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void start(String agentArgs, Instrumentation inst, boolean attached) {
    try {
      if (bridgeAlreadyLoaded()) {
        System.err.println("mcpauth: the agent is already running in this JVM; nothing to do");
        return;
      }
      File jar = agentJar();
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      Class.forName(STARTER, true, new AgentClassLoader(jar))
          .getMethod("start", Instrumentation.class, String.class, boolean.class)
          .invoke(null, inst, agentArgs, attached);
    } catch (Throwable t) {
      Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
      if (attached) {
        // The JVM ignores exceptions from agentmain; the attach CLI reads the outcome instead.
        System.err.println("mcpauth: attach failed: " + cause);
        return;
      }
      // Fail closed: a server that was meant to be protected must not start unprotected.
      System.err.println("mcpauth: failed to start, stopping the JVM: " + cause);
      System.exit(1);
    }
  }

  private static boolean bridgeAlreadyLoaded() {
    try {
      Class.forName(BRIDGE, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static File agentJar() throws URISyntaxException {
    File jar = new File(McpAuthAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!jar.isFile()) {
      throw new IllegalStateException("mcpauth must run from its jar, not from " + jar);
    }
    return jar;
  }
}
