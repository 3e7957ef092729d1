package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar mcpauth-agent.jar user add|remove|passwd|list}, run from the shipped jar with the password on stdin. */
class UserCommandTest {

  private static final String PASSWORD = "Corr3ct-Horse-Battery";

  @TempDir
  Path dir;

  record Result(int exit, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  private Result cli(String stdin, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", Fixture.agentJar().toAbsolutePath().toString(), "user"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("MCPAUTH_"));
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "user command still running");
    Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    assertFalse(result.all().contains(PASSWORD), "the password appears in the output:\n" + result.all());
    assertFalse(result.all().contains("pbkdf2"), "a hash appears in the output:\n" + result.all());
    return result;
  }

  private Result cli(String stdin, String... args) throws IOException, InterruptedException {
    return cli(stdin, List.of(), args);
  }

  @Test
  void addListRemoveWithThePasswordOnStandardInput() throws Exception {
    Path users = dir.resolve("data/users");
    String file = users.toString();

    Result added = cli(PASSWORD + "\n", "add", "--users-file", file, "--username", "alice");
    assertEquals(0, added.exit(), added.all());
    assertEquals("mcpauth: added user 'alice' to " + file + "\n", added.stdout());
    assertEquals("", added.stderr());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users.getParent())));
    String content = Files.readString(users);
    assertFalse(content.contains(PASSWORD), content);
    assertTrue(content.contains("\nalice:pbkdf2-sha256$600000$"), content);

    Result duplicate = cli(PASSWORD + "\n", "add", "--users-file", file, "--username", "ALICE");
    assertEquals(1, duplicate.exit(), duplicate.all());
    assertTrue(duplicate.stderr().contains("user 'ALICE' already exists") && duplicate.stderr().contains("'user passwd'"),
        duplicate.stderr());

    Result tooShort = cli("short\n", "add", "--users-file", file, "--username", "bob");
    assertEquals(1, tooShort.exit(), tooShort.all());
    assertEquals("mcpauth: a password needs at least 8 characters; nothing was changed\n", tooShort.stderr());

    Result noPassword = cli("", "add", "--users-file", file, "--username", "bob");
    assertEquals(1, noPassword.exit(), noPassword.all());
    assertEquals(content, Files.readString(users), "refusals leave the file alone");

    Result list = cli("", "list", "--users-file", file);
    assertEquals(0, list.exit(), list.all());
    assertEquals("alice\n", list.stdout());

    Result absent = cli("", "remove", "--users-file", file, "--username", "bob");
    assertEquals(1, absent.exit(), absent.all());
    assertEquals("mcpauth: no user 'bob' in " + file + "; nothing was changed\n", absent.stderr());

    Result removed = cli("", "remove", "--users-file", file, "--username", "Alice");
    assertEquals(0, removed.exit(), removed.all());
    assertEquals("mcpauth: removed user 'Alice' from " + file + "\n", removed.stdout());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));

    Result empty = cli("", "list", "--users-file", file);
    assertEquals(0, empty.exit(), empty.all());
    assertEquals("", empty.stdout());
    assertEquals("mcpauth: no users in " + file + "\n", empty.stderr());
  }

  @Test
  void theUsersFileDefaultsToTheDataDirectory() throws Exception {
    Result added = cli(PASSWORD + "\r\n", List.of("-Dmcpauth.as.data=" + dir.resolve("data")), "add", "--username", "carol");
    assertEquals(0, added.exit(), added.all());
    assertTrue(Files.readString(dir.resolve("data/users")).contains("\ncarol:"));

    Result home = cli("", List.of("-Duser.home=" + dir), "list");
    assertEquals(0, home.exit(), home.all());
    assertEquals("mcpauth: no users in " + dir.resolve(".mcpauth/users") + " (the file does not exist yet)\n", home.stderr());
  }

  @Test
  void helpForTheCommandAndEveryVerb() throws Exception {
    Result help = cli("", "--help");
    assertEquals(0, help.exit(), help.all());
    assertTrue(help.stdout().contains("user add --username NAME") && help.stdout().contains("mcpauth.issuer is not set"), help.stdout());
    for (String verb : List.of("add", "remove", "passwd", "list")) {
      Result verbHelp = cli("", verb, "--help");
      assertEquals(0, verbHelp.exit(), verbHelp.all());
      assertTrue(verbHelp.stdout().startsWith("usage: java -jar mcpauth-agent.jar user " + verb), verbHelp.stdout());
      assertTrue(verbHelp.stdout().contains("Exit status"), verbHelp.stdout());
    }

    Process top = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Fixture.agentJar().toAbsolutePath().toString(), "--help").redirectErrorStream(true).start();
    String topHelp = new String(top.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, top.waitFor());
    assertTrue(topHelp.contains("user add|remove|passwd|list") && topHelp.contains("own authorization server"), topHelp);
  }

  @Test
  void usageErrorsExit2WithOneLine() throws Exception {
    String file = dir.resolve("users").toString();
    for (List<String> args : List.of(
        List.of("add", "--users-file", file, "--username", "alice", "--colour", "blue"),
        List.of("add", "--users-file", file),
        List.of("add", "--users-file", file, "--username", "not valid"),
        List.of("list", "--users-file", file, "--username", "alice"),
        List.of("rename", "--username", "alice"),
        List.of("add", "--users-file", file, "--username", "alice", "--password", PASSWORD))) {
      Result result = cli(PASSWORD + "\n", args.toArray(String[]::new));
      assertEquals(2, result.exit(), args + ": " + result.all());
      assertEquals("", result.stdout(), args.toString());
      assertEquals(1, result.stderr().lines().count(), args + ": " + result.stderr());
    }
    assertFalse(Files.exists(dir.resolve("users")), "usage errors write nothing");
  }
}
