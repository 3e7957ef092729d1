package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.clients.ClientMetadata;
import io.mcpauth.core.authserver.clients.ClientMetadataDocuments;
import io.mcpauth.core.authserver.clients.ClientMetadataException;
import io.mcpauth.core.authserver.store.ClientStore;

/** Finds a client by its {@code client_id}: an https URL is a metadata document, anything else a registration. */
final class Clients {

  private final ClientStore store;
  private final ClientMetadataDocuments documents;

  /** @param documents null when Client ID Metadata Documents are switched off */
  Clients(ClientStore store, ClientMetadataDocuments documents) {
    this.store = store;
    this.documents = documents;
  }

  /**
   * The client, or null when no client has this id.
   *
   * @throws ClientMetadataException when the id is a metadata-document URL that cannot be used
   */
  Client find(String clientId) throws ClientMetadataException {
    if (clientId.startsWith("https://")) {
      // Generated ids never start with https:// (AS-SEC-47), so this cannot shadow a registration.
      if (documents == null) {
        return null;
      }
      ClientMetadata metadata = documents.fetch(clientId);
      return new Client(clientId, null, metadata, true);
    }
    ClientStore.StoredClient stored = store.find(clientId);
    return stored == null ? null
        : new Client(stored.clientId(), stored.secretHash(), ClientMetadata.fromJson(stored.metadata()), false);
  }

  ClientStore store() {
    return store;
  }
}
