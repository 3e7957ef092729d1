package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.authserver.store.DataDirectory;
import io.mcpauth.core.authserver.store.GrantStore;
import io.mcpauth.core.authserver.users.UserStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch that revokes removed users' grants, one look at a time (no thread, no clock). */
class UserRevocationsTest {

  /** Well-formed, match no password; two of them, as two passwords would be. */
  private static final String HASH = "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  private static final String OTHER_HASH = "pbkdf2-sha256$600000$BBBBBBBBBBBBBBBBBBBBBA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  @TempDir
  Path dir;

  private Path users;
  private UserStore userStore;
  private GrantStore grants;
  private UserRevocations revocations;

  private void start(String usersFile) throws IOException {
    users = dir.resolve("users");
    Files.writeString(users, usersFile);
    userStore = UserStore.open(users);
    grants = GrantStore.open(DataDirectory.open(dir.resolve("data")), 3600);
    revocations = new UserRevocations(userStore, grants);
  }

  /** As the user command writes it: a new file renamed over the old one. */
  private void replaceUsers(String content) throws IOException {
    Path next = dir.resolve("users.next");
    Files.writeString(next, content);
    Files.move(next, users, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void grant(String id, String user) throws IOException {
    grants.create(id, "client", user, "mcp:tools", "http://localhost:1/", new byte[32], userStore.credential(user), 1);
  }

  @Test
  void aRemovalIsActedOnAtTheSecondLookThatSeesIt() throws IOException {
    start("dave:" + HASH + "\nerin:" + HASH + "\n");
    grant("dave-1", "dave");
    grant("dave-2", "dave");
    grant("erin-1", "erin");
    assertEquals(List.of(), revocations.revokeNow());

    revocations.look();
    replaceUsers("erin:" + HASH + "\n");
    revocations.look();
    assertFalse(grants.isRevoked(null, "dave-1"), "a version seen once may be half-written: not yet");
    revocations.look();
    assertTrue(grants.isRevoked(null, "dave-1") && grants.isRevoked(null, "dave-2"), "seen twice: revoked");
    assertFalse(grants.isRevoked(null, "erin-1"), "the other user keeps hers");
  }

  @Test
  void aNewPasswordRevokesTheUsersGrantsAndNewGrantsStand() throws IOException {
    start("dave:" + HASH + "\nerin:" + HASH + "\n");
    grant("dave-1", "dave");
    grant("erin-1", "erin");
    replaceUsers("dave:" + OTHER_HASH + "\nerin:" + HASH + "\n");
    revocations.look();
    revocations.look();
    assertTrue(grants.isRevoked(null, "dave-1"));
    assertFalse(grants.isRevoked(null, "erin-1"));

    grant("dave-2", "dave");
    revocations.look();
    revocations.look();
    assertFalse(grants.isRevoked(null, "dave-2"), "granted under the new password");
  }

  @Test
  void atStartUpWhatChangedWhileTheServerWasDownIsRevokedAtOnce() throws IOException {
    start("dave:" + HASH + "\nerin:" + HASH + "\n");
    grant("dave-1", "dave");
    grant("erin-1", "erin");
    replaceUsers("erin:" + OTHER_HASH + "\n");
    List<UserRevocations.Revoked> revoked = revocations.revokeNow();
    assertEquals(List.of(new UserRevocations.Revoked("dave", 1, true), new UserRevocations.Revoked("erin", 1, false)), revoked);
    assertTrue(grants.isRevoked(null, "dave-1") && grants.isRevoked(null, "erin-1"));
  }

  @Test
  void aDamagedUsersFileRevokesNothingAndTheNextGoodVersionIsActedOn() throws IOException {
    start("dave:" + HASH + "\nerin:" + HASH + "\n");
    grant("dave-1", "dave");
    grant("erin-1", "erin");
    replaceUsers("dave:" + HASH + "\nerin:pbkdf2-sha");
    revocations.look();
    revocations.look();
    assertFalse(grants.isRevoked(null, "dave-1") || grants.isRevoked(null, "erin-1"), "an unreadable file is no removal");
    replaceUsers("erin:" + HASH + "\n");
    revocations.look();
    revocations.look();
    assertTrue(grants.isRevoked(null, "dave-1"));
    assertFalse(grants.isRevoked(null, "erin-1"));
  }
}
