package io.mcpauth.core.authserver.serviceclients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.authserver.Secrets;
import io.mcpauth.core.config.ConfigSources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code client add|remove|list|rotate-secret} in process; the shipped jar is run by agent-tests. */
class ClientCommandTest {

  @TempDir
  Path dir;

  record Outcome(int exit, String out, String err) {
    String all() {
      return out + err;
    }

    /** The value of a {@code name=value} line on standard output. */
    String value(String name) {
      return out.lines().filter(line -> line.startsWith(name + "=")).map(line -> line.substring(name.length() + 1))
          .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in: " + out));
    }
  }

  private Outcome run(Properties settings, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ClientCommand command = new ClientCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), ConfigSources.of(settings, Map.of()),
        Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC));
    int exit = command.execute(args);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Outcome run(String... args) {
    String[] withFile = Arrays.copyOf(args, args.length + 2);
    withFile[args.length] = "--clients-file";
    withFile[args.length + 1] = file().toString();
    return run(new Properties(), args.length == 0 || args[args.length - 1].equals("--help") ? args : withFile);
  }

  private Path file() {
    return dir.resolve("service-clients");
  }

  @Test
  void helpForTheCommandAndEachVerb() {
    assertEquals(0, run("--help").exit());
    assertTrue(run("--help").out().contains("client add|remove|list|rotate-secret"));
    assertEquals(2, run().exit(), "no verb is a usage error");
    for (String verb : List.of("add", "remove", "list", "rotate-secret")) {
      Outcome help = run(verb, "--help");
      assertEquals(0, help.exit(), verb);
      assertTrue(help.out().startsWith("usage: java -jar mcpauth-agent.jar client " + verb), help.out());
    }
  }

  @Test
  void addPrintsTheSecretOnceAndStoresItsHash() throws IOException {
    Outcome added = run("add", "--client-id", "billing-sync", "--scope", "mcp:tools reports");
    assertEquals(0, added.exit(), added.all());
    assertEquals("billing-sync", added.value("client_id"));
    String secret = added.value("client_secret");
    assertEquals(2, added.out().lines().count(), "standard output holds just the two lines: " + added.out());
    assertFalse(added.err().contains(secret), "the secret is on standard output only");
    String stored = Files.readString(file());
    assertFalse(stored.contains(secret));
    assertTrue(stored.contains(java.util.HexFormat.of().formatHex(Secrets.sha256(secret))));
    assertTrue(added.err().contains("note: reports not in mcpauth.as.scopes"), added.err());

    Outcome list = run("list");
    assertEquals(0, list.exit());
    assertEquals("billing-sync\tmcp:tools reports\n", list.out());
    assertFalse(list.all().contains(secret));

    Outcome again = run("add", "--client-id", "billing-sync", "--scope", "mcp:tools");
    assertEquals(1, again.exit(), "an existing client is refused");
    assertTrue(again.err().contains("already exists"), again.err());
    assertTrue(again.out().isEmpty(), "no secret printed for a refused add");
  }

  @Test
  void rotateSecretAndRemove() throws IOException {
    String first = run("add", "--client-id", "svc", "--scope", "mcp:tools").value("client_secret");
    Outcome rotated = run("rotate-secret", "--client-id", "svc");
    assertEquals(0, rotated.exit(), rotated.all());
    String second = rotated.value("client_secret");
    assertNotEquals(first, second);
    ServiceClient client = ServiceClients.open(file()).find("svc");
    assertFalse(Secrets.matches(first, client.secretHash()), "the old secret stops working");
    assertTrue(Secrets.matches(second, client.secretHash()));
    assertEquals(List.of("mcp:tools"), client.scopes(), "the scopes stay");

    assertEquals(0, run("remove", "--client-id", "svc").exit());
    Outcome gone = run("remove", "--client-id", "svc");
    assertEquals(1, gone.exit());
    assertTrue(gone.err().contains("no service client 'svc'"), gone.err());
    assertEquals(1, run("rotate-secret", "--client-id", "svc").exit());
    Outcome empty = run("list");
    assertEquals(0, empty.exit());
    assertEquals("", empty.out());
    assertTrue(empty.err().contains("no service clients"), empty.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "frobnicate",
      "add --client-id svc",
      "add --scope mcp:tools",
      "add --client-id svc --scope",
      "add --client-id svc --scope offline_access",
      "add --client-id svc --scope mcp:tools --scope x",
      "add --client-id https://client.example/app --scope mcp:tools",
      "add --client-id AbCdEfGhIjKlMnOpQrStUv --scope mcp:tools",
      "add --client-id svc --scope mcp:tools --bogus 1",
      "remove",
      "rotate-secret --client-id svc --scope mcp:tools",
      "list --client-id svc"})
  void usageErrors(String line) {
    Outcome outcome = run(line.split(" "));
    assertEquals(2, outcome.exit(), line + ": " + outcome.all());
    assertTrue(outcome.err().startsWith("mcpauth: client: "), outcome.err());
    assertFalse(Files.exists(file()), "nothing written");
  }

  @Test
  void aSecretIsNeverTakenFromTheCommandLineNorRepeated() {
    for (String option : List.of("--client-secret", "--secret")) {
      Outcome outcome = run("add", "--client-id", "svc", "--scope", "mcp:tools", option, "s3cr3t-value");
      assertEquals(2, outcome.exit());
      assertTrue(outcome.err().contains("never taken from the command line"), outcome.err());
      assertFalse(outcome.all().contains("s3cr3t-value"));
    }
    Outcome stray = run("add", "--client-id", "svc", "--scope", "mcp:tools", "s3cr3t-value");
    assertEquals(2, stray.exit());
    assertFalse(stray.all().contains("s3cr3t-value"), "a stray argument is named by position only");
  }

  @Test
  void defaultFileIsInTheDataDirectoryOrTheConfiguredOne() {
    Properties data = new Properties();
    data.setProperty("mcpauth.as.data", dir.resolve("data").toString());
    assertEquals(dir.resolve("data").resolve("service-clients"), ServiceClientsLocation.of(ConfigSources.of(data, Map.of())));
    assertEquals(0, run(data, "add", "--client-id", "svc", "--scope", "mcp:tools").exit());
    assertTrue(Files.exists(dir.resolve("data").resolve("service-clients")));

    Properties named = new Properties();
    named.setProperty("mcpauth.as.service-clients", dir.resolve("elsewhere").toString());
    named.setProperty("mcpauth.as.data", dir.resolve("data").toString());
    assertEquals(dir.resolve("elsewhere"), ServiceClientsLocation.of(ConfigSources.of(named, Map.of())));
    assertEquals(Path.of(System.getProperty("user.home"), ".mcpauth", "service-clients"),
        ServiceClientsLocation.of(ConfigSources.of(new Properties(), Map.of())));
  }

  @Test
  void aDamagedFileIsRefusedWithoutQuotingIt() throws IOException {
    Files.writeString(file(), "client_secret=do-not-print-me\n");
    Outcome outcome = run("list");
    assertEquals(1, outcome.exit());
    assertTrue(outcome.err().contains("damaged"), outcome.err());
    assertFalse(outcome.all().contains("do-not-print-me"), outcome.err());
    assertEquals(1, run("add", "--client-id", "svc", "--scope", "mcp:tools").exit());
  }
}
