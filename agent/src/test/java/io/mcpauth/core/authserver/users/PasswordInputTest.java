package io.mcpauth.core.authserver.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordInputTest {

  private static char[] read(byte[] input) throws Exception {
    return PasswordInput.fromLine(new ByteArrayInputStream(input));
  }

  private static char[] read(String input) throws Exception {
    return read(input.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theFirstLineWithoutItsEndingIsThePassword() throws Exception {
    assertArrayEquals("pass word".toCharArray(), read("pass word\nsecond line\n"));
    assertArrayEquals("pass word".toCharArray(), read("pass word\r\n"));
    assertArrayEquals("pass word".toCharArray(), read("pass word"));
    assertArrayEquals("mot de passe é".toCharArray(), read("mot de passe é\n"));
    assertArrayEquals(" padded ".toCharArray(), read(" padded \n"), "spaces are part of a password");
  }

  @Test
  void emptyInputIsRefused() {
    assertEquals("no password on standard input (give it as one line)",
        assertThrows(PasswordInput.Refused.class, () -> read("")).getMessage());
    assertThrows(PasswordInput.Refused.class, () -> read("\n"));
    assertThrows(PasswordInput.Refused.class, () -> read("\r\n"));
  }

  @Test
  void nonUtf8AndOverlongInputAreRefused() {
    assertEquals("the password on standard input is not UTF-8 text",
        assertThrows(PasswordInput.Refused.class, () -> read(new byte[] {'a', (byte) 0xc3, '\n'})).getMessage());
    assertThrows(PasswordInput.Refused.class, () -> read("x".repeat(5000)));
    assertArrayEquals("x".repeat(4096).toCharArray(), assertDoesNotThrow("x".repeat(4096) + "\r\n"));
  }

  private static char[] assertDoesNotThrow(String input) {
    try {
      return read(input);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
