package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.OAuthDriver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container recipe of docs/containers.md, as a pod runs it: an init container copies the agent
 * jar into a shared volume, and the server's container gets {@code JAVA_TOOL_OPTIONS=-javaagent:...}
 * and {@code MCPAUTH_*} variables, with no change to its command line. Everything here runs with
 * exactly that environment, including the operator's {@code kubectl exec} commands.
 */
class ContainerRecipeTest {

  private static final String PASSWORD = "container-password-1";

  @TempDir
  Path home;

  @Test
  @DisplayName("JAVA_TOOL_OPTIONS and MCPAUTH_* protect an unchanged server; the agent's own CLI and jcmd run beside it in the same environment")
  void javaToolOptionsProtectsTheServerAndLeavesToolsAlone() throws Exception {
    Path data = Files.createDirectory(home.resolve("data"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    EmbeddedAuthServer.addUser(data.resolve("users"), "alice", PASSWORD);
    int asPort = Fixture.freePort();
    Map<String, String> pod = podEnvironment(sharedVolumeCopy(), Map.of(
        "MCPAUTH_AS_PORT", String.valueOf(asPort),
        "MCPAUTH_AS_DATA", data.toString()));
    Fixture.Builder builder = Fixture.builder().withoutAgent();
    pod.forEach(builder::env);
    try (Fixture server = builder.start()) {
      assertTrue(server.stderr().stream().anyMatch(line -> line.startsWith("Picked up JAVA_TOOL_OPTIONS")),
          server.output());
      server.awaitLog("protecting MCP transports", Duration.ofSeconds(20));
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode(), "protected without a flag on its command line");

      String issuer = "http://localhost:" + asPort;
      String resource = "http://localhost:" + server.port() + "/";
      OAuthDriver browser = new OAuthDriver(issuer);
      OAuthDriver.Client client = browser.registerPublic("pod client");
      String token = (String) browser.tokens(client, resource, "mcp:tools", "alice", PASSWORD).get("access_token");
      assertEquals(200, mcp(server.port(), token).statusCode());

      // kubectl exec <pod> -- java -jar /mcpauth/mcpauth-agent.jar user add ...: the same environment,
      // so the agent is loaded into the command's JVM too; it must stay out of its way.
      Run userAdd = run(pod, PASSWORD + "\n", "java", "-jar", pod.get("AGENT_JAR"),
          "user", "add", "--users-file", data.resolve("users").toString(), "--username", "dave");
      assertEquals(0, userAdd.exit, userAdd.output);
      assertTrue(userAdd.output.contains("Picked up JAVA_TOOL_OPTIONS"), "the agent was on that JVM's command line: " + userAdd.output);
      assertFalse(userAdd.output.contains("in use by another process"), userAdd.output);
      String daves = (String) new OAuthDriver(issuer).tokens(client, resource, "mcp:tools", "dave", PASSWORD)
          .get("access_token");
      assertEquals(200, mcp(server.port(), daves).statusCode(), "the user added through kubectl exec signs in");

      Run jcmd = run(pod, "", "jcmd", String.valueOf(server.pid()), "VM.version");
      assertEquals(0, jcmd.exit, jcmd.output);
      assertTrue(jcmd.output.contains("Picked up JAVA_TOOL_OPTIONS"), "the agent was on jcmd's command line: " + jcmd.output);
      assertFalse(jcmd.output.lines().anyMatch(line -> line.startsWith("mcpauth")), "no agent start in the JDK tool: " + jcmd.output);
      assertTrue(jcmd.output.contains("OpenJDK") || jcmd.output.contains("Java HotSpot"), jcmd.output);
      assertEquals(200, mcp(server.port(), token).statusCode(), "the server is unaffected");
    }
  }

  @Test
  @DisplayName("a bad MCPAUTH_* variable stops the pod's JVM with one line naming the setting")
  void badVariableStopsTheJvm() throws IOException {
    Map<String, String> pod = podEnvironment(sharedVolumeCopy(), Map.of(
        "MCPAUTH_ISSUER", "not a url",
        "MCPAUTH_RESOURCE", "http://127.0.0.1:9/mcp"));
    Fixture.Builder builder = Fixture.builder().withoutAgent();
    pod.forEach(builder::env);
    try (Fixture server = builder.launch()) {
      assertEquals(2, server.awaitExit(Duration.ofSeconds(60)), server.output());
      List<String> lines = server.stderr().stream().filter(line -> line.startsWith("mcpauth")).toList();
      assertEquals(1, lines.size(), server.output());
      assertTrue(lines.get(0).contains("mcpauth.issuer"), lines.get(0));
      assertFalse(server.stdout().stream().anyMatch(line -> line.startsWith("MCP server listening")), "it never served");
    }
  }

  /** The init container's copy: the jar alone in a read-only file on a volume both containers mount. */
  private Path sharedVolumeCopy() throws IOException {
    Path volume = Files.createDirectories(home.resolve("mcpauth"));
    Path jar = volume.resolve("mcpauth-agent.jar");
    Files.copy(Fixture.agentJar(), jar, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("r--r--r--"));
    return jar;
  }

  private static Map<String, String> podEnvironment(Path jar, Map<String, String> settings) {
    Map<String, String> environment = new LinkedHashMap<>(settings);
    environment.put("JAVA_TOOL_OPTIONS", "-javaagent:" + jar);
    environment.put("AGENT_JAR", jar.toString());
    return environment;
  }

  private record Run(int exit, String output) {}

  /** A command in the pod's environment (and only that: no MCPAUTH_* from this JVM's own). */
  private static Run run(Map<String, String> environment, String input, String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of(command));
    line.set(0, Path.of(System.getProperty("java.home"), "bin", command[0]).toString());
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("MCPAUTH_") || name.equals("JAVA_TOOL_OPTIONS"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
    }
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> mcp(int port, String token) {
    return Http.post("http://localhost:" + port + "/mcp", Http.INITIALIZE, "Authorization", "Bearer " + token);
  }
}
