package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** AS-C9: mcpauth.as.cimd.trusted-hosts. */
class TrustedHostsTest {

  @DisplayName("AS-C9: * trusts any host; a list trusts names and *.suffix patterns")
  @ParameterizedTest(name = "[{0}] {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "*|anything.example|true",
      " * |anything.example|true",
      "claude.ai, *.example.com|claude.ai|true",
      "claude.ai, *.example.com|CLAUDE.AI|true",
      "claude.ai, *.example.com|app.example.com|true",
      "claude.ai, *.example.com|a.b.example.com|true",
      "claude.ai, *.example.com|example.com|false",
      "claude.ai, *.example.com|evilexample.com|false",
      "claude.ai, *.example.com|claude.ai.evil.com|false",
      "claude.ai, *.example.com|evil-claude.ai|false",
  })
  void permits(String setting, String host, boolean trusted) {
    assertEquals(trusted, TrustedHosts.parse(setting).permits(host));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "a.example,", "*.", "**.example.com", "a.*.example.com", "*, a.example", ".example.com", "example.com."})
  void refusesMalformedSettings(String setting) {
    assertThrows(IllegalArgumentException.class, () -> TrustedHosts.parse(setting));
  }

  @Test
  @DisplayName("host names compare in ASCII case only: the Kelvin sign is not a k")
  void kelvinSignIsNoK() {
    assertEquals(false, TrustedHosts.parse("kelvin.example").permits("\u212Aelvin.example"));
    assertEquals(false, TrustedHosts.parse("*.k.example").permits("a.\u212A.example"));
    assertEquals(false, TrustedHosts.parse("\u212Aelvin.example").permits("kelvin.example"));
  }
}
