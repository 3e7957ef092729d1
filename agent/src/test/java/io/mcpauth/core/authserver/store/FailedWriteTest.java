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

  /** A new grant store under {@code name} that holds grant g1 (refresh hash FIRST) and can no longer write. */
  private BlockedGrantStore blockedGrantStore(String name) throws IOException {
    DataDirectory data = DataDirectory.open(dir.resolve(name));
    GrantStore store = GrantStore.open(data, KEEP);
    createGrant(store, "g1", FIRST);
    return new BlockedGrantStore(data, store, blockWrites(data.path().resolve("grants.json")));
  }

  private static void createGrant(GrantStore store, String id, byte[] refreshHash) throws IOException {
    store.create(id, "client-1", "alice", "mcp:tools", "http://localhost:1/", refreshHash, null, NOW);
  }

  /** A grant store whose writes fail until {@link #unblock()}. */
  private record BlockedGrantStore(DataDirectory data, GrantStore store, Path blocker) {

    Path file() {
      return data.path().resolve("grants.json");
    }

    void unblock() throws IOException {
      FailedWriteTest.unblock(blocker);
    }

    /** The store as the next start reads it from disk. */
    GrantStore reread() throws IOException {
      return GrantStore.open(data, KEEP);
    }
  }

  @Test
  void aFailedRotationIsUndoneSoTheRetryRotatesInsteadOfLookingLikeAReplay() throws IOException {
    BlockedGrantStore blocked = blockedGrantStore("rotate");
    GrantStore store = blocked.store();
    String before = Files.readString(blocked.file());

    assertThrows(StoreWriteException.class, () -> store.rotate("g1", FIRST, SECOND, NOW + 1));
    assertArrayEquals(FIRST, store.find("g1").refreshHash(), "the client's token is still the current one");
    assertEquals(before, Files.readString(blocked.file()), "the file is as it was");

    blocked.unblock();
    assertEquals(GrantStore.Rotation.ROTATED, store.rotate("g1", FIRST, THIRD, NOW + 2), "the retry rotates");
    assertFalse(store.isRevoked(null, "g1"));
    assertArrayEquals(THIRD, blocked.reread().find("g1").refreshHash(), "and is stored");
  }

  @Test
  void aFailedNewGrantIsUndone() throws IOException {
    BlockedGrantStore blocked = blockedGrantStore("create");
    GrantStore store = blocked.store();

    assertThrows(StoreWriteException.class, () -> createGrant(store, "g2", SECOND));
    assertNull(store.find("g2"), "nothing in memory that is not on disk");
    assertEquals(1, store.size());
    blocked.unblock();
    createGrant(store, "g3", THIRD);
    GrantStore reread = blocked.reread();
    assertTrue(reread.find("g1") != null && reread.find("g3") != null && reread.find("g2") == null);
  }

  @Test
  void aRevocationWhoseWriteFailedHoldsAtOnceAndIsStoredByTheNextWriteThatSucceeds() throws IOException {
    BlockedGrantStore blocked = blockedGrantStore("revoke");
    GrantStore store = blocked.store();

    assertThrows(StoreWriteException.class, () -> store.revokeGrant("g1"));
    assertThrows(StoreWriteException.class, () -> store.revokeAccessToken("jti-1", NOW + 600));
    assertTrue(store.isRevoked(null, "g1") && store.isRevoked("jti-1", null), "fail closed: revoked in memory at once");
    assertThrows(StoreWriteException.class, () -> store.revokeGrant("g1"), "a retry tries the write again");
    assertFalse(blocked.reread().find("g1").revoked(), "not on disk yet");

    blocked.unblock();
    store.flush();
    GrantStore reread = blocked.reread();
    assertTrue(reread.find("g1").revoked() && reread.isRevoked("jti-1", null), "stored once the disk takes writes");
  }

  @Test
  void aRetriedRevocationAfterTheDiskRecoversStoresIt() throws IOException {
    BlockedGrantStore blocked = blockedGrantStore("retry");
    GrantStore store = blocked.store();
    assertThrows(StoreWriteException.class, () -> store.revokeGrant("g1"));
    blocked.unblock();

    store.revokeGrant("g1");
    assertTrue(blocked.reread().find("g1").revoked(), "the retry's 200 means it is stored");
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
    BlockedGrantStore blocked = blockedGrantStore("log");
    GrantStore store = blocked.store();
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      for (int i = 0; i < 3; i++) {
        assertThrows(StoreWriteException.class, () -> store.rotate("g1", FIRST, SECOND, NOW));
      }
      blocked.unblock();
      store.rotate("g1", FIRST, SECOND, NOW);
      store.rotate("g1", SECOND, THIRD, NOW);
      lines = log.lines();
    }
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("ERROR authorization server: cannot write the data directory " + blocked.data().path()),
        lines.get(0));
    assertTrue(lines.get(1).startsWith("INFO authorization server: the data directory " + blocked.data().path()
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
