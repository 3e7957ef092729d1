package io.mcpauth.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ASCII classes the protocols mean, against the characters the JDK's Unicode-aware calls let through. */
class AsciiTest {

  @ParameterizedTest
  @ValueSource(chars = {'\uFF11', '\u0661', '\u06F1', '\u0967', '\u00B9', '\uFF41', '\uFF21'})
  @DisplayName("full-width, Arabic-Indic, Devanagari and superscript digits are no digits, full-width a/A no hex digits")
  void nonAsciiDigits(char c) {
    assertFalse(Ascii.isDigit(c));
    assertEquals(-1, Ascii.hexValue(c));
  }

  @Test
  void hexDigitsOfEitherCase() {
    assertEquals(0, Ascii.hexValue('0'));
    assertEquals(9, Ascii.hexValue('9'));
    assertEquals(10, Ascii.hexValue('a'));
    assertEquals(15, Ascii.hexValue('F'));
    assertEquals(-1, Ascii.hexValue('g'));
    assertEquals(-1, Ascii.hexValue('/'));
  }

  @Test
  @DisplayName("case folds only A-Z: the Kelvin sign, long s and dotless/dotted i stay themselves")
  void caseIsAsciiOnly() {
    assertEquals("kelvin", Ascii.toLowerCase("KELVIN"));
    assertEquals("\u212Aelvin", Ascii.toLowerCase("\u212Aelvin"));
    assertEquals("\u0130d", Ascii.toLowerCase("\u0130D"));
    assertEquals("HS256", Ascii.toUpperCase("hs256"));
    assertEquals("H\u017F256", Ascii.toUpperCase("h\u017F256"));
    assertEquals("\u0131NFO", Ascii.toUpperCase("\u0131nfo"));
    assertTrue(Ascii.equalsIgnoreCase("Chunked", "cHUNKED"));
    assertFalse(Ascii.equalsIgnoreCase("chun\u212Aed", "chunked"));
    assertFalse(Ascii.equalsIgnoreCase("localho\u017Ft", "localhost"));
    assertFalse(Ascii.equalsIgnoreCase("\u0131dentity", "identity"));
    assertFalse(Ascii.equalsIgnoreCase("\u0130dentity", "identity"));
    assertFalse(Ascii.equalsIgnoreCase("chunked", "chunke"));
    assertTrue(Ascii.startsWithIgnoreCase("bASIC abc", "Basic "));
    assertFalse(Ascii.startsWithIgnoreCase("Ba\u017Fic abc", "Basic "));
    assertFalse(Ascii.startsWithIgnoreCase("Bas", "Basic "));
  }

  @Test
  @DisplayName("trim and blank know only SP HT LF VT FF CR: NBSP, U+2007, U+3000 and U+001F are content")
  void whitespaceIsAsciiOnly() {
    assertEquals("a b", Ascii.trim(" \t\r\n\u000B\fa b \t"));
    assertEquals("\u00A0a\u00A0", Ascii.trim("\u00A0a\u00A0"));
    assertEquals("\u2007a", Ascii.trim("\u2007a"));
    assertEquals("a\u3000", Ascii.trim("a\u3000"));
    assertEquals("a\u001F", Ascii.trim("a\u001F"));
    assertTrue(Ascii.isBlank(" \t"));
    assertTrue(Ascii.isBlank(""));
    assertFalse(Ascii.isBlank("\u3000"));
    assertFalse(Ascii.isBlank("\u2007"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "+5", "-5", "\uFF15", "\u0665", "5\u0665", " 5", "5 ", "0x5", "1234567890123"})
  @DisplayName("a decimal number is 1 to n ASCII digits: no sign, no other digits, no spaces, not too long")
  void decimalRefuses(String text) {
    assertEquals(-1, Ascii.parseDecimal(text, 12));
  }

  @Test
  void decimalReads() {
    assertEquals(0, Ascii.parseDecimal("0", 1));
    assertEquals(65535, Ascii.parseDecimal("065535", 6));
    assertEquals(999_999_999_999_999_999L, Ascii.parseDecimal("999999999999999999", 18));
  }
}
