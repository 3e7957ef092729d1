package io.mcpauth.core.authserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grants' binding to their users' credentials (RFC 9700 §4.14.2): what a removed user or a new password revokes. */
class GrantStoreTest {

  private static final long NOW = 1_700_000_000L;
  private static final long KEEP = 31L * 24 * 3600;
  private static final String ALICE = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String BOB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String BOB_NEW = "cccccccccccccccccccccccccccccccc";

  @TempDir
  Path dir;

  /** Each test's own data directory: the directory lock is held for the life of the JVM. */
  private DataDirectory data(String name) throws IOException {
    return DataDirectory.open(dir.resolve(name));
  }

  private static GrantStore.Grant grant(GrantStore store, String id, String subject, String credential) throws IOException {
    return store.create(id, "client-1", subject, "mcp:tools", "http://localhost:1/", new byte[32], credential, NOW);
  }

  @Test
  void aRemovedUserOrANewPasswordRevokesThatUsersGrantsOnlyInOneWrite() throws IOException {
    DataDirectory data = data("a");
    GrantStore store = GrantStore.open(data, KEEP);
    grant(store, "g-alice-1", "alice", ALICE);
    grant(store, "g-alice-2", "alice", ALICE);
    grant(store, "g-bob", "bob", BOB);
    grant(store, "g-carol", "carol", BOB);
    grant(store, "g-client", "client-9", null);
    Map<String, String> users = new HashMap<>(Map.of("alice", ALICE, "bob", BOB, "carol", BOB));

    assertEquals(Map.of(), store.revokeStale(users::get), "nothing changed, nothing revoked");
    assertFalse(store.isRevoked("jti", "g-alice-1"));

    users.remove("alice");
    users.put("bob", BOB_NEW);
    Map<String, Integer> revoked = store.revokeStale(users::get);
    assertEquals(Map.of("alice", 2, "bob", 1), revoked);
    assertTrue(store.isRevoked("jti", "g-alice-1") && store.isRevoked("jti", "g-alice-2") && store.isRevoked(null, "g-bob"),
        "their access tokens fail at the resource server");
    assertTrue(store.find("g-alice-1").revoked() && store.find("g-alice-1").refreshHash() == null, "the refresh token is gone");
    assertFalse(store.isRevoked("jti", "g-carol"), "another user's grant stands, even under an equal credential");
    assertFalse(store.isRevoked("jti", "g-client"), "a grant no user approved is not a user's");
    assertEquals(Map.of(), store.revokeStale(users::get), "revoked once");

    GrantStore reopened = GrantStore.open(data, KEEP);
    assertTrue(reopened.isRevoked(null, "g-alice-2") && reopened.isRevoked(null, "g-bob"), "persisted");
    assertFalse(reopened.isRevoked(null, "g-carol"));
    assertEquals(BOB, reopened.find("g-carol").credential());
    assertNull(reopened.find("g-client").credential(), "a grant no user approved stays one");
  }

  @Test
  void aGrantStoredBeforeCredentialsWereRecordedIsBoundToItsUsersCredentialOrRevoked() throws IOException {
    DataDirectory data = data("b");
    Path file = data.path().resolve("grants.json");
    Files.writeString(file, """
        {"grants":{
          "old-alice":{"client_id":"c","sub":"alice","scope":"mcp:tools","resource":"http://localhost:1/","created":%d,
            "refresh_hash":"%s","refresh_issued":%d,"revoked":false,"rotated_hashes":[]},
          "old-dave":{"client_id":"c","sub":"dave","scope":"mcp:tools","resource":"http://localhost:1/","created":%d,
            "refresh_hash":"%s","refresh_issued":%d,"revoked":false,"rotated_hashes":[]}},
         "revoked_access_tokens":{}}
        """.formatted(NOW, "00".repeat(32), NOW, NOW, "00".repeat(32), NOW));
    GrantStore store = GrantStore.open(data, KEEP);
    assertEquals(GrantStore.UNKNOWN_CREDENTIAL, store.find("old-alice").credential());

    assertEquals(Map.of("dave", 1), store.revokeStale(Map.of("alice", ALICE)::get), "the user is gone");
    assertEquals(ALICE, store.find("old-alice").credential(), "bound to the credential the user holds now");
    assertFalse(store.isRevoked(null, "old-alice"));
    assertTrue(Files.readString(file).contains("\"user_credential\":\"" + ALICE + "\""), Files.readString(file));

    GrantStore reopened = GrantStore.open(data, KEEP);
    assertEquals(ALICE, reopened.find("old-alice").credential());
    assertEquals(Map.of("alice", 1), reopened.revokeStale(Map.of("alice", BOB_NEW)::get),
        "once bound, a later new password revokes it");
  }
}
