package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded authorization server on a real data directory written by the agent before data files
 * carried a format version (agent/src/test/resources/datadir-format-1): this agent serves from it
 * with the keys and service client it holds; a file of a newer format stops the JVM before it
 * serves, with one line naming the file and both versions.
 */
class DataDirectoryUpgradeTest {

  private static final Path FORMAT_1 = Path.of("../agent/src/test/resources/datadir-format-1");
  /** The old agent's signing key and service client, from that directory (test-only secrets). */
  private static final String KID = "SFPsCt6KxbWAd37WP4bAtfEQMnTcmqtE7uoMu-jiHcY";
  private static final String SERVICE_SECRET = "l2d70cjUoxNZ2tLRGYDp5B8cs9r0YPm4x1TzljevHPE";

  @TempDir
  Path dir;

  @Test
  void thisAgentServesFromAFormat1DataDirectoryWithItsKeysAndClients() throws Exception {
    copyFormat1();
    int asPort = Fixture.freePort();
    try (Fixture server = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(asPort))
        .property("mcpauth.as.data", dir.toString())
        .start()) {
      URI mcp = URI.create(server.url());
      String token = serviceToken(asPort, mcp.getScheme() + "://" + mcp.getAuthority());
      String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
      assertEquals(KID, JsonUtil.parseJson(header).get("kid"), "signed with the key the older agent made");
      assertEquals(200, Http.post(server.url(), Http.INITIALIZE, "Authorization", Http.bearer(token)).statusCode());
      for (String store : List.of("keys.json", "clients.json")) {
        assertTrue(Files.readString(dir.resolve(store)).startsWith("{\"format\":1,"), store + " migrated");
      }
    }
  }

  @Test
  void aNewerDataFileStopsTheJvmBeforeItServes() throws Exception {
    copyFormat1();
    Path clients = dir.resolve("clients.json");
    Files.writeString(clients, Files.readString(clients).replaceFirst("^\\{", "{\"format\":2,"));
    String newer = Files.readString(clients);
    try (Fixture server = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(Fixture.freePort()))
        .property("mcpauth.as.data", dir.toString())
        .launch()) {
      int exit = server.awaitExit(Duration.ofSeconds(60));
      assertTrue(exit != 0, "exit code " + exit);
      assertTrue(server.stdout().stream().noneMatch(line -> line.startsWith("MCP server listening")), server.output());
      List<String> refusals = server.stderr().stream().filter(line -> line.contains("format version")).toList();
      assertEquals(1, refusals.size(), server.output());
      String line = refusals.get(0);
      assertTrue(line.contains(clients.toString()) && line.contains("format version 2") && line.contains("format 1 at most"), line);
    }
    assertEquals(newer, Files.readString(clients), "the newer file is left as it was");
  }

  private static String serviceToken(int asPort, String resource) throws Exception {
    String form = "grant_type=client_credentials&scope=mcp%3Atools&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + asPort + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("svc:" + SERVICE_SECRET).getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return (String) JsonUtil.parseJson(response.body()).get("access_token");
  }

  private void copyFormat1() throws IOException {
    try (Stream<Path> files = Files.list(FORMAT_1)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().endsWith(".md")).toList()) {
        Files.copy(file, dir.resolve(file.getFileName()));
      }
    }
  }
}
