package io.mcpauth.core.authserver.serviceclients;

import io.mcpauth.core.authserver.Secrets;
import io.mcpauth.core.authserver.store.ParsedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The embedded authorization server's service clients, kept in a file ({@link ServiceClientsFile})
 * that the {@code client} command writes and the server only reads: the server sees a change at
 * the next token request for that client, and at its next {@link #refresh()} (every second) for
 * the tokens it already issued. A file that cannot be read or parsed is an {@link IOException}
 * every time it is consulted, and then no service-client token is accepted until it is fixed.
 */
public final class ServiceClients {

  /** A client just added or given a new secret, with that secret: shown once, never stored. */
  public record Issued(ServiceClient client, String secret) {}

  private final ParsedFile<ServiceClientsFile> file;
  /** Credential id to client id, for the tokens the resource server admits; empty while the file is damaged. */
  private volatile Map<String, String> credentials = Map.of();

  private ServiceClients(Path path) {
    this.file = new ParsedFile<>(path, "service-clients file",
        text -> text == null ? ServiceClientsFile.ABSENT : ServiceClientsFile.parse(text, path));
  }

  /** Reads the file now (it may not exist yet: no service clients); a damaged file is refused here. */
  public static ServiceClients open(Path path) throws IOException {
    ServiceClients store = new ServiceClients(path);
    store.current();
    return store;
  }

  public Path path() {
    return file.path();
  }

  /** The client, or null when there is none of this id (or the id could never be a service client's). */
  public ServiceClient find(String clientId) throws IOException {
    return ServiceClientsFile.isValidClientId(clientId) ? current().find(clientId) : null;
  }

  /** Sorted by id. */
  public List<ServiceClient> clients() throws IOException {
    return current().clients();
  }

  /**
   * Adds a client with a new secret; null, and nothing written, when the id is taken. Throws
   * IllegalArgumentException for an id or scopes that break {@link #checkClientId} or {@link #checkScopes}.
   */
  public synchronized Issued add(String clientId, List<String> scopes, long now) throws IOException {
    checkClientId(clientId);
    checkScopes(scopes);
    ServiceClientsFile clients = current();
    if (clients.find(clientId) != null) {
      return null;
    }
    String secret = Secrets.random();
    ServiceClient client = new ServiceClient(clientId, Secrets.sha256(secret), Secrets.identifier(), scopes, now, now);
    file.write(clients.with(client).toText());
    return new Issued(client, secret);
  }

  /** False, and nothing written, when there is no such client. */
  public synchronized boolean remove(String clientId) throws IOException {
    ServiceClientsFile clients = current();
    if (clients.find(clientId) == null) {
      return false;
    }
    file.write(clients.without(clientId).toText());
    return true;
  }

  /**
   * Replaces the client's secret, and with it the credential its tokens carry: the old secret and
   * every token bought with it stop working. Null, and nothing written, when there is no such client.
   */
  public synchronized Issued rotateSecret(String clientId, long now) throws IOException {
    ServiceClientsFile clients = current();
    ServiceClient old = clients.find(clientId);
    if (old == null) {
      return null;
    }
    String secret = Secrets.random();
    ServiceClient client = new ServiceClient(clientId, Secrets.sha256(secret), Secrets.identifier(), old.scopes(),
        old.createdAt(), now);
    file.write(clients.with(client).toText());
    return new Issued(client, secret);
  }

  /** Reads the file again when it changed; on failure no service-client token is admitted until it reads well. */
  public void refresh() throws IOException {
    current();
  }

  /**
   * Whether a token carrying {@code credentialId} for {@code clientId} is still good: the client
   * exists and the token was bought with its current secret. Called for every request the resource
   * server admits with such a token, so it reads only memory: one lookup, no allocation.
   */
  public boolean admits(String credentialId, String clientId) {
    return credentialId != null && clientId != null && clientId.equals(credentials.get(credentialId));
  }

  public static void checkClientId(String clientId) {
    if (clientId != null && clientId.startsWith("https://")) {
      throw new IllegalArgumentException("a client id starting with https:// names a Client ID Metadata Document");
    }
    if (!ServiceClientsFile.isValidClientId(clientId)) {
      throw new IllegalArgumentException("a service client id is " + ServiceClientsFile.CLIENT_ID_RULE);
    }
  }

  public static void checkScopes(List<String> scopes) {
    String problem = ServiceClientsFile.scopeProblem(scopes);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The clients as the file stands now, and the credentials the resource server checks kept in step. */
  private ServiceClientsFile current() throws IOException {
    ServiceClientsFile clients = read();
    if (credentials != clients.credentials()) {
      // Under the lock the later of two threads reads the later file: the map never steps back.
      synchronized (this) {
        clients = read();
        credentials = clients.credentials();
      }
    }
    return clients;
  }

  /** While the file cannot be read, no token of a service client passes. */
  private ServiceClientsFile read() throws IOException {
    try {
      return file.current();
    } catch (IOException e) {
      credentials = Map.of();
      throw e;
    }
  }
}
