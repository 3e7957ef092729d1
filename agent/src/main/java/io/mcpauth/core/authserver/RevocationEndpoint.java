package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.store.GrantStore;
import java.io.IOException;

/**
 * {@code /revoke} (RFC 7009). Revoking a refresh token revokes its grant and so every access token
 * issued under it; revoking an access token takes effect on the resource server's next request.
 * Unknown tokens and other clients' tokens get 200 and change nothing (RFC 7009 §2.2, AS-SEC-38).
 */
final class RevocationEndpoint {

  private final ClientAuthentication authentication;
  private final TokenLookup lookup;
  private final GrantStore grants;

  RevocationEndpoint(ClientAuthentication authentication, TokenLookup lookup, GrantStore grants) {
    this.authentication = authentication;
    this.lookup = lookup;
    this.grants = grants;
  }

  void handle(Exchange exchange) throws IOException {
    try {
      Parameters form = exchange.form(16_384);
      Client client = authentication.authenticate(exchange, form);
      exchange.auditClient(client.clientId());
      String token = form.single("token");
      if (token == null) {
        throw OAuthError.invalidRequest("token is required");
      }
      form.single("token_type_hint");
      TokenLookup.Found found = lookup.find(token);
      if (found != null && found.refreshGrant() != null && found.refreshGrant().clientId().equals(client.clientId())) {
        grants.revokeGrant(found.refreshGrant().id());
      } else if (found != null && found.accessToken() != null
          && client.clientId().equals(found.accessToken().clientId())) {
        grants.revokeAccessToken(found.accessToken().jti(), found.accessToken().expiresAtEpochSecond());
      }
      exchange.json(200, java.util.Map.of(), "Cache-Control", "no-store");
    } catch (OAuthError e) {
      exchange.error(e);
    } catch (Parameters.MalformedException e) {
      exchange.error(OAuthError.invalidRequest(e.getMessage()));
    }
  }
}
