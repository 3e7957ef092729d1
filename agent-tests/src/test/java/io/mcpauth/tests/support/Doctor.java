package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar mcpauth-agent.jar doctor ...}, the shipped jar's verb, run as an operator runs it:
 * the token in a file, never on the command line. Every run is checked for the token (and the other
 * secrets given) in its output.
 */
public final class Doctor {

  private Doctor() {}

  public record Result(int exit, String out, String err) {
    public String all() {
      return out + err;
    }
  }

  /** Runs doctor with {@code arguments}, plus {@code --token-file} when {@code token} is not null; files go to {@code dir}. */
  public static Result run(Path dir, String token, Collection<String> secrets, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Fixture.agentJar().toAbsolutePath().toString(), "doctor"));
    command.addAll(List.of(arguments));
    if (token != null) {
      Path file = Files.createTempFile(dir, "token", ".txt");
      Files.writeString(file, token);
      command.addAll(List.of("--token-file", file.toString()));
    }
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("MCPAUTH_"));
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "doctor still running");
    Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    List<String> all = new ArrayList<>(secrets);
    if (token != null) {
      all.add(token);
    }
    LogHygiene.assertNoSecretLogged("doctor", result.all(), all);
    return result;
  }

  public static void assertContains(Result result, String... expected) {
    for (String text : expected) {
      assertTrue(result.out().contains(text), "expected '" + text + "' in:\n" + result.all());
    }
  }

  /** Every check passed (exit 0), and the output has each of {@code expected}. */
  public static void assertPasses(Result result, String... expected) {
    assertEquals(0, result.exit(), result.all());
    assertContains(result, expected);
  }

  /** A check failed (exit 1), and the output has each of {@code expected}. */
  public static void assertFails(Result result, String... expected) {
    assertEquals(1, result.exit(), result.all());
    assertContains(result, expected);
  }
}
