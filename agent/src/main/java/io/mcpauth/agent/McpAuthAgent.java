package io.mcpauth.agent;

import java.io.File;
import java.io.IOException;
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
  /** Read by the attach command in the target JVM: the outcome, never a secret. */
  private static final String STATE = "mcpauth.agent.state";
  private static final String ALREADY_ACTIVE = "already active";

  private McpAuthAgent() {}

  public static void premain(String agentArgs, Instrumentation inst) {
    if (launchedAsTool()) {
      return;
    }
    start(agentArgs, inst, false);
  }

  public static void agentmain(String agentArgs, Instrumentation inst) {
    start(agentArgs, inst, true);
  }

  public static void main(String[] args) throws Throwable {
    try {
      // The command line may attach to other JVMs: jdk.attach is defined to the system loader.
      Class.forName(COMMAND_LINE, true, new AgentClassLoader(agentJar(), ClassLoader.getSystemClassLoader()))
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void start(String agentArgs, Instrumentation inst, boolean attached) {
    try {
      if (gateAlreadyInstalled()) {
        System.err.println("mcpauth: the agent is already running in this JVM; nothing to do");
        System.setProperty(STATE, ALREADY_ACTIVE);
        return;
      }
      File jar = agentJar();
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      Class.forName(STARTER, true, new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader()))
          .getMethod("start", Instrumentation.class, String.class, boolean.class)
          .invoke(null, inst, agentArgs, attached);
    } catch (Throwable t) {
      Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
      if (attached) {
        // The JVM ignores exceptions from agentmain; the attach command reads this outcome instead.
        System.err.println("mcpauth: attach failed: " + cause);
        System.setProperty(STATE, "failed: " + cause.getMessage());
        return;
      }
      // Fail closed: a server that was meant to be protected must not start unprotected.
      System.err.println("mcpauth: failed to start, stopping the JVM: " + cause);
      System.exit(1);
    }
  }

  /**
   * {@code JAVA_TOOL_OPTIONS=-javaagent:...}, the container recipe, loads the agent into every JVM
   * the container starts: this jar's own command line ({@code kubectl exec ... java -jar
   * mcpauth-agent.jar user add}) and the JDK's tools ({@code jcmd}, {@code jps}, launched with
   * {@code -m jdk.*}). Starting there would bind the embedded authorization server's port and lock
   * its data directory a second time, and so stop the tool. Neither JVM can host an MCP server.
   */
  private static boolean launchedAsTool() {
    String module = System.getProperty("jdk.module.main", "");
    if (module.startsWith("jdk.") || module.startsWith("java.")) {
      return true;
    }
    try {
      String classPath = System.getProperty("java.class.path", "");
      return !classPath.isEmpty() && new File(classPath).getCanonicalFile().equals(agentJar().getCanonicalFile());
    } catch (IOException | URISyntaxException | IllegalStateException e) {
      return false;
    }
  }

  /** Asks the bootstrap bridge, if a previous start loaded it, whether a gate is in place. */
  private static boolean gateAlreadyInstalled() throws ReflectiveOperationException {
    Class<?> bridge;
    try {
      bridge = Class.forName(BRIDGE, false, null);
    } catch (ClassNotFoundException e) {
      return false;
    }
    return (Boolean) bridge.getMethod("installed").invoke(null);
  }

  private static File agentJar() throws URISyntaxException {
    File jar = new File(McpAuthAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!jar.isFile()) {
      throw new IllegalStateException("mcpauth must run from its jar, not from " + jar);
    }
    return jar;
  }
}
