package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.clients.ClientMetadata;

/**
 * A client as the endpoints see it: registered by DCR (with a secret hash when confidential), or
 * described by a Client ID Metadata Document (always public).
 */
record Client(String clientId, byte[] secretHash, ClientMetadata metadata, boolean metadataDocument) {

  boolean isPublic() {
    return "none".equals(metadata.tokenEndpointAuthMethod());
  }

  boolean allowsGrant(String grantType) {
    return metadata.grantTypes().contains(grantType);
  }
}
