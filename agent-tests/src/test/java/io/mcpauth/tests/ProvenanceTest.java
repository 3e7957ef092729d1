package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shipped jar names its version and the commit it was built from: on --version and in the start-up log. */
class ProvenanceTest extends WithIdentityProvider {

  private static final Path REPOSITORY = Fixture.agentJar().toAbsolutePath().getParent().getParent().getParent();

  @Test
  void versionNamesTheVersionAndTheCommit() throws Exception {
    String out = run(List.of(java(), "-jar", Fixture.agentJar().toAbsolutePath().toString(), "--version"));
    String expected = "mcpauth " + System.getProperty("mcpauth.project.version") + " (commit " + expectedCommit();
    assertTrue(out.equals(expected + ")\n") || out.equals(expected + ", with uncommitted changes)\n"),
        "expected " + expected + ", got " + out);
  }

  @Test
  void theStartUpLineNamesTheVersionAndTheCommit() throws Exception {
    try (Fixture server = Fixture.builder().protectedBy(idp).start()) {
      String line = server.awaitLog("protecting MCP transports", Duration.ofSeconds(10));
      assertTrue(line.contains("mcpauth " + System.getProperty("mcpauth.project.version") + " (commit " + expectedCommit()),
          line);
    }
  }

  /** What the build saw: HEAD of this repository, or "unknown" for a source tree without git. */
  private static String expectedCommit() throws Exception {
    if (!Files.exists(REPOSITORY.resolve(".git"))) {
      return "unknown";
    }
    String head = run(List.of("git", "-C", REPOSITORY.toString(), "rev-parse", "HEAD")).strip();
    assertTrue(head.matches("[0-9a-f]{40}"), head);
    return head;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " still running");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), command + ": " + text);
    return text;
  }
}
