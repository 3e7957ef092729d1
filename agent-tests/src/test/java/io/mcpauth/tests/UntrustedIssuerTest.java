package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A JWT naming an issuer the agent does not trust is refused before any key lookup: with an unknown
 * {@code kid} it would otherwise make the agent fetch its own issuer's JWKS for a token that issuer
 * never minted (seen with a real Keycloak). The several-issuers mode already refuses an unknown
 * {@code iss} first; the single-issuer verifier now does the same.
 */
class UntrustedIssuerTest {

  private static int status(Fixture server, String token) {
    return Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(token)).statusCode();
  }

  @Test
  void anUntrustedIssuerCausesNoKeyFetch() {
    try (TestIdentityProvider idp = TestIdentityProvider.start();
         Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.jwks.uri", idp.jwksUri())
             // every unknown kid may fetch at once: nothing but the order of the checks holds a fetch back
             .property("mcpauth.jwks.min-refetch-interval", "0s").start()) {
      assertEquals(200, status(server, idp.token(server.resourceUri()).sign()));
      int before = idp.jwksRequests();
      for (String issuer : new String[] {"https://evil.example", idp.issuer() + "/", idp.issuer().toUpperCase(), ""}) {
        for (int i = 0; i < 5; i++) {
          String token = idp.token(server.resourceUri()).claim("iss", issuer).kidHeader(UUID.randomUUID().toString()).sign();
          assertEquals(401, status(server, token), "iss " + issuer);
        }
      }
      assertEquals(before, idp.jwksRequests(), "JWKS fetches caused by tokens of untrusted issuers");
      // the control: the same token with the trusted iss does look its unknown kid up
      String trusted = idp.token(server.resourceUri()).kidHeader(UUID.randomUUID().toString()).sign();
      assertEquals(401, status(server, trusted));
      assertEquals(before + 1, idp.jwksRequests(), "an unknown kid of the trusted issuer is looked up once");
    }
  }
}
