package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The form and query decoder of the authorization server (security corpus §3, target 5). */
class ParametersTest {

  @Test
  @DisplayName("percent escapes and '+' decode as RFC 3986 / HTML forms say; UTF-8 is decoded strictly")
  void decodes() throws Exception {
    Parameters parameters = Parameters.parse("a=x%20y+z&b=%C3%A9t%C3%A9&c=&d");
    assertEquals("x y z", parameters.single("a"));
    assertEquals("été", parameters.single("b"));
    assertNull(parameters.single("c"), "an empty value counts as omitted (RFC 6749 §3.1)");
    assertNull(parameters.single("d"));
    assertTrue(parameters.has("d"));
    assertNull(parameters.single("missing"));
  }

  @Test
  @DisplayName("AS-SEC-12: a parameter sent twice is an error wherever one value is read")
  void duplicates() throws Exception {
    Parameters parameters = Parameters.parse("state=a&state=b&x=1");
    assertThrows(Parameters.MalformedException.class, () -> parameters.single("state"));
    assertEquals("1", parameters.single("x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=%", "a=%4", "a=%zz", "a=%C3", "a=%FF%FE", "a=%ED%A0%80", "=x", "a=é"})
  @DisplayName("truncated or invalid escapes, invalid UTF-8, an empty name or a raw non-ASCII byte are refused")
  void malformed(String encoded) {
    assertThrows(Parameters.MalformedException.class, () -> Parameters.parse(encoded));
  }

  @Test
  @DisplayName("a flood of parameters is refused")
  void bounded() {
    assertThrows(Parameters.MalformedException.class, () -> Parameters.parse("a=1&".repeat(101)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=%\uFF11\uFF12", "a=%\u0661\u0662", "a=%4\uFF41", "a=%\u06F1\u06F2"})
  @DisplayName("a % escape takes two ASCII hex digits: full-width and Arabic-Indic digits are refused, not decoded")
  void percentEscapesAreAsciiHex(String encoded) {
    assertThrows(Parameters.MalformedException.class, () -> Parameters.parse(encoded));
  }
}
