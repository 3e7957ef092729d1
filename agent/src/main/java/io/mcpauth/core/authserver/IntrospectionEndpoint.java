package io.mcpauth.core.authserver;

import io.mcpauth.core.token.VerifiedToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /introspect} (RFC 7662), for confidential clients only (§2.1: the endpoint must be
 * protected, and a public client's id is no credential).
 */
final class IntrospectionEndpoint {

  private final ClientAuthentication authentication;
  private final TokenLookup lookup;
  private final String issuer;

  IntrospectionEndpoint(ClientAuthentication authentication, TokenLookup lookup, String issuer) {
    this.authentication = authentication;
    this.lookup = lookup;
    this.issuer = issuer;
  }

  void handle(Exchange exchange) throws IOException {
    try {
      Parameters form = exchange.form(16_384);
      Client client = authentication.authenticate(exchange, form);
      if (client.isPublic()) {
        throw ClientAuthentication.invalidClient("introspection needs a confidential client", false);
      }
      String token = form.single("token");
      if (token == null) {
        throw OAuthError.invalidRequest("token is required");
      }
      form.single("token_type_hint");
      TokenLookup.Found found = lookup.findActive(token);
      Map<String, Object> response = new LinkedHashMap<>();
      response.put("active", found != null);
      if (found != null && found.accessToken() != null) {
        VerifiedToken access = found.accessToken();
        response.put("token_type", "Bearer");
        response.put("scope", String.join(" ", access.scopes()));
        response.put("client_id", access.clientId());
        response.put("sub", access.subject());
        response.put("aud", access.claims().get("aud"));
        response.put("iss", issuer);
        response.put("exp", access.expiresAtEpochSecond());
        response.put("iat", access.claims().get("iat"));
        response.put("jti", access.jti());
      } else if (found != null) {
        response.put("token_type", "refresh_token");
        response.put("scope", found.refreshGrant().scope());
        response.put("client_id", found.refreshGrant().clientId());
        response.put("sub", found.refreshGrant().subject());
        response.put("aud", found.refreshGrant().resource());
        response.put("iss", issuer);
        response.put("exp", lookup.refreshExpiry(found.refreshGrant()));
      }
      exchange.json(200, response, "Cache-Control", "no-store");
    } catch (OAuthError e) {
      exchange.error(e);
    } catch (Parameters.MalformedException e) {
      exchange.error(OAuthError.invalidRequest(e.getMessage()));
    }
  }
}
