package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Basic client credentials of the token, introspection and revocation endpoints (RFC 6749 §2.3.1). */
class ClientAuthenticationTest {

  private static final String CREDENTIALS = Base64.getEncoder().encodeToString("id:secret".getBytes(StandardCharsets.UTF_8));

  @Test
  @DisplayName("the scheme name compares in ASCII case only: 'Ba\u017Fic' (long s) is not Basic")
  void schemeIsAscii() throws Exception {
    assertArrayEquals(new String[] {"id", "secret"}, ClientAuthentication.basic("bASIC " + CREDENTIALS));
    assertThrows(OAuthError.class, () -> ClientAuthentication.basic("Ba\u017Fic " + CREDENTIALS));
    assertThrows(OAuthError.class, () -> ClientAuthentication.basic("BA\u017FIC " + CREDENTIALS));
  }

  @Test
  @DisplayName("the parts are form-urlencoded with ASCII hex escapes: '%+1', full-width and Arabic-Indic digits are refused")
  void escapesAreAsciiHex() throws Exception {
    assertArrayEquals(new String[] {"a b", "s:é"}, ClientAuthentication.basic("Basic " + basic("a+b:s%3A%C3%A9")));
    for (String pair : List.of("id%+1:secret", "id%\uFF14\uFF11:secret", "id:secret%\u0664\u0661", "id:s\u00e9")) {
      assertThrows(OAuthError.class, () -> ClientAuthentication.basic("Basic " + basic(pair)), pair);
    }
  }

  private static String basic(String pair) {
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
