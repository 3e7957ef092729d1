package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.clients.ClientMetadata;
import io.mcpauth.core.authserver.clients.ClientMetadataDocuments;
import io.mcpauth.core.authserver.clients.ClientMetadataException;
import io.mcpauth.core.authserver.serviceclients.ServiceClient;
import io.mcpauth.core.authserver.serviceclients.ServiceClients;
import io.mcpauth.core.authserver.store.ClientStore;
import io.mcpauth.core.logging.AgentLog;
import java.io.IOException;
import java.util.List;

/**
 * Finds a client by its {@code client_id}: an https URL is a metadata document, an id the server
 * generated is a registration, and any other id a service client. The three kinds of id cannot
 * overlap (AS-SEC-47, {@link ServiceClients#checkClientId}).
 */
final class Clients {

  private final ClientStore store;
  private final ClientMetadataDocuments documents;
  private final ServiceClients serviceClients;

  /** @param documents null when Client ID Metadata Documents are switched off */
  Clients(ClientStore store, ClientMetadataDocuments documents, ServiceClients serviceClients) {
    this.store = store;
    this.documents = documents;
    this.serviceClients = serviceClients;
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
    if (stored != null) {
      return new Client(stored.clientId(), stored.secretHash(), ClientMetadata.fromJson(stored.metadata()), false);
    }
    return serviceClient(clientId);
  }

  ClientStore store() {
    return store;
  }

  /** A service client authenticates with HTTP Basic and has the client-credentials grant only. */
  private Client serviceClient(String clientId) {
    ServiceClient client;
    try {
      client = serviceClients.find(clientId);
    } catch (IOException e) {
      // Fail closed: the client is unknown until the file reads well again.
      AgentLog.error("authorization server: {}", e.getMessage());
      return null;
    }
    if (client == null) {
      return null;
    }
    ClientMetadata metadata = new ClientMetadata(List.of(), null, List.of("client_credentials"), List.of(),
        "client_secret_basic", client.scope(), "web", null, null);
    return new Client(client.clientId(), client.secretHash(), metadata, false, client.credentialId());
  }
}
