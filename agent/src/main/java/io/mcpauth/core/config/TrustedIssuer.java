package io.mcpauth.core.config;

import java.net.URI;

/**
 * An issuer whose tokens the gate accepts, with the one way its tokens are checked: its JWKS
 * ({@code jwksUri}, or discovered when null) or, when {@code introspection} is set, its
 * introspection endpoint. Never both: there is no fallback from one to the other (RS-SEC-56).
 */
public record TrustedIssuer(URI issuer, URI jwksUri, IntrospectionSettings introspection) {

  public boolean introspected() {
    return introspection != null;
  }
}
