package io.mcpauth.core.authserver.serviceclients;

import java.util.List;

/**
 * A machine-to-machine client the operator created with {@code client add}: it gets tokens with
 * the client-credentials grant, for its own scopes only. {@code credentialId} names its current
 * secret; tokens carry it, so that a removal or a new secret ends the tokens bought with the old one.
 *
 * @param secretHash SHA-256 of the secret (a 256-bit random value, so a fast hash is enough)
 * @param scopes what the client may be granted, fixed when it is added; never offline_access
 */
public record ServiceClient(String clientId, byte[] secretHash, String credentialId, List<String> scopes,
    long createdAt, long secretSetAt) {

  public ServiceClient {
    scopes = List.copyOf(scopes);
  }

  /** The scopes as an OAuth scope string. */
  public String scope() {
    return String.join(" ", scopes);
  }
}
