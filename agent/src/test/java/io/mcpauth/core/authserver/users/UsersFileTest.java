package io.mcpauth.core.authserver.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Lines and lookups of the users file. */
class UsersFileTest {

  private static final String HASH = PasswordHash.unmatchable();

  @Test
  @DisplayName("a user name matches in ASCII case only: the Kelvin sign does not sign in as 'kate'")
  void lookupIsAsciiCaseInsensitive() throws IOException {
    UsersFile file = UsersFile.parse("kate:" + HASH + "\n", Path.of("users"));
    assertEquals("kate", file.find("KATE").username());
    assertNull(file.find("\u212Aate"));
    assertNull(file.find("kat\u0130"));
  }

  @Test
  @DisplayName("only ASCII whitespace around a line is ignored: a U+3000 after the hash damages the line")
  void linesTrimAsciiWhitespace() throws IOException {
    assertEquals("kate", UsersFile.parse(" kate:" + HASH + "\t\r\n", Path.of("users")).find("kate").username());
    assertThrows(IOException.class, () -> UsersFile.parse("kate:" + HASH + "\u3000\n", Path.of("users")));
  }
}
