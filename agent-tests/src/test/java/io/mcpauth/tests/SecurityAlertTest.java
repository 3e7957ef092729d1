package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A burst of invalid tokens from one address raises one security alert: one WARN line, one trail event, held back after. */
class SecurityAlertTest {

  private static long count(List<String> lines, String text) {
    return lines.stream().filter(line -> line.contains(text)).count();
  }

  @Test
  @DisplayName("100 bad tokens from one address: exactly one security.alert and one WARN line; 150 more within the rate limit add none")
  void invalidTokenBurst() throws Exception {
    Path trail = Files.createTempDirectory("mcpauth-alerts").resolve("audit.log");
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        Fixture server = Fixture.builder().protectedBy(idp)
            .property("mcpauth.audit.file", trail.toString())
            .start()) {
      String valid = idp.token(server.resourceUri()).sign();
      char last = valid.charAt(valid.length() - 5);
      String tampered = valid.substring(0, valid.length() - 5) + (last == 'A' ? 'B' : 'A') + valid.substring(valid.length() - 4);
      for (int i = 0; i < 99; i++) {
        assertEquals(401, Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(tampered)).statusCode());
      }
      Thread.sleep(500);
      assertEquals(0, count(server.agentLog(), "security alert"), "99 are not yet a burst");
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(tampered)).statusCode());
      String line = server.awaitLog("security alert invalid_token_burst", Duration.ofSeconds(5));
      assertTrue(line.contains("WARN") && line.contains("127.0.0.1"), line);
      for (int i = 0; i < 150; i++) {
        Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(tampered));
      }
      Thread.sleep(2000);
      assertEquals(1, count(server.agentLog(), "security alert"), String.join("\n", server.agentLog()));
      List<String> events = Files.readAllLines(trail, StandardCharsets.UTF_8);
      assertEquals(1, count(events, "\"event.action\":\"security.alert\""));
      assertEquals(1, count(events, "\"mcpauth.alert\":\"invalid_token_burst\""));
      assertEquals(250, count(events, "\"event.reason\":\"signature_invalid\""));
    }
  }
}
