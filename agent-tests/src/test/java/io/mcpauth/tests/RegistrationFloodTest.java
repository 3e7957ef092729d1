package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.OAuthDriver;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Finding 6: registrations that are never used filled {@code mcpauth.as.dcr.max-clients} (reached
 * in seconds), after which every legitimate registration got 429 for days. Now, at the cap, the
 * oldest never-authorized client makes room, a client a user approved is never evicted, and 429
 * comes only when every stored client has been approved. The cap is lowered here so the flood
 * takes milliseconds; the per-address limit is raised by {@link AuthServerAttackSupport}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrationFloodTest extends AuthServerAttackSupport {

  private static final int MAX_CLIENTS = 5;

  @Override
  Map<String, String> properties() {
    return Map.of("mcpauth.as.dcr.max-clients", String.valueOf(MAX_CLIENTS));
  }

  @Test
  @DisplayName("Finding 6: a flood of never-used registrations does not lock out the next client nor evict an approved one")
  void floodEvictsOnlyNeverAuthorizedClients() {
    OAuthDriver driver = browser();
    OAuthDriver.Client approved = publicClient(driver);
    Map<String, Object> approvedTokens = tokens(driver, approved);

    OAuthDriver attacker = browser();
    List<OAuthDriver.Client> flood = new ArrayList<>();
    for (int i = 0; i < 4 * MAX_CLIENTS; i++) {
      HttpResponse<String> response = attacker.register("{\"client_name\":\"flood " + i + "\",\"redirect_uris\":"
          + "[\"http://127.0.0.1:4000/cb\"],\"token_endpoint_auth_method\":\"none\"}");
      assertEquals(201, response.statusCode(), () -> "flood registration " + flood.size() + " of " + 4 * MAX_CLIENTS
          + " with mcpauth.as.dcr.max-clients=" + MAX_CLIENTS + " must still be accepted: " + response.body());
      flood.add(new OAuthDriver.Client((String) OAuthDriver.json(response.body()).get("client_id"), null,
          "http://127.0.0.1:4000/cb"));
    }

    OAuthDriver user = browser();
    OAuthDriver.Client legitimate = publicClient(user);
    String access = (String) tokens(user, legitimate).get("access_token");
    assertAccepted(access, "a client registered after the flood completes a full authorization");

    Map<String, Object> refreshed = ok(driver.refresh(approved, (String) approvedTokens.get("refresh_token")));
    assertAccepted((String) refreshed.get("access_token"), "the client approved before the flood is still registered");

    assertErrorPage(attacker.authorize(request(attacker, flood.get(0))), 400);
    assertTrue(attacker.authorize(request(attacker, flood.get(0))).body().contains("No client is registered"),
        "the oldest flood client made room");

    // Approve clients until every stored one has been approved: only then is registration refused.
    List<OAuthDriver.Client> approvedClients = new ArrayList<>(List.of(approved, legitimate));
    while (approvedClients.size() < MAX_CLIENTS) {
      OAuthDriver.Client client = publicClient(user);
      tokens(user, client);
      approvedClients.add(client);
    }
    HttpResponse<String> full = attacker.register("{\"client_name\":\"one too many\",\"redirect_uris\":"
        + "[\"http://127.0.0.1:4000/cb\"],\"token_endpoint_auth_method\":\"none\"}");
    Map<String, Object> error = assertTokenError(full, 429, "invalid_request");
    assertTrue(((String) error.get("error_description")).contains("mcpauth.as.dcr.max-clients"), full.body());
    for (OAuthDriver.Client client : approvedClients) {
      HttpResponse<String> page = user.authorize(request(user, client));
      assertTrue(page.statusCode() < 400, "approved client " + client.id() + " is still registered: "
          + page.statusCode() + " " + page.body());
    }
  }
}
