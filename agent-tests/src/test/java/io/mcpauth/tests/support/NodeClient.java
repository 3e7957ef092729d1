package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * The real JavaScript MCP clients of {@code src/test/node} (the MCP TypeScript SDK, and headless
 * Chromium through playwright-core), run as child processes with a deadline. Each script prints one
 * line on standard output, {@code RESULT <json>} or {@code FAIL <reason>}, and its step log (no
 * secret) on standard error. Every secret the script handled (tokens, code, password) is written
 * to a file only this side reads, so a test can check that none reached a log.
 */
public final class NodeClient {

  private NodeClient() {}

  /** The folder with package.json and the scripts. */
  public static Path dir() {
    return Path.of(System.getProperty("mcpauth.node.dir", "src/test/node")).toAbsolutePath();
  }

  /**
   * The node binary: $MCPAUTH_NODE, else a project-local one installed from npm (the {@code node}
   * package, when the machine's is too old), else {@code node} on the PATH.
   */
  public static Path node() {
    String configured = System.getenv("MCPAUTH_NODE");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path local = dir().resolve("node_modules/node/bin/node");
    if (Files.isExecutable(local)) {
      return local;
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, "node");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("no node on the PATH (nor $MCPAUTH_NODE): run .ci/setup, which installs what the end-to-end clients need");
  }

  /** Fails with what to do when the npm packages are not installed. */
  public static void requireInstalled() {
    for (String module : List.of("@modelcontextprotocol/sdk", "playwright-core")) {
      if (!Files.isDirectory(dir().resolve("node_modules").resolve(module))) {
        fail("missing " + dir().resolve("node_modules").resolve(module)
            + ": run .ci/setup (it runs `npm ci` in agent-tests/src/test/node)");
      }
    }
  }

  /** The Chromium the browser test drives: $MCPAUTH_E2E_CHROMIUM, else Debian's /usr/bin/chromium. */
  public static Path chromium() {
    String configured = System.getenv("MCPAUTH_E2E_CHROMIUM");
    Path path = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium");
    if (!Files.isExecutable(path)) {
      fail("no Chromium at " + path + ": run .ci/setup (it installs Debian's chromium package)");
    }
    return path;
  }

  /** What a script run left: exit code, both outputs, the parsed RESULT, the secrets it handled. */
  public record Run(String script, int exitCode, String stdout, String stderr, Map<String, Object> result,
      String failure, List<String> secrets, Duration duration) {

    /** The RESULT object; fails the test, with both outputs, when the script did not succeed. */
    public Map<String, Object> requireResult() {
      if (exitCode != 0 || result == null) {
        fail(script + " did not succeed (exit " + exitCode + "): " + (failure != null ? "FAIL " + failure : "no RESULT line")
            + "\n--- stdout\n" + stdout + "\n--- stderr (step log)\n" + stderr);
      }
      return result;
    }

    /** The FAIL reason; fails the test when the script succeeded. */
    public String requireFailure() {
      if (exitCode == 0 || failure == null) {
        fail(script + " was expected to fail but exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr);
      }
      return failure;
    }

    public String output() {
      return stdout + "\n" + stderr;
    }
  }

  /** Runs {@code node <script> <args...>} in {@link #dir()}, killing it (and its children) past the deadline. */
  public static Run run(String script, Duration timeout, Map<String, String> env, String... args) {
    requireInstalled();
    Path node = node();
    Path work;
    try {
      work = Files.createTempDirectory("mcpauth-node-run");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Path out = work.resolve("stdout");
    Path err = work.resolve("stderr");
    Path secretsFile = work.resolve("secrets");
    List<String> command = new ArrayList<>(List.of(node.toString(), script));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir().toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("MCPAUTH_") && !name.equals("MCPAUTH_E2E_CHROMIUM"));
    environment.put("MCPAUTH_E2E_SECRETS_FILE", secretsFile.toString());
    environment.put("MCPAUTH_E2E_TIMEOUT_MS", String.valueOf(Math.max(1000, timeout.toMillis() - 5000)));
    environment.putAll(env);
    long started = System.nanoTime();
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail(script + " did not finish in " + timeout + "\n--- stdout\n" + read(out) + "\n--- stderr\n" + read(err));
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly); // nothing should be left; be sure
      Duration duration = Duration.ofNanos(System.nanoTime() - started);
      String stdout = read(out);
      String stderr = read(err);
      Map<String, Object> result = null;
      String failure = null;
      for (String line : stdout.split("\n")) {
        if (line.startsWith("RESULT ")) {
          result = parse(line.substring("RESULT ".length()));
        } else if (line.startsWith("FAIL ")) {
          failure = line.substring("FAIL ".length());
        }
      }
      List<String> secrets = Files.isRegularFile(secretsFile)
          ? Files.readAllLines(secretsFile, StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).toList()
          : List.of();
      return new Run(script, process.exitValue(), stdout, stderr, result, failure, secrets, duration);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + node + " " + script + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      try {
        for (Path p : List.of(out, err, secretsFile)) {
          Files.deleteIfExists(p);
        }
        Files.deleteIfExists(work);
      } catch (IOException ignored) {
        // a temp file left behind
      }
    }
  }

  public static Map<String, Object> parse(String json) {
    try {
      return JsonUtil.parseJson(json);
    } catch (JoseException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** The value at a dotted path of nested JSON objects ({@code "asMetadata.issuer"}), or null. */
  @SuppressWarnings("unchecked")
  public static <T> T at(Map<String, Object> json, String path) {
    Object current = json;
    for (String key : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return (T) current;
  }

  /** Environment for one run. */
  public static Map<String, String> env(String... pairs) {
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static String read(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
