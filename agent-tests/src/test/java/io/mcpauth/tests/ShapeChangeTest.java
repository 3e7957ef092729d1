package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An SDK release newer than the compatibility table, whose transport changed where the agent hooks
 * it: a test-built copy of the 2.1.0 servlet transport with one name changed, in a jar that says it
 * is {@code mcp-core 9.0.0}, ahead of the fixture's own classes, with the real agent. The agent must
 * refuse it when the class loads, with one ERROR naming the class, that version and what is missing,
 * and answer every request to it {@code 503 transport_unrecognised} with a body that says so (never
 * that the authorization server is unavailable), a valid token or not; the server never runs a tool.
 */
class ShapeChangeTest extends WithIdentityProvider {

  private static final String PACKAGE = "io/modelcontextprotocol/server/transport/";

  @ParameterizedTest(name = "{0}: {1} renamed")
  @CsvSource({
      "streamable, HttpServletStreamableServerTransportProvider, extract, extracT, no call of its contextExtractor",
      "stateless, HttpServletStatelessServerTransport, doPost, doPust, no doPost",
  })
  void aChangedTransportIsRefusedAtStart(String transport, String simpleName, String name, String renamed,
      String missing, @TempDir Path dir) throws IOException {
    Path jar = shapeChanged(dir, simpleName, name, renamed);
    try (Fixture server = Fixture.builder().module(Fixture.SDK_2_1).transport(transport).protectedBy(idp)
        .classpathAhead(jar).start()) {
      String token = idp.token(server.resourceUri()).sign();
      for (String authorization : new String[] {bearer(token), null}) {
        HttpResponse<String> response = authorization == null ? Http.post(server.url(), Http.INITIALIZE)
            : Http.post(server.url(), Http.INITIALIZE, "Authorization", authorization);
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"error\":\"server_error\"")
            && response.body().contains("transport is one the authorization agent does not recognise"), response.body());
        assertFalse(response.body().contains("authorization server"), response.body());
      }
      String error = awaitLine(server, "ERROR");
      assertTrue(error.contains("io.modelcontextprotocol.server.transport." + simpleName + " (mcp-core 9.0.0)"), error);
      assertTrue(error.contains(missing), error);
      assertTrue(error.contains("transport_unrecognised"), error);
      assertTrue(server.output().contains("503 transport_unrecognised"), "the denial is logged with its reason");
      assertFalse(server.output().contains("FIXTURE tools/call"), "no request reached the server");
      assertFalse(server.output().contains("protecting io.modelcontextprotocol.server.transport." + simpleName),
          "the changed class is not reported as protected");
    }
  }

  /**
   * The fixture's copy of {@code simpleName} with the constant {@code name} (a method's name, or the
   * name of the methods it calls) spelt {@code renamed}, of the same length so that nothing else in
   * the class file moves, in a jar whose Maven metadata says mcp-core 9.0.0.
   */
  private static Path shapeChanged(Path dir, String simpleName, String name, String renamed) throws IOException {
    byte[] original;
    try (JarFile fixture = new JarFile(Fixture.fixtureJar(Fixture.SDK_2_1).toFile());
        InputStream in = fixture.getInputStream(fixture.getEntry(PACKAGE + simpleName + ".class"))) {
      original = in.readAllBytes();
    }
    byte[] changed = renameUtf8(original, name, renamed);
    Path jar = dir.resolve("mcp-core-9.0.0.jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("META-INF/maven/io.modelcontextprotocol.sdk/mcp-core/pom.properties"));
      out.write("groupId=io.modelcontextprotocol.sdk\nartifactId=mcp-core\nversion=9.0.0\n".getBytes(StandardCharsets.UTF_8));
      out.putNextEntry(new JarEntry(PACKAGE + simpleName + ".class"));
      out.write(changed);
    }
    return jar;
  }

  /** Rewrites the one CONSTANT_Utf8 entry equal to {@code from}; fails when there is none. */
  private static byte[] renameUtf8(byte[] classFile, String from, String to) {
    byte[] needle = utf8Entry(from);
    byte[] replacement = utf8Entry(to);
    byte[] out = classFile.clone();
    int found = 0;
    for (int i = 10; i + needle.length <= out.length; i++) {
      if (java.util.Arrays.equals(out, i, i + needle.length, needle, 0, needle.length)) {
        System.arraycopy(replacement, 0, out, i, replacement.length);
        found++;
      }
    }
    assertEquals(1, found, "constant " + from + " in the class file");
    return out;
  }

  private static byte[] utf8Entry(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] entry = new byte[3 + bytes.length];
    entry[0] = 1;
    entry[1] = (byte) (bytes.length >> 8);
    entry[2] = (byte) bytes.length;
    System.arraycopy(bytes, 0, entry, 3, bytes.length);
    return entry;
  }

  private static String awaitLine(Fixture server, String level) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : server.output().split("\n")) {
        if (line.contains(" " + level + " ") && line.contains("unrecognised shape")) {
          return line;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no " + level + " line about the changed transport in:\n" + server.output());
  }
}
