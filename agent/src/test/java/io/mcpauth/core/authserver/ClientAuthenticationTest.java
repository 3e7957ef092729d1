package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
}
