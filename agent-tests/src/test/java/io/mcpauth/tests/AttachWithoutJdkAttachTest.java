package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attach command on a Java runtime without the jdk.attach module (a jlink image, as many
 * container images ship): one line saying what is missing and what to do, no stack trace; the
 * commands that need no attach still work there.
 */
class AttachWithoutJdkAttachTest {

  @TempDir
  Path dir;

  @Test
  void attachSaysWhatIsMissingInOneLine() throws Exception {
    Path runtime = dir.resolve("runtime");
    Result jlink = run(List.of(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(),
        "--add-modules", "java.base,java.instrument", "--no-header-files", "--no-man-pages", "--output", runtime.toString()));
    assertEquals(0, jlink.exit, jlink.output);
    String java = runtime.resolve("bin").resolve("java").toString();
    String jar = Fixture.agentJar().toAbsolutePath().toString();

    Result attach = run(List.of(java, "-jar", jar, "attach", String.valueOf(ProcessHandle.current().pid()),
        "mcpauth.issuer=https://idp.example.com/"));
    assertEquals(1, attach.exit, attach.output);
    List<String> lines = attach.output.lines().toList();
    assertEquals(1, lines.size(), attach.output);
    assertTrue(lines.get(0).startsWith("mcpauth: attach needs the jdk.attach module, which the Java runtime in " + runtime),
        lines.get(0));
    assertTrue(lines.get(0).contains("-javaagent:mcpauth-agent.jar"), lines.get(0));
    assertFalse(attach.output.contains("Exception") || attach.output.contains("Error"), attach.output);

    Result version = run(List.of(java, "-jar", jar, "--version"));
    assertEquals(0, version.exit, version.output);
    assertTrue(version.output.startsWith("mcpauth "), version.output);
  }

  private record Result(int exit, String output) {}

  private Result run(List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), command + " still running");
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
