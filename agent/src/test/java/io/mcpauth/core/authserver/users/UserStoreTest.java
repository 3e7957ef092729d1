package io.mcpauth.core.authserver.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Few real hashes (half a second each): most files are written with one shared, or a well-formed fake. */
class UserStoreTest {

  private static final String PASSWORD = "s3cret-passw0rd";
  /** Well-formed, matches no password. */
  private static final String FAKE = "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  private static String realHash;

  @TempDir
  Path dir;

  @BeforeAll
  static void hashOnce() {
    realHash = PasswordHash.hash(PASSWORD.toCharArray());
  }

  private Path usersFile(String content) throws IOException {
    Path file = dir.resolve("users");
    Files.writeString(file, content);
    return file;
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "alice", "Alice.Smith", "alice@example.com", "a_b-c.d@e", "0123456789012345678901234567890123456789012345678901234567890123"})
  void validUsernames(String username) {
    UserStore.checkUsername(username);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "alice smith", "alice:x", "al#ice", "élise", "alice\n", "a/b", "01234567890123456789012345678901234567890123456789012345678901234"})
  void invalidUsernamesAreRefusedWithTheRule(String username) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserStore.checkUsername(username));
    assertEquals("a username is 1 to 64 characters from A-Z a-z 0-9 . _ @ -", e.getMessage());
  }

  @Test
  void aMissingFileIsNoUsersAndIsNotCreated() throws IOException {
    UserStore store = UserStore.open(dir.resolve("sub/users"));
    assertTrue(store.isEmpty());
    assertEquals(List.of(), store.usernames());
    assertEquals(Optional.empty(), store.authenticate("alice", PASSWORD.toCharArray()));
    assertFalse(Files.exists(dir.resolve("sub")));
  }

  @Test
  void shortPasswordsAreRefusedBeforeHashing() throws IOException {
    UserStore store = UserStore.open(dir.resolve("users"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.add("alice", "1234567".toCharArray()));
    assertEquals("a password needs at least 8 characters", e.getMessage());
    assertFalse(Files.exists(store.path()));
  }

  @Test
  void addWritesAnOwnerOnlyFileAndRefusesDuplicatesInAnyCase() throws IOException {
    Path file = dir.resolve("data/users");
    UserStore store = UserStore.open(file);
    assertTrue(store.add("Alice", PASSWORD.toCharArray()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertFalse(store.add("alice", "another password".toCharArray()));
    assertFalse(store.add("ALICE", "another password".toCharArray()));
    assertEquals(List.of("Alice"), store.usernames());
    assertTrue(store.contains("aLiCe"));

    String content = Files.readString(file);
    assertFalse(content.contains(PASSWORD));
    List<String> entries = content.lines().filter(line -> !line.startsWith("#")).toList();
    assertEquals(1, entries.size(), content);
    assertTrue(entries.get(0).startsWith("Alice:pbkdf2-sha256$600000$"), content);
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void authenticateReturnsTheCanonicalNameAndEmptyForAWrongPasswordOrAnUnknownUser() throws Exception {
    UserStore store = UserStore.open(usersFile("# team\nAlice:" + realHash + "\nbob:" + FAKE + "\n"));
    assertEquals(Optional.of(new UserStore.Account("Alice", PasswordHash.fingerprint(realHash))),
        store.authenticate("alice", PASSWORD.toCharArray()));
    assertEquals(Optional.empty(), store.authenticate("Alice", "s3cret-passw0rD".toCharArray()));
    assertEquals(Optional.empty(), store.authenticate("bob", PASSWORD.toCharArray()));
    assertEquals(Optional.empty(), store.authenticate(null, PASSWORD.toCharArray()));

    // an unknown or invalid name is checked against a dummy hash of the same cost, so it answers no faster
    for (String username : List.of("Alice", "mallory", "not a username")) {
      List<Integer> runs = Pbkdf2Runs.of(
          () -> assertEquals(Optional.empty(), store.authenticate(username, "wrong password".toCharArray())));
      assertEquals(List.of(600_000), runs, username);
    }
  }

  @Test
  void aChangeToTheFileIsSeenAtTheNextAuthentication() throws IOException {
    Path file = usersFile("alice:" + realHash + "\n");
    UserStore server = UserStore.open(file);
    assertEquals(Optional.of("alice"), server.authenticate("alice", PASSWORD.toCharArray()).map(UserStore.Account::username));

    UserStore cli = UserStore.open(file);
    assertTrue(cli.remove("alice"));
    assertEquals(Optional.empty(), server.authenticate("alice", PASSWORD.toCharArray()), "removed user refused");
    assertTrue(server.isEmpty());

    // same size as before: the rename still shows as a change
    Files.writeString(dir.resolve("next"), "alice:" + realHash + "\n");
    Files.move(dir.resolve("next"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(Optional.of("alice"), server.authenticate("alice", PASSWORD.toCharArray()).map(UserStore.Account::username),
        "added user accepted");
  }

  @Test
  void aRewriteKeepsTheOtherUsersAndTheComments() throws IOException {
    Path file = usersFile("# admins\nalice:" + FAKE + "\n\n# others\nbob:" + FAKE + "\ncarol:" + FAKE + "\n");
    UserStore store = UserStore.open(file);
    assertTrue(store.remove("BOB"));
    assertFalse(store.remove("bob"));
    assertEquals("# admins\nalice:" + FAKE + "\n\n# others\ncarol:" + FAKE + "\n", Files.readString(file));
    assertEquals(List.of("alice", "carol"), UserStore.open(file).usernames());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "a rewrite is owner-only");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "alice:" + FAKE + "\nbob:pbkdf2-sha256$600000$AAAAAAAAAAAAAAAA",
      "alice:" + FAKE + "\nbob",
      "alice:" + FAKE + "\nbob smith:" + FAKE,
      "alice:" + FAKE + "\nAlice:" + FAKE,
      "alice:" + FAKE + "\nbob:pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "alice:" + FAKE + "\nbob:hunter2-plaintext",
      "alice:" + FAKE + "\n:" + FAKE,
  })
  void aDamagedFileIsRefusedNamingTheFileAndTheLineButNotItsContent(String content) throws IOException {
    Path file = usersFile(content);
    IOException e = assertThrows(IOException.class, () -> UserStore.open(file));
    assertTrue(e.getMessage().startsWith(file + " line 2: "), e.getMessage());
    assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void aFileThatIsNotUtf8IsRefused() throws IOException {
    Path file = dir.resolve("users");
    Files.write(file, new byte[] {'a', ':', (byte) 0xff, '\n'});
    IOException e = assertThrows(IOException.class, () -> UserStore.open(file));
    assertEquals(file + " is not UTF-8 text; the users file is damaged (fix or restore it)", e.getMessage());
  }

  @Test
  void aFileDamagedWhileServingFailsClosedRatherThanEmpty() throws IOException {
    Path file = usersFile("alice:" + FAKE + "\n");
    UserStore store = UserStore.open(file);
    Files.writeString(file, "alice:" + FAKE + "\nbob:pbkdf2-sha");
    IOException e = assertThrows(IOException.class, () -> store.authenticate("alice", PASSWORD.toCharArray()));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertThrows(IOException.class, store::isEmpty);
    assertThrows(IOException.class, () -> store.remove("alice"));
    assertEquals("alice:" + FAKE + "\nbob:pbkdf2-sha", Files.readString(file), "a damaged file is never rewritten");
  }

  @Test
  void theCredentialIsAFingerprintOfTheStoredHashNeverTheHash() throws IOException {
    UserStore store = UserStore.open(usersFile("# team\nAlice:" + realHash + "\nbob:" + FAKE + "\n"));
    String alice = store.credential("ALICE");
    assertTrue(alice.matches("[0-9a-f]{32}"), alice);
    assertFalse(realHash.contains(alice), "the fingerprint is not a piece of the hash");
    assertEquals(alice, store.credential("alice"), "the same user, any case");
    assertFalse(alice.equals(store.credential("bob")));
    assertEquals(null, store.credential("carol"));
    assertEquals(null, store.credential("not a username"));
    assertTrue(store.holds("alice", alice));
    assertFalse(store.holds("bob", alice), "another user's credential");
    assertFalse(store.holds("alice", null));
    assertFalse(store.holds("carol", alice));
  }

  @Test
  void credentialsAreOneInstancePerVersionOfTheFile() throws IOException {
    Path file = usersFile("alice:" + FAKE + "\n");
    UserStore store = UserStore.open(file);
    UserStore.Credentials first = store.credentials();
    assertTrue(first == store.credentials(), "unchanged file, same instance");
    assertTrue(UserStore.open(file).remove("alice"));
    UserStore.Credentials second = store.credentials();
    assertFalse(first == second, "a rewrite is a new version");
    assertEquals(null, second.of("alice"));
    assertEquals(PasswordHash.fingerprint(FAKE), first.of("alice"), "an old version keeps answering as it was");
  }

  @Test
  void setPasswordReplacesTheHashInPlaceAndChangesTheCredential() throws IOException {
    Path file = usersFile("# admins\nalice:" + realHash + "\nbob:" + FAKE + "\n");
    UserStore server = UserStore.open(file);
    String before = server.credential("alice");

    UserStore cli = UserStore.open(file);
    assertTrue(cli.setPassword("ALICE", "a new passw0rd".toCharArray()));
    List<String> lines = Files.readString(file).lines().toList();
    assertEquals(List.of("# admins", "bob:" + FAKE), List.of(lines.get(0), lines.get(2)), "other lines kept");
    assertTrue(lines.get(1).startsWith("alice:pbkdf2-sha256$600000$") && !lines.get(1).equals("alice:" + realHash), lines.get(1));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    assertFalse(server.holds("alice", before), "the running server sees the new credential");
    assertTrue(server.holds("alice", server.credential("alice")));
    assertEquals(Optional.empty(), server.authenticate("alice", PASSWORD.toCharArray()), "the old password is refused");
    assertEquals(Optional.of(new UserStore.Account("alice", server.credential("alice"))),
        server.authenticate("alice", "a new passw0rd".toCharArray()));
    assertEquals(PasswordHash.fingerprint(FAKE), server.credential("bob"), "bob untouched");
  }

  @Test
  void setPasswordRefusesAnUnknownUserAndAShortPasswordWritingNothing() throws IOException {
    Path file = usersFile("alice:" + FAKE + "\n");
    UserStore store = UserStore.open(file);
    assertFalse(store.setPassword("bob", "long enough password".toCharArray()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.setPassword("alice", "short".toCharArray()));
    assertEquals("a password needs at least 8 characters", e.getMessage());
    assertEquals("alice:" + FAKE + "\n", Files.readString(file));
  }

  @Test
  void removeThenAddWithTheSamePasswordIsANewCredential() throws IOException {
    Path file = usersFile("alice:" + realHash + "\n");
    UserStore store = UserStore.open(file);
    String before = store.credential("alice");
    assertTrue(store.remove("alice"));
    assertTrue(store.add("alice", PASSWORD.toCharArray()));
    assertFalse(store.holds("alice", before), "a new salt: grants of the removed user do not come back");
  }

  @Test
  void crlfLinesAndAMissingFinalNewlineAreRead() throws IOException {
    UserStore store = UserStore.open(usersFile("# x\r\nalice:" + FAKE + "\r\nbob:" + FAKE));
    assertEquals(List.of("alice", "bob"), store.usernames());
  }
}
