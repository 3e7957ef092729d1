package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fixture protected by the agent's embedded authorization server: no {@code mcpauth.issuer}, an
 * AS port and a data folder of its own, and a user made beforehand with the agent jar's
 * {@code user add} verb, as an operator would.
 */
public final class EmbeddedAuthServer implements AutoCloseable {

  /** The address the authorization server bound, in its start-up line. */
  private static final Pattern BOUND_PORT = Pattern.compile(" listening on [^ ]*:([0-9]+),");

  private final Path home;
  private final Path dataDir;
  private final int asPort;
  private final int mcpPort;
  private final Fixture fixture;
  private final String password;
  private final Path passwordFile;

  private EmbeddedAuthServer(Path home, Path dataDir, int asPort, int mcpPort, Fixture fixture, String password, Path passwordFile) {
    this.home = home;
    this.dataDir = dataDir;
    this.asPort = asPort;
    this.mcpPort = mcpPort;
    this.fixture = fixture;
    this.password = password;
    this.passwordFile = passwordFile;
  }

  /**
   * Makes a data folder with {@code username} (a random password) in its users file, then starts
   * {@code builder}'s fixture with the embedded AS on a free port and waits until the AS answers
   * its metadata.
   */
  public static EmbeddedAuthServer start(Fixture.Builder builder, String username) {
    return start(builder, username, dataDir -> { });
  }

  /** What a test puts in the data folder before the server starts, e.g. a store file an older version wrote. */
  public interface DataPreparation {
    void prepare(Path dataDir) throws IOException;
  }

  /** As {@link #start(Fixture.Builder, String)}, with {@code preparation} run on the data folder first. */
  public static EmbeddedAuthServer start(Fixture.Builder builder, String username, DataPreparation preparation) {
    try {
      Path home = Files.createTempDirectory("mcpauth-e2e");
      Path dataDir = home.resolve("data");
      Files.createDirectory(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      String password = "e2e-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path passwordFile = home.resolve("password");
      Files.writeString(Files.createFile(passwordFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), password + "\n");
      addUser(dataDir.resolve("users"), username, password);
      preparation.prepare(dataDir);

      // the AS binds a port of its own choosing and names it in its start-up line: no port to race for
      Fixture fixture = builder
          .property("mcpauth.as.port", "0")
          .property("mcpauth.as.data", dataDir.toString())
          .start();
      int asPort;
      try {
        asPort = boundPort(fixture);
      } catch (RuntimeException | Error e) {
        fixture.close();
        throw e;
      }
      EmbeddedAuthServer server = new EmbeddedAuthServer(home, dataDir, asPort, builder.port(), fixture, password, passwordFile);
      server.awaitMetadata(Duration.ofSeconds(30));
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code java -jar mcpauth-agent.jar user add --users-file FILE --username NAME}, the password on standard input. */
  public static void addUser(Path usersFile, String username, String password) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Fixture.agentJar().toAbsolutePath().toString(),
        "user", "add", "--users-file", usersFile.toString(), "--username", username));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write((password + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("`user add` did not finish in 60 s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, process.exitValue(), () -> "`user add` failed:\n" + output);
      if (output.contains(password)) {
        throw new AssertionError("`user add` printed the password");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What one run of the agent jar's command line printed, and its exit status. */
  public record CommandResult(int exit, String stdout, String stderr) {

    /** The value of a {@code name=value} line on standard output. */
    public String value(String name) {
      return stdout.lines().filter(line -> line.startsWith(name + "=")).map(line -> line.substring(name.length() + 1))
          .findFirst().orElseThrow(() -> new AssertionError("no " + name + "= line in the output: " + stdout + stderr));
    }
  }

  /**
   * {@code java -Dmcpauth.as.data=DATA -jar mcpauth-agent.jar client ARGS}, as an operator would run it next to this
   * server: the command finds the service-clients file from the same setting the server uses.
   */
  public CommandResult client(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dmcpauth.as.data=" + dataDir,
        "-jar", Fixture.agentJar().toAbsolutePath().toString(), "client"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(home, "client-out", ".txt");
      Path err = Files.createTempFile(home, "client-err", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().keySet().removeIf(name -> name.startsWith("MCPAUTH_"));
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("`client " + String.join(" ", args) + "` did not finish in 60 s");
      }
      CommandResult result = new CommandResult(process.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return result;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The port in "authorization server ISSUER listening on ADDRESS:PORT, data in ...": the issuer
   * names the port only when it is the loopback default, not behind a proxy's https issuer.
   */
  private static int boundPort(Fixture fixture) {
    String line = fixture.awaitLog("authorization server ", Duration.ofSeconds(30));
    Matcher bound = BOUND_PORT.matcher(line);
    if (!bound.find()) {
      throw new AssertionError("no bound port in: " + line);
    }
    return Integer.parseInt(bound.group(1));
  }

  private void awaitMetadata(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = Http.get(issuer() + "/.well-known/oauth-authorization-server");
        if (response.statusCode() == 200) {
          return;
        }
        last = "status " + response.statusCode();
      } catch (IllegalStateException notYet) {
        last = notYet.getMessage();
      }
      if (!fixtureAlive()) {
        break;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    close();
    throw new AssertionError("the embedded authorization server did not serve its metadata at " + issuer()
        + " (" + last + "):\n" + fixture.output());
  }

  private boolean fixtureAlive() {
    return ProcessHandle.of(fixture.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The issuer, exactly as the contract states it: {@code http://localhost:<asPort>}. */
  public String issuer() {
    return "http://localhost:" + asPort;
  }

  public int asPort() {
    return asPort;
  }

  /** The MCP endpoint as a client on this machine would spell it, with {@code host} localhost or 127.0.0.1. */
  public String mcpUrl(String host) {
    return "http://" + host + ":" + mcpPort + "/mcp";
  }

  public int mcpPort() {
    return mcpPort;
  }

  public Fixture fixture() {
    return fixture;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String password() {
    return password;
  }

  /** A file (owner-only) holding the password, for scripts that must not take it on their command line. */
  public Path passwordFile() {
    return passwordFile;
  }

  /** Stops the fixture (and its AS) and removes the data folder. */
  @Override
  public void close() {
    fixture.close();
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind
    }
  }

  /** {@code fixture}, once the authorization server on {@code asPort} answers its metadata; stopped (not leaked) when it never does. */
  public static Fixture awaitIssuer(int asPort, Fixture fixture) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Http.get("http://localhost:" + asPort + "/.well-known/oauth-authorization-server").statusCode() == 200) {
          return fixture;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    fixture.close();
    throw new AssertionError("the authorization server did not answer:\n" + fixture.output());
  }
}
