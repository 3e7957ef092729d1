package io.mcpauth.tests;

import static io.mcpauth.tests.support.NodeClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.EmbeddedAuthServer;
import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.NodeClient;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A person's login, in a real browser: headless Debian Chromium, driven by playwright-core, opens
 * the embedded authorization server's login page, types the user's name and password, approves on
 * the consent page, and the client (the MCP TypeScript SDK's OAuth helpers, a redirect URI on
 * 127.0.0.1) exchanges the code and calls the fixture's tools with the token. The screenshots stay
 * in {@code target/screenshots/browser-login/}. Script: {@code src/test/node/browser-oauth.mjs}.
 */
class BrowserLoginTest {

  private static final String USER = "alice";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots", "browser-login").toAbsolutePath();

  private static EmbeddedAuthServer server;
  private static final List<NodeClient.Run> runs = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    NodeClient.requireInstalled();
    NodeClient.chromium();
    Files.createDirectories(SCREENSHOTS);
    for (String name : List.of("login.png", "consent.png", "callback.png")) {
      Files.deleteIfExists(SCREENSHOTS.resolve(name)); // a pass must not lean on an earlier run's files
    }
    server = EmbeddedAuthServer.start(Fixture.builder().module(Fixture.SDK_2_1).transport("streamable"), USER);
  }

  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    server.close();
    LogHygiene.assertNoSecretLogged(server, runs);
  }

  @Test
  @DisplayName("E2E-BR-01: Chromium signs in on the login page, approves on the consent page; the token calls echo")
  void loginAndConsentInChromium() throws IOException {
    NodeClient.Run run = NodeClient.run("browser-oauth.mjs", Duration.ofSeconds(120), Map.of(),
        server.mcpUrl("localhost"), USER, "@" + server.passwordFile(), SCREENSHOTS.toString());
    runs.add(run);
    System.out.printf("browser-oauth.mjs: exit %d in %d ms%n", run.exitCode(), run.duration().toMillis());
    Map<String, Object> result = run.requireResult();

    assertEquals("hello from chromium", result.get("echo"), "echo round trip with the browser-obtained token");
    assertEquals(Boolean.TRUE, result.get("registered"));
    assertEquals(server.issuer(), result.get("issuer"));
    assertEquals(Boolean.TRUE, result.get("stateMatches"));
    assertEquals(Boolean.TRUE, result.get("issMatches"), "RFC 9207 iss in the redirect");
    assertNotNull(result.get("browserVersion"));
    TypeScriptClientOAuthTest.assertWhoami(result.get("whoami"));

    // the login page as Chromium saw it: HTML, a session cookie that scripts cannot read
    assertEquals(200L, ((Number) at(result, "login.status")).longValue());
    String contentType = at(result, "login.contentType");
    assertTrue(contentType != null && contentType.startsWith("text/html"), "login page content type " + contentType);
    List<Map<String, Object>> cookies = at(result, "login.cookies");
    assertFalse(cookies.isEmpty(), "the login page sets a session cookie");
    assertTrue(cookies.stream().allMatch(c -> Boolean.TRUE.equals(c.get("httpOnly"))
        && "lax".equals(String.valueOf(c.get("sameSite")).toLowerCase(Locale.ROOT))), "cookies: " + cookies);

    // the consent page offered a way out, and Chromium met no script error, CSP violation or failed load
    assertEquals(1L, ((Number) at(result, "consent.denyButtons")).longValue(), "one deny button");
    assertEquals(List.of(), result.get("consoleErrors"), "errors in the browser");

    // the screenshots: real, non-blank renderings of the two pages
    for (String name : List.of("login.png", "consent.png")) {
      assertRenderedPage(SCREENSHOTS.resolve(name));
    }
  }

  /** A PNG of a plausible page size, with more than one colour and some ink on it. */
  private static void assertRenderedPage(Path png) throws IOException {
    assertTrue(Files.isRegularFile(png), "missing screenshot " + png);
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 2000, png + " is only " + bytes.length + " bytes");
    assertEquals((byte) 0x89, bytes[0]);
    assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII), png + " is not a PNG");
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, png + " does not decode");
    assertTrue(image.getWidth() >= 300 && image.getHeight() >= 200, png + " is " + image.getWidth() + "x" + image.getHeight());
    int background = image.getRGB(0, 0);
    Set<Integer> colours = new HashSet<>();
    long ink = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y);
        colours.add(rgb);
        if (rgb != background) {
          ink++;
        }
      }
    }
    assertTrue(colours.size() > 8, png + " has only " + colours.size() + " colours: a blank page?");
    assertTrue(ink > 200, png + " has only " + ink + " sampled pixels that differ from the background");
  }
}
