package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar mcpauth-agent.jar attach <pid> ...} protects a server that is already serving. */
class AttachTest extends WithIdentityProvider {

  record Result(int exit, String output) {}

  private static Result attach(long pid, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Fixture.agentJar().toAbsolutePath().toString(), "attach", String.valueOf(pid)));
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(cli.waitFor(60, TimeUnit.SECONDS), output);
    return new Result(cli.exitValue(), output);
  }

  private static List<Path> attachFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("mcpauth-attach-")).toList();
    }
  }

  @Test
  void attachProtectsARunningServerOnce() throws Exception {
    Fixture.Builder builder = Fixture.builder().withoutAgent();
    try (Fixture server = builder.start()) {
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE).statusCode(), "unprotected before the attach");
      List<Path> filesBefore = attachFiles();

      Result result = attach(server.pid(), "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + server.resourceUri());
      assertEquals(0, result.exit(), result.output());
      assertTrue(result.output().contains("is protected"), result.output());
      assertEquals(filesBefore, attachFiles(), "the settings file is deleted after use");

      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode(), "already-loaded transport retransformed");
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE,
          "Authorization", bearer(idp.token(server.resourceUri()).sign())).statusCode());
      assertEquals(200, Http.get(server.baseUrl() + "/.well-known/oauth-protected-resource/mcp").statusCode());

      Result again = attach(server.pid(), "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + server.resourceUri());
      assertEquals(0, again.exit(), again.output());
      assertTrue(again.output().contains("already protected; nothing to do"), again.output());
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode());

      server.close();
      LogHygiene.assertNoTokenLogged(server, idp);
    }
  }

  @Test
  void attachProtectsARunningSpringBootFatJar() throws Exception {
    try (Fixture server = Fixture.builder().module("spring-webmvc-springai").withoutAgent().start()) {
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE).statusCode(), "unprotected before the attach");
      Result result = attach(server.pid(), "mcpauth.issuer=" + idp.issuer(), "mcpauth.resource=" + server.resourceUri());
      assertEquals(0, result.exit(), result.output());
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode(), "the loaded Spring handler was retransformed");
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE,
          "Authorization", bearer(idp.token(server.resourceUri()).sign())).statusCode());
      assertEquals(200, Http.get(server.baseUrl() + "/.well-known/oauth-protected-resource/mcp").statusCode());
    }
  }

  @Test
  void invalidSettingsAreReportedByTheCommandAndTheTargetIsLeftAlone(@TempDir Path dir) throws Exception {
    try (Fixture server = Fixture.builder().withoutAgent().start()) {
      Result missing = attach(server.pid(), "mcpauth.issuer=http://idp.example.com");
      assertEquals(2, missing.exit(), missing.output());
      assertTrue(missing.output().contains("mcpauth.issuer must use https") && missing.output().contains("mcpauth.resource is required"),
          missing.output());
      assertTrue(missing.output().contains("the target is unchanged"), missing.output());
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE).statusCode());
      assertTrue(server.stderr().stream().noneMatch(line -> line.contains("mcpauth")), server.output());

      // settings from a file, the way secrets should travel
      Path config = dir.resolve("mcpauth.properties");
      Files.writeString(config, "mcpauth.issuer=" + idp.issuer() + "\nmcpauth.resource=" + server.resourceUri() + "\n");
      Result fromFile = attach(server.pid(), "--config", config.toString());
      assertEquals(0, fromFile.exit(), fromFile.output());
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode());
    }
  }
}
