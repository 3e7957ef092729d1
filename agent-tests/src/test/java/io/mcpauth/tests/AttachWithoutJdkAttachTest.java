package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attach command on a Java runtime without the jdk.attach module (a jlink image, as many
 * container images ship): it speaks HotSpot's attach protocol itself, so a running server is
 * protected all the same; a process that is not a JVM is never sent the signal that would end it.
 */
class AttachWithoutJdkAttachTest extends WithIdentityProvider {

  @TempDir
  static Path dir;

  private static String java;

  @BeforeAll
  static void runtimeWithoutJdkAttach() throws Exception {
    Path runtime = dir.resolve("runtime");
    Result jlink = run(List.of(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(),
        "--add-modules", "java.base,java.instrument", "--no-header-files", "--no-man-pages", "--output", runtime.toString()));
    assertEquals(0, jlink.exit, jlink.output);
    java = runtime.resolve("bin").resolve("java").toString();
    Result modules = run(List.of(java, "--list-modules"));
    assertFalse(modules.output.contains("jdk.attach"), modules.output);
  }

  @Test
  void attachWithoutTheModuleProtectsARunningServer() throws Exception {
    try (Fixture server = Fixture.builder().withoutAgent().start()) {
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE).statusCode(), "unprotected before the attach");
      Result attach = run(List.of(java, "-jar", Fixture.agentJar().toAbsolutePath().toString(), "attach",
          String.valueOf(server.pid()), "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + server.resourceUri()));
      assertEquals(0, attach.exit, attach.output);
      assertTrue(attach.output.contains("is protected"), attach.output);
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode(), "the transport was retransformed");
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE,
          "Authorization", bearer(idp.token(server.resourceUri()).sign())).statusCode());

      Result again = run(List.of(java, "-jar", Fixture.agentJar().toAbsolutePath().toString(), "attach",
          String.valueOf(server.pid()), "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + server.resourceUri()));
      assertEquals(0, again.exit, again.output);
      assertTrue(again.output.contains("already protected; nothing to do"), again.output);
    }
  }

  @Test
  void aProcessThatIsNotAJvmIsLeftAlone() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      Result attach = run(List.of(java, "-jar", Fixture.agentJar().toAbsolutePath().toString(), "attach",
          String.valueOf(sleeper.pid()), "mcpauth.issuer=https://idp.example.com/", "mcpauth.resource=http://127.0.0.1:9/mcp"));
      assertEquals(1, attach.exit, attach.output);
      assertEquals(List.of("mcpauth: cannot attach to " + sleeper.pid() + ": process " + sleeper.pid()
          + " is not a Java virtual machine that accepts attach"), attach.output.lines().toList());
      assertTrue(sleeper.isAlive(), "no SIGQUIT was sent to it");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void theOtherCommandsRunThere() throws Exception {
    Result version = run(List.of(java, "-jar", Fixture.agentJar().toAbsolutePath().toString(), "--version"));
    assertEquals(0, version.exit, version.output);
    assertTrue(version.output.startsWith("mcpauth "), version.output);
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), command + " still running");
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
