package io.mcpauth.core.authserver;

import java.util.List;

/** A validated authorization request (RFC 6749 §4.1.1 with PKCE and RFC 8707), waiting for login and consent. */
record AuthorizationRequest(Client client, String redirectUri, String state, String codeChallenge, List<String> scopes,
    String resource) {

  String scope() {
    return String.join(" ", scopes);
  }
}
