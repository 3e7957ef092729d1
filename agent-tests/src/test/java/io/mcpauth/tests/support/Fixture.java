package io.mcpauth.tests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An integration-fixture MCP server in its own JVM, started with the shipped agent jar, as a user
 * would run it. Collects the process output so tests can read the agent's log lines.
 */
public final class Fixture implements AutoCloseable {

  public static final String SDK_2_1 = "servlet-jetty";
  public static final String SDK_1 = "servlet-jetty-sdk1";
  public static final String SDK_0_18 = "servlet-jetty-sdk018";

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps;
  private final int port;
  private final String transport;
  private String listeningUrl;

  private Fixture(Process process, int port, String transport) {
    this.process = process;
    this.port = port;
    this.transport = transport;
    pumps = List.of(pump(process.getInputStream(), stdout), pump(process.getErrorStream(), stderr));
  }

  public static Path agentJar() {
    return Path.of(System.getProperty("mcpauth.agent.jar", "../agent/target/mcpauth-agent.jar"));
  }

  public static Path fixtureJar(String module) {
    return Path.of(System.getProperty("mcpauth.fixtures.dir", "../integration-fixtures"), module, "target", module + ".jar");
  }

  /** Below Linux's ephemeral range (32768-60999): no bind to port 0 and no outgoing connection takes these. */
  private static final int FIRST_PORT = 20_000;
  private static final int PORTS = 12_000;
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(new SecureRandom().nextInt(PORTS));

  /**
   * A port for a fixture that must know its port before it starts (the agent's resource URI names
   * it). A bind to port 0 hands out ephemeral ports, which any socket of this machine may take in
   * the moment between this check and the fixture's own bind; a port below that range is taken
   * only by whoever asks for it by number, and each port is handed out once per test JVM.
   */
  public static int freePort() {
    for (int attempt = 0; attempt < PORTS; attempt++) {
      int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // next one
      }
    }
    throw new IllegalStateException("no free port from " + FIRST_PORT + " to " + (FIRST_PORT + PORTS - 1));
  }

  /** Every fixture JVM still running: stopped when the test JVM ends, however the run ended. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(process -> {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }), "fixture-reaper"));
  }

  /**
   * A hosts file for the fixture's JVM (jdk.net.hosts.file): loopback names, and the names a test
   * points at a listener of its own; every other name fails to resolve, so no fixture reaches the
   * network, whatever a test registers.
   */
  private static Path hostsFile(List<String> names) throws IOException {
    StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n::1 localhost\n");
    // the machine's own name, which servers look up at start (InetAddress.getLocalHost)
    hosts.append("127.0.0.1 ").append(InetAddress.getLocalHost().getHostName()).append('\n');
    for (String name : names) {
      hosts.append("127.0.0.1 ").append(name).append('\n');
    }
    Path file = Files.createTempFile("mcpauth-fixture-hosts", ".txt");
    file.toFile().deleteOnExit();
    return Files.writeString(file, hosts);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private String module = SDK_2_1;
    private String transport = "streamable";
    private boolean agent = true;
    private int port = freePort();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> extraArgs = new ArrayList<>();
    private final List<String> loopbackNames = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private Path classpathAhead;

    public Builder module(String module) {
      this.module = module;
      return this;
    }

    public Builder transport(String transport) {
      this.transport = transport;
      return this;
    }

    /** The MCP server's port (default: a free one), e.g. to restart on the same origin. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder withoutAgent() {
      this.agent = false;
      return this;
    }

    /** Protects the fixture with tokens from {@code idp} for its own resource URI. */
    public Builder protectedBy(TestIdentityProvider idp) {
      property("mcpauth.issuer", idp.issuer());
      property("mcpauth.resource", resourceUri());
      return this;
    }

    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /** Extra fixture command-line arguments, e.g. {@code --servlet-mapping /mcp}. */
    public Builder args(String... args) {
      extraArgs.addAll(List.of(args));
      return this;
    }

    /** Makes {@code name} resolve to 127.0.0.1 in the fixture's JVM (every name but localhost fails by default). */
    public Builder loopbackName(String name) {
      loopbackNames.add(name);
      return this;
    }

    /** A JVM option after the agent's, e.g. a second {@code -javaagent:}. */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /**
     * Runs the fixture jar's main class with {@code jar} ahead of it on the class path, so that its
     * classes replace the fixture's own (a test-built copy of an SDK class). Not for Spring Boot jars.
     */
    public Builder classpathAhead(Path jar) {
      this.classpathAhead = jar;
      return this;
    }

    public Builder env(String key, String value) {
      environment.put(key, value);
      return this;
    }

    public int port() {
      return port;
    }

    public String resourceUri() {
      return "http://127.0.0.1:" + port + "/mcp";
    }

    /** Starts the JVM without waiting for it to listen. */
    public Fixture launch() {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-XX:TieredStopAtLevel=1");
      if (agent) {
        command.add("-javaagent:" + agentJar().toAbsolutePath());
      }
      command.addAll(jvmArgs);
      try {
        command.add("-Djdk.net.hosts.file=" + hostsFile(loopbackNames));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
      if (classpathAhead == null) {
        command.add("-jar");
        command.add(fixtureJar(module).toAbsolutePath().toString());
      } else {
        command.add("-cp");
        command.add(classpathAhead.toAbsolutePath() + java.io.File.pathSeparator + fixtureJar(module).toAbsolutePath());
        command.add(mainClass(fixtureJar(module)));
      }
      command.add("--port");
      command.add(String.valueOf(port));
      command.add("--transport");
      command.add(transport);
      command.addAll(extraArgs);
      if (!Files.isRegularFile(fixtureJar(module)) || (agent && !Files.isRegularFile(agentJar()))) {
        throw new IllegalStateException("build first (mvn -B verify): missing " + fixtureJar(module) + " or " + agentJar());
      }
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().keySet().removeIf(name -> name.startsWith("MCPAUTH_"));
      builder.environment().putAll(environment);
      try {
        Process process = builder.start();
        RUNNING.add(process);
        return new Fixture(process, port, transport);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private static String mainClass(Path jar) {
      try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
        return file.getManifest().getMainAttributes().getValue("Main-Class");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Starts the JVM and waits until the MCP server listens. */
    public Fixture start() {
      Fixture fixture = launch();
      fixture.awaitListening(Duration.ofSeconds(60));
      return fixture;
    }
  }

  private void awaitListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : stdout) {
        if (line.startsWith("MCP server listening on ")) {
          listeningUrl = line.substring("MCP server listening on ".length()).trim();
          return;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("fixture exited with " + process.exitValue() + ":\n" + output());
      }
      sleep(20);
    }
    close();
    throw new IllegalStateException("fixture did not start in " + timeout + ":\n" + output());
  }

  /** Waits for the JVM to end by itself; returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("fixture still running after " + timeout + ":\n" + output());
      }
      awaitPumps();
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The URL the server printed: the MCP endpoint, or the SSE endpoint for the sse transport. */
  public String url() {
    return listeningUrl;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String resourceUri() {
    return baseUrl() + "/mcp";
  }

  public long pid() {
    return process.pid();
  }

  public String transport() {
    return transport;
  }

  public List<String> stdout() {
    return List.copyOf(stdout);
  }

  public List<String> stderr() {
    return List.copyOf(stderr);
  }

  /**
   * The tools the server ran, in order (its {@code FIXTURE tools/call <name>} lines). Complete once
   * the fixture is closed: the lines are read on threads of their own.
   */
  public List<String> toolCalls() {
    String prefix = "FIXTURE tools/call ";
    return stderr.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length())).toList();
  }

  /** Lines of the agent's own log (its lines carry " mcpauth "). */
  public List<String> agentLog() {
    return stderr.stream().filter(line -> line.contains(" mcpauth ")).toList();
  }

  /** Waits until an agent log line contains {@code text}; returns it. */
  public String awaitLog(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : stderr) {
        if (line.contains(text)) {
          return line;
        }
      }
      sleep(20);
    }
    throw new AssertionError("no log line with '" + text + "' in:\n" + output());
  }

  public String output() {
    return "--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + String.join("\n", stderr);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      awaitPumps();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      if (!process.isAlive()) {
        RUNNING.remove(process);
      }
    }
  }

  /** Once the JVM has ended, every line it wrote is read: its pipes are at their end. */
  private void awaitPumps() throws InterruptedException {
    for (Thread pump : pumps) {
      pump.join(TimeUnit.SECONDS.toMillis(10));
      if (pump.isAlive()) {
        throw new IllegalStateException("the fixture's output is still open after it ended");
      }
    }
  }

  private static Thread pump(InputStream in, List<String> lines) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "fixture-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
