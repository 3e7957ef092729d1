package io.mcpauth.core.authserver.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.logging.CapturedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails (a full disk, a read-only directory) changes nothing on disk, and memory only
 * where that is the safe way: a new grant or a rotation is undone, so the client's retry works once
 * the disk can be written; a revocation stays in force and is stored by the next write that
 * succeeds. Writes are made to fail by a non-empty directory where the temporary file goes, which
 * works for root too (a permission would not).
 */
class FailedWriteTest {

  private static final long NOW = 1_700_000_000L;
  private static final long KEEP = 31L * 24 * 3600;
  private static final byte[] FIRST = hash(1);
  private static final byte[] SECOND = hash(2);
  private static final byte[] THIRD = hash(3);

  @TempDir
  Path dir;

  private static byte[] hash(int seed) {
    byte[] hash = new byte[32];
    java.util.Arrays.fill(hash, (byte) seed);
    return hash;
  }

  /** Blocks every write of {@code file} until the returned directory is removed. */
  private static Path blockWrites(Path file) throws IOException {
    Path blocker = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.createDirectories(blocker.resolve("full"));
    return blocker;
  }

  private static void unblock(Path blocker) throws IOException {
    Files.delete(blocker.resolve("full"));
    Files.delete(blocker);
  }

  @Test
  void aFailedRotationIsUndoneSoTheRetryRotatesInsteadOfLookingLikeAReplay() throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve("rotate"));
    GrantStore store = GrantStore.open(data, KEEP);
    store.create("g1", "client-1", "alice", "mcp:tools", "http://localhost:1/", FIRST, null, NOW);
    String before = Files.readString(data.path().resolve("grants.json"));
    Path blocker = blockWrites(data.path().resolve("grants.json"));

    assertThrows(StoreWriteException.class, () -> store.rotate("g1", FIRST, SECOND, NOW + 1));
    assertArrayEquals(FIRST, store.find("g1").refreshHash(), "the client's token is still the current one");
    assertEquals(before, Files.readString(data.path().resolve("grants.json")), "the file is as it was");

    unblock(blocker);
    assertEquals(GrantStore.Rotation.ROTATED, store.rotate("g1", FIRST, THIRD, NOW + 2), "the retry rotates");
    assertFalse(store.isRevoked(null, "g1"));
    assertArrayEquals(THIRD, GrantStore.open(data, KEEP).find("g1").refreshHash(), "and is stored");
  }

  @Test
  void aFailedNewGrantIsUndone() throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve("create"));
    GrantStore store = GrantStore.open(data, KEEP);
    store.create("g1", "client-1", "alice", "mcp:tools", "http://localhost:1/", FIRST, null, NOW);
    Path blocker = blockWrites(data.path().resolve("grants.json"));

    assertThrows(StoreWriteException.class,
        () -> store.create("g2", "client-1", "alice", "mcp:tools", "http://localhost:1/", SECOND, null, NOW));
    assertNull(store.find("g2"), "nothing in memory that is not on disk");
    assertEquals(1, store.size());
    unblock(blocker);
    store.create("g3", "client-1", "alice", "mcp:tools", "http://localhost:1/", THIRD, null, NOW);
    GrantStore reread = GrantStore.open(data, KEEP);
    assertTrue(reread.find("g1") != null && reread.find("g3") != null && reread.find("g2") == null);
  }

  @Test
  void aRevocationWhoseWriteFailedHoldsAtOnceAndIsStoredByTheNextWriteThatSucceeds() throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve("revoke"));
    GrantStore store = GrantStore.open(data, KEEP);
    store.create("g1", "client-1", "alice", "mcp:tools", "http://localhost:1/", FIRST, null, NOW);
    Path blocker = blockWrites(data.path().resolve("grants.json"));

    assertThrows(StoreWriteException.class, () -> store.revokeGrant("g1"));
    assertThrows(StoreWriteException.class, () -> store.revokeAccessToken("jti-1", NOW + 600));
    assertTrue(store.isRevoked(null, "g1") && store.isRevoked("jti-1", null), "fail closed: revoked in memory at once");
    assertThrows(StoreWriteException.class, () -> store.revokeGrant("g1"), "a retry tries the write again");
    assertFalse(GrantStore.open(data, KEEP).find("g1").revoked(), "not on disk yet");

    unblock(blocker);
    store.flush();
    GrantStore reread = GrantStore.open(data, KEEP);
    assertTrue(reread.find("g1").revoked() && reread.isRevoked("jti-1", null), "stored once the disk takes writes");
  }

  @Test
  void aRetriedRevocationAfterTheDiskRecoversStoresIt() throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve("retry"));
    GrantStore store = GrantStore.open(data, KEEP);
    store.create("g1", "client-1", "alice", "mcp:tools", "http://localhost:1/", FIRST, null, NOW);
    Path blocker = blockWrites(data.path().resolve("grants.json"));
    assertThrows(StoreWriteException.class, () -> store.revokeGrant("g1"));
    unblock(blocker);

    store.revokeGrant("g1");
    assertTrue(GrantStore.open(data, KEEP).find("g1").revoked(), "the retry's 200 means it is stored");
  }

  @Test
  void aFailedFirstAuthorizationMarkIsUndone() throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve("clients"));
    ClientStore store = ClientStore.open(data);
    store.add(new ClientStore.StoredClient("c1", null, NOW, 0, Map.of("client_name", "one")));
    Path blocker = blockWrites(data.path().resolve("clients.json"));

    assertThrows(StoreWriteException.class,
        () -> store.add(new ClientStore.StoredClient("c2", null, NOW, 0, Map.of("client_name", "two"))));
    assertThrows(StoreWriteException.class, () -> store.markAuthorized("c1", NOW + 5));
    assertNull(store.find("c2"));
    assertEquals(0, store.find("c1").firstAuthorizedAt());
    unblock(blocker);
    store.markAuthorized("c1", NOW + 6);
    assertEquals(NOW + 6, ClientStore.open(data).find("c1").firstAuthorizedAt());
  }

  @Test
  void anOutageIsLoggedOnceWithTheDirectoryAndTheReasonAndItsEndOnce() throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve("log"));
    GrantStore store = GrantStore.open(data, KEEP);
    store.create("g1", "client-1", "alice", "mcp:tools", "http://localhost:1/", FIRST, null, NOW);
    Path blocker = blockWrites(data.path().resolve("grants.json"));
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      for (int i = 0; i < 3; i++) {
        assertThrows(StoreWriteException.class, () -> store.rotate("g1", FIRST, SECOND, NOW));
      }
      unblock(blocker);
      store.rotate("g1", FIRST, SECOND, NOW);
      store.rotate("g1", SECOND, THIRD, NOW);
      lines = log.lines();
    }
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("ERROR authorization server: cannot write the data directory " + data.path()),
        lines.get(0));
    assertTrue(lines.get(1).startsWith("INFO authorization server: the data directory " + data.path()
        + " can be written again"), lines.get(1));
  }

  @Test
  void aFailedWriteLeavesTheOldContentAndSaysWhichFile() throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve("plain"));
    AtomicFile atomic = data.file("plain.json");
    atomic.write("{\"old\":1}");
    Path blocker = blockWrites(atomic.path());
    StoreWriteException failure = assertThrows(StoreWriteException.class, () -> atomic.write("{\"new\":2}"));
    assertTrue(failure.getMessage().startsWith("cannot write " + atomic.path() + " ("), failure.getMessage());
    assertEquals("{\"old\":1}", Files.readString(atomic.path()));
    unblock(blocker);
    atomic.write("{\"new\":2}");
    assertEquals("{\"new\":2}", Files.readString(atomic.path()));
  }
}
