package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.fail;

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
}
