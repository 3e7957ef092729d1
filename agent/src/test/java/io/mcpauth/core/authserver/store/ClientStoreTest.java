package io.mcpauth.core.authserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AS-D4 at the cap: the oldest never-authorized client makes room; an authorized one never does. */
class ClientStoreTest {

  @TempDir
  Path dir;

  private static ClientStore.StoredClient client(String id, long issuedAt) {
    return new ClientStore.StoredClient(id, null, issuedAt, 0, Map.of("token_endpoint_auth_method", "none"));
  }

  @Test
  void atTheCapTheOldestNeverAuthorizedClientIsEvicted() throws IOException {
    ClientStore store = ClientStore.open(DataDirectory.open(dir));
    assertEquals(List.of(), store.addWithin(3, client("b", 20)));
    assertEquals(List.of(), store.addWithin(3, client("a", 10)));
    assertEquals(List.of(), store.addWithin(3, client("c", 30)));
    store.markAuthorized("a", 40);

    assertEquals(List.of("b"), store.addWithin(3, client("d", 50)), "b is the oldest never-authorized client");
    assertNull(store.find("b"));
    assertNotNull(store.find("a"), "an authorized client is kept, however old");
    assertEquals(List.of("c"), store.addWithin(3, client("e", 60)));
    store.markAuthorized("d", 70);
    store.markAuthorized("e", 70);

    assertNull(store.addWithin(3, client("f", 80)), "every client is authorized: refused");
    assertNull(store.find("f"));
    assertEquals(3, store.size());
  }

  @Test
  void evictionsAreWrittenWithTheNewClient() throws IOException {
    ClientStore store = ClientStore.open(DataDirectory.open(dir.resolve("one")));
    store.addWithin(2, client("a", 1));
    store.addWithin(2, client("b", 2));
    store.addWithin(2, client("c", 3));
    store.addWithin(1, client("d", 4));
    assertEquals(1, store.size(), "a lowered cap evicts down to it");
    assertNotNull(store.find("d"));
    Map<String, Object> stored = DataDirectory.readObject(new AtomicFile(dir.resolve("one").resolve("clients.json")));
    assertEquals(java.util.Set.of("d"), ((Map<?, ?>) stored.get("clients")).keySet(), "the evictions are on disk");
  }
}
