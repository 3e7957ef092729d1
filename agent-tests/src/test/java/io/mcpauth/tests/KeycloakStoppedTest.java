package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.Keycloak;
import io.mcpauth.tests.support.LogHygiene;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Keycloak goes away while the server runs: the keys the agent already has keep verifying
 * Keycloak's tokens, also one the server never saw before, while every background key refresh
 * fails. This stops the shared Keycloak; a test class that runs afterwards gets a new one.
 */
@Order(Integer.MAX_VALUE) // last (junit-platform.properties): it stops the shared Keycloak
class KeycloakStoppedTest {

  private static final String RESOURCE = "https://mcp.example.com/mcp";
  private static final String REALM = "outage";

  @Test
  @DisplayName("KC-06: Keycloak stopped: known keys keep working, through failed key refreshes")
  void knownKeysOutliveKeycloak() throws Exception {
    Keycloak keycloak = Keycloak.shared();
    keycloak.createRealm(REALM);
    keycloak.addAudienceScope(REALM, "mcp-server", RESOURCE);
    List<String> tokens = new ArrayList<>();
    try (Fixture server = Fixture.builder()
        .property("mcpauth.issuer", keycloak.issuer(REALM))
        .property("mcpauth.resource", RESOURCE)
        .property("mcpauth.token.types", "at+jwt,jwt")
        // a refresh every second, so that several fail while Keycloak is down
        .property("mcpauth.jwks.refresh-interval", "1s")
        .start()) {
      String seen = keycloak.accessToken(REALM, Keycloak.CLIENT, Keycloak.ALICE);
      String unseen = keycloak.accessToken(REALM, Keycloak.CLIENT, Keycloak.BOB);
      tokens.addAll(List.of(seen, unseen));
      assertEquals(200, initialize(server, seen));

      keycloak.stop();
      assertFalse(keycloak.running());
      Thread.sleep(3_500);

      assertEquals(200, initialize(server, seen), "a token accepted before the outage");
      assertEquals(200, initialize(server, unseen), "a token never seen before, verified with the known keys");
      assertEquals(401, initialize(server, "not.a.token"), "fail closed still");
      server.close();
      List<String> secrets = new ArrayList<>(tokens);
      secrets.addAll(keycloak.secrets());
      LogHygiene.assertNoSecretLogged("a fixture whose Keycloak stopped", server.output(), secrets);
    }
  }

  private static int initialize(Fixture server, String token) {
    return Http.post(server.url(), Http.INITIALIZE, "Authorization", Http.bearer(token)).statusCode();
  }
}
