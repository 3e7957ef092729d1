package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.clients.ClientMetadata;

/**
 * A client as the endpoints see it: registered by DCR (with a secret hash when confidential),
 * described by a Client ID Metadata Document (always public), or a service client the operator
 * created with {@code client add} ({@code credentialId} names its current secret; null otherwise).
 */
record Client(String clientId, byte[] secretHash, ClientMetadata metadata, boolean metadataDocument, String credentialId) {

  Client(String clientId, byte[] secretHash, ClientMetadata metadata, boolean metadataDocument) {
    this(clientId, secretHash, metadata, metadataDocument, null);
  }

  boolean isPublic() {
    return "none".equals(metadata.tokenEndpointAuthMethod());
  }

  /** Made by the operator, not by open registration: the only kind the client-credentials grant serves. */
  boolean isServiceClient() {
    return credentialId != null;
  }

  boolean allowsGrant(String grantType) {
    return metadata.grantTypes().contains(grantType);
  }
}
