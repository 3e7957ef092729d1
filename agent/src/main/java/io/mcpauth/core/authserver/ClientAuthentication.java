package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.clients.ClientMetadataException;
import io.mcpauth.core.text.Ascii;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3):
 * {@code client_secret_basic}, {@code client_secret_post}, or {@code none} for public clients. The
 * method used must be the one registered (AS-14), and only one may be used at a time (AS-SEC-31).
 */
final class ClientAuthentication {

  private final Clients clients;

  ClientAuthentication(Clients clients) {
    this.clients = clients;
  }

  /** The authenticated client; an {@link OAuthError} (401 invalid_client, or 400) otherwise. */
  Client authenticate(Exchange exchange, Parameters form) throws OAuthError, Parameters.MalformedException {
    String authorization = exchange.header("Authorization");
    String postedId = form.single("client_id");
    String postedSecret = form.single("client_secret");
    String clientId;
    String secret;
    String method;
    if (authorization != null) {
      if (postedSecret != null) {
        throw OAuthError.invalidRequest("use one client authentication method, not two");
      }
      String[] basic = basic(authorization);
      clientId = basic[0];
      secret = basic[1];
      if (postedId != null && !postedId.equals(clientId)) {
        throw OAuthError.invalidRequest("client_id differs from the Authorization header");
      }
      method = "client_secret_basic";
    } else if (postedSecret != null) {
      clientId = postedId;
      secret = postedSecret;
      method = "client_secret_post";
    } else {
      clientId = postedId;
      secret = null;
      method = "none";
    }
    if (clientId == null) {
      throw invalidClient("client authentication is required", authorization != null);
    }
    Client client;
    try {
      client = clients.find(clientId);
    } catch (ClientMetadataException e) {
      if (e.retryAfterSeconds() > 0) {
        throw OAuthError.temporarilyUnavailable(e.getMessage(), e.retryAfterSeconds());
      }
      throw invalidClient("the client's metadata document cannot be used", authorization != null);
    }
    if (client == null) {
      throw invalidClient("client authentication failed", authorization != null);
    }
    if (!client.metadata().tokenEndpointAuthMethod().equals(method)) {
      throw invalidClient("client authentication failed", authorization != null);
    }
    if (!method.equals("none") && !Secrets.matches(secret, client.secretHash())) {
      throw invalidClient("client authentication failed", authorization != null);
    }
    return client;
  }

  /** RFC 6749 §2.3.1: both parts are form-urlencoded before base64. */
  static String[] basic(String authorization) throws OAuthError {
    if (!Ascii.startsWithIgnoreCase(authorization, "Basic ")) {
      throw invalidClient("only Basic client authentication is accepted", true);
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidClient("the Basic credentials are not base64", true);
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw invalidClient("the Basic credentials have no ':'", true);
    }
    try {
      // Parameters' decoding, not URLDecoder's: that reads "%+1" and full-width hex digits as escapes.
      return new String[] {Parameters.decode(decoded.substring(0, colon)), Parameters.decode(decoded.substring(colon + 1))};
    } catch (Parameters.MalformedException e) {
      throw invalidClient("the Basic credentials are not form-urlencoded", true);
    }
  }

  static OAuthError invalidClient(String description, boolean basicUsed) {
    return new OAuthError(401, "invalid_client", description) {
      @Override
      boolean basicChallenge() {
        return basicUsed;
      }
    };
  }
}
