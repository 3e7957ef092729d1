package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** RS-16 / RS-SEC-61: no token, and no token's signature, ever reaches a log. */
public final class LogHygiene {

  private LogHygiene() {}

  public static void assertNoTokenLogged(Fixture fixture, TestIdentityProvider idp) {
    String output = fixture.output();
    for (String token : idp.mintedTokens()) {
      String signature = token.substring(token.lastIndexOf('.') + 1);
      String payload = token.split("\\.")[1];
      if (output.contains(signature) || output.contains(payload)) {
        fail("a token (or part of one) appears in the fixture's output:\n" + output);
      }
    }
  }

  /**
   * No secret that a client handled (an access or refresh token, a JWT's payload or signature, an
   * authorization code, a password) appears in {@code output}, the log of {@code where}.
   */
  public static void assertNoSecretLogged(String where, String output, Collection<String> secrets) {
    for (String secret : secrets) {
      String[] parts = secret.split("\\.");
      if (parts.length == 3) {
        if ((parts[1].length() >= 16 && output.contains(parts[1])) || (parts[2].length() >= 16 && output.contains(parts[2]))) {
          fail("a token (or part of one) appears in the output of " + where);
        }
      } else if (secret.length() >= 8 && output.contains(secret)) {
        fail("a secret (token, code or password) appears in the output of " + where);
      }
    }
  }

  /**
   * Node clients ran against the embedded server: no secret any of them handled, nor the user's
   * password, appears in the server's log or in any client's own output.
   */
  public static void assertNoSecretLogged(EmbeddedAuthServer server, List<NodeClient.Run> runs) {
    List<String> secrets = new ArrayList<>(List.of(server.password()));
    runs.forEach(run -> secrets.addAll(run.secrets()));
    assertNoSecretLogged("the fixture (agent and embedded AS)", server.fixture().output(), secrets);
    for (NodeClient.Run run : runs) {
      assertNoSecretLogged(run.script(), run.output(), secrets);
    }
  }
}
