package io.mcpauth.core.authserver.store;

import io.mcpauth.core.json.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Clients registered by Dynamic Client Registration, in {@code clients.json}. A registration is
 * acknowledged only once it is on disk. Secrets are stored as their SHA-256 only: they are 256-bit
 * random values, so a fast hash is enough and a stolen file yields nothing to present. A change whose
 * write fails ({@link StoreWriteException}) is undone in memory too, except the expiry of unused
 * clients, which the next write that succeeds stores.
 */
public final class ClientStore {

  /** One client. {@code metadata} is its validated RFC 7591 metadata as JSON members. */
  public record StoredClient(String clientId, byte[] secretHash, long issuedAt, long firstAuthorizedAt,
      Map<String, Object> metadata) {}

  private final AtomicFile file;
  private final Map<String, StoredClient> clients = new LinkedHashMap<>();
  /** True while memory holds an expiry that the last write did not store. */
  private boolean unsaved;

  private ClientStore(AtomicFile file) {
    this.file = file;
  }

  public static ClientStore open(DataDirectory data) throws IOException {
    ClientStore store = new ClientStore(data.file("clients.json"));
    Map<String, Object> stored = DataDirectory.readObject(store.file);
    if (stored != null) {
      try {
        for (Map.Entry<?, ?> item : ((Map<?, ?>) stored.get("clients")).entrySet()) {
          Map<?, ?> entry = (Map<?, ?>) item.getValue();
          String hash = (String) entry.get("secret_hash");
          @SuppressWarnings("unchecked")
          Map<String, Object> metadata = (Map<String, Object>) entry.get("metadata");
          String id = (String) item.getKey();
          store.clients.put(id, new StoredClient(id, hash == null ? null : HexFormat.of().parseHex(hash),
              ((Number) entry.get("issued")).longValue(), ((Number) entry.get("first_authorized")).longValue(),
              Map.copyOf(metadata)));
        }
      } catch (RuntimeException e) {
        throw new IOException("store file " + store.file.path() + " is damaged (" + e + ")", e);
      }
    }
    return store;
  }

  public synchronized void add(StoredClient client) throws IOException {
    clients.put(client.clientId(), client);
    try {
      save();
    } catch (IOException e) {
      clients.remove(client.clientId());
      throw e;
    }
  }

  /**
   * Adds a client while keeping at most {@code maxClients}: when the store is full, the oldest
   * clients that never completed an authorization make room (AS-D4: a flood of registrations must
   * not lock legitimate clients out). A client that completed an authorization is never evicted.
   *
   * @return the ids evicted to make room (usually none); null, and nothing changed, when every
   *     stored client has completed an authorization
   */
  public synchronized List<String> addWithin(int maxClients, StoredClient client) throws IOException {
    List<StoredClient> evicted = new ArrayList<>();
    while (clients.size() >= maxClients) {
      StoredClient oldest = null;
      for (StoredClient candidate : clients.values()) {
        if (candidate.firstAuthorizedAt() == 0 && (oldest == null || candidate.issuedAt() < oldest.issuedAt())) {
          oldest = candidate;
        }
      }
      if (oldest == null) {
        evicted.forEach(c -> clients.put(c.clientId(), c));
        return null;
      }
      clients.remove(oldest.clientId());
      evicted.add(oldest);
    }
    clients.put(client.clientId(), client);
    try {
      save();
    } catch (IOException e) {
      clients.remove(client.clientId());
      evicted.forEach(c -> clients.put(c.clientId(), c));
      throw e;
    }
    return evicted.stream().map(StoredClient::clientId).toList();
  }

  public synchronized StoredClient find(String clientId) {
    return clients.get(clientId);
  }

  /** How many stored clients list {@code grantType} in their registered metadata. */
  public synchronized int countRegisteredFor(String grantType) {
    return (int) clients.values().stream()
        .filter(c -> c.metadata().get("grant_types") instanceof List<?> grants && grants.contains(grantType))
        .count();
  }

  public synchronized int size() {
    return clients.size();
  }

  /** Records the first completed authorization, which keeps the client from expiring as unused. */
  public synchronized void markAuthorized(String clientId, long now) throws IOException {
    StoredClient client = clients.get(clientId);
    if (client != null && client.firstAuthorizedAt() == 0) {
      clients.put(clientId, new StoredClient(clientId, client.secretHash(), client.issuedAt(), now, client.metadata()));
      try {
        save();
      } catch (IOException e) {
        clients.put(clientId, client);
        throw e;
      }
    }
  }

  /** AS-D4: deletes clients that never completed an authorization within {@code unusedSeconds}. */
  public synchronized int expireUnused(long now, long unusedSeconds) throws IOException {
    int before = clients.size();
    clients.values().removeIf(c -> c.firstAuthorizedAt() == 0 && now - c.issuedAt() > unusedSeconds);
    int removed = before - clients.size();
    if (removed > 0 || unsaved) {
      unsaved = true;
      save();
    }
    return removed;
  }

  private void save() throws IOException {
    Map<String, Object> stored = new LinkedHashMap<>();
    for (StoredClient client : clients.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("secret_hash", client.secretHash() == null ? null : HexFormat.of().formatHex(client.secretHash()));
      entry.put("issued", client.issuedAt());
      entry.put("first_authorized", client.firstAuthorizedAt());
      entry.put("metadata", client.metadata());
      stored.put(client.clientId(), entry);
    }
    file.write(JsonWriter.write(DataFormat.versioned(Map.of("clients", stored))));
    unsaved = false;
  }
}
