package io.mcpauth.core.authserver.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.config.ConfigSources;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command's argument handling, in process and without hashing; the shipped jar is tested in agent-tests. */
class UserCommandArgumentsTest {

  @TempDir
  Path dir;

  record Outcome(int exit, String out, String err) {}

  private Outcome run(String stdin, Properties settings, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    UserCommand command = new UserCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        null, ConfigSources.of(settings, Map.of()));
    int exit = command.execute(args);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Outcome run(String... args) {
    return run("", new Properties(), args);
  }

  @Test
  void helpForTheCommandAndEachVerb() {
    assertEquals(0, run("--help").exit());
    assertTrue(run("--help").out().contains("user add|remove|passwd|list"));
    assertEquals(2, run().exit(), "no verb is a usage error");
    for (String verb : new String[] {"add", "remove", "passwd", "list"}) {
      Outcome help = run(verb, "--help");
      assertEquals(0, help.exit(), verb);
      assertTrue(help.out().startsWith("usage: java -jar mcpauth-agent.jar user " + verb), help.out());
    }
    assertTrue(run("add", "-h").out().contains("at least 8 characters"));
    assertTrue(run("passwd", "-h").out().contains("at least 8 characters"));
    assertTrue(run("passwd", "--help").out().contains("revokes the user's refresh and access tokens"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "frobnicate",
      "add --users-file F",
      "add --username alice --users-file",
      "add --username alice --username bob --users-file F",
      "add --username alice --users-file F --color",
      "add --username= --users-file F",
      "add --username alice --users-file F extra",
      "add --username bad:name --users-file F",
      "remove --users-file F",
      "passwd --users-file F",
      "passwd --username alice --users-file F extra",
      "list --users-file F --username alice",
  })
  void usageErrorsAreOneLineAndExit2(String line) {
    Outcome outcome = run(line.replace("F", dir.resolve("users").toString()).split(" "));
    assertEquals(2, outcome.exit(), outcome.err());
    assertEquals(1, outcome.err().lines().count(), outcome.err());
    assertTrue(outcome.err().startsWith("mcpauth: user: "), outcome.err());
    assertFalse(Files.exists(dir.resolve("users")));
  }

  @Test
  void aPasswordOnTheCommandLineIsRefusedAndNeverRepeated() {
    Outcome asOption = run("add", "--username", "alice", "--password=Tr0ub4dor&3");
    assertEquals(2, asOption.exit());
    assertTrue(asOption.err().contains("never taken from the command line"), asOption.err());
    Outcome forPasswd = run("passwd", "--username", "alice", "--password", "Tr0ub4dor&3");
    assertEquals(2, forPasswd.exit());
    assertTrue(forPasswd.err().contains("'user passwd' ask for it"), forPasswd.err());
    assertFalse((forPasswd.err() + forPasswd.out()).contains("Tr0ub4dor"));
    Outcome stray = run("add", "--username", "alice", "Tr0ub4dor&3");
    assertEquals(2, stray.exit());
    assertTrue(stray.err().contains("unknown argument #3"), stray.err());
    assertFalse((asOption.err() + stray.err() + asOption.out() + stray.out()).contains("Tr0ub4dor"));
  }

  @Test
  void shortOrMissingPasswordsAreRefusedWithExit1() {
    String file = dir.resolve("users").toString();
    Outcome empty = run("", new Properties(), "add", "--username", "alice", "--users-file", file);
    assertEquals(1, empty.exit());
    assertEquals("mcpauth: no password on standard input (give it as one line); nothing was changed\n", empty.err());
    Outcome tooShort = run("1234567\n", new Properties(), "add", "--username", "alice", "--users-file", file);
    assertEquals(1, tooShort.exit());
    assertEquals("mcpauth: a password needs at least 8 characters; nothing was changed\n", tooShort.err());
    assertFalse(Files.exists(dir.resolve("users")));
  }

  @Test
  void passwdChangesAnExistingUsersHashAndRefusesAnUnknownOneWithExit1() throws Exception {
    Path file = dir.resolve("users");
    String fake = "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    Files.writeString(file, "alice:" + fake + "\n");
    Outcome unknown = run("long enough password\n", new Properties(), "passwd", "--username", "bob", "--users-file", file.toString());
    assertEquals(1, unknown.exit());
    assertEquals("mcpauth: no user 'bob' in " + file + "; to add one, 'user add'; nothing was changed\n", unknown.err());
    Outcome tooShort = run("1234567\n", new Properties(), "passwd", "--username", "alice", "--users-file", file.toString());
    assertEquals(1, tooShort.exit());
    assertEquals("mcpauth: a password needs at least 8 characters; nothing was changed\n", tooShort.err());
    Outcome none = run("", new Properties(), "passwd", "--username", "alice", "--users-file", file.toString());
    assertEquals(1, none.exit());
    assertEquals("alice:" + fake + "\n", Files.readString(file), "nothing changed");

    Outcome changed = run("long enough password\n", new Properties(), "passwd", "--username", "ALICE", "--users-file", file.toString());
    assertEquals(0, changed.exit(), changed.err());
    assertEquals("mcpauth: changed the password of user 'ALICE' in " + file + "\n", changed.out());
    String content = Files.readString(file);
    assertTrue(content.startsWith("alice:pbkdf2-sha256$600000$") && !content.contains(fake), "the line keeps its spelling");
    assertTrue(UserStore.open(file).authenticate("alice", "long enough password".toCharArray()).isPresent());
    assertFalse((changed.out() + changed.err()).contains("long enough password") || (changed.out() + changed.err()).contains("pbkdf2"));
  }

  @Test
  void theUsersFileDefaultsToTheSettingsThenTheDataDirectory() {
    Properties settings = new Properties();
    settings.setProperty("mcpauth.as.data", dir.resolve("data").toString());
    Outcome list = run("", settings, "list");
    assertEquals(0, list.exit());
    assertEquals("mcpauth: no users in " + dir.resolve("data/users") + " (the file does not exist yet)\n", list.err());

    settings.setProperty("mcpauth.as.users", dir.resolve("elsewhere").toString());
    assertTrue(run("", settings, "list").err().contains(dir.resolve("elsewhere").toString()));

    assertEquals(Path.of(System.getProperty("user.home"), ".mcpauth", "users"),
        UsersFileLocation.of(ConfigSources.of(new Properties(), Map.of())));
    assertEquals(Path.of(System.getProperty("user.home"), "u"),
        UsersFileLocation.of(ConfigSources.of(new Properties(), Map.of("MCPAUTH_AS_USERS", "~/u"))));
    assertEquals(Path.of("").toAbsolutePath().resolve("rel/users"),
        UsersFileLocation.of(ConfigSources.of(new Properties(), Map.of("MCPAUTH_AS_USERS", "./rel/x/../users"))),
        "absolute, as the server shows it");
  }

  @Test
  void aDamagedFileFailsWithExit1AndNamesTheLine() throws Exception {
    Path file = dir.resolve("users");
    Files.writeString(file, "alice\n");
    Outcome list = run("list", "--users-file", file.toString());
    assertEquals(1, list.exit());
    assertEquals("mcpauth: " + file + " line 1: expected username:password-hash; the users file is damaged"
        + " (fix the line, or restore the file)\n", list.err());
  }
}
