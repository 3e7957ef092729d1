package io.mcpauth.core.authserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.authserver.serviceclients.ServiceClients;
import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.json.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by the agent before files carried a format version (format 1, in
 * src/test/resources/datadir-format-1): this agent reads it and migrates it; a file of a newer
 * format is refused whole, with one line naming it and both versions, and left as it was.
 */
class DataFormatTest {

  private static final Path FORMAT_1 = Path.of(System.getProperty("mcpauth.testdata")).resolveSibling("datadir-format-1");
  private static final List<String> JSON_STORES = List.of("keys.json", "clients.json", "grants.json");
  private static final String KID = "SFPsCt6KxbWAd37WP4bAtfEQMnTcmqtE7uoMu-jiHcY";
  private static final String CLIENT = "4BH_TOWocwjXlHhSCkbE2g";

  @TempDir
  Path dir;

  @Test
  void aFormat1DirectoryIsReadAndItsStoresAreRewrittenWithTheirVersion() throws Exception {
    copyFormat1();
    Map<String, Map<String, Object>> before = new LinkedHashMap<>();
    for (String name : JSON_STORES) {
      Map<String, Object> document = parse(dir.resolve(name));
      assertFalse(document.containsKey("format"), name + " of format 1 has no version member");
      before.put(name, document);
    }

    DataDirectory data = DataDirectory.open(dir);
    SigningKeys keys = SigningKeys.open(data, Duration.ofDays(1), 1_796_653_400L);
    ClientStore clients = ClientStore.open(data);
    GrantStore.open(data, 3600);

    assertEquals(KID, keys.active().kid(), "the stored signing key, not a new one");
    assertNotNull(clients.find(CLIENT), "the registered client");
    for (String name : JSON_STORES) {
      String text = Files.readString(dir.resolve(name));
      assertTrue(text.startsWith("{\"format\":1,"), name + ": " + text.substring(0, 40));
      Map<String, Object> after = parse(dir.resolve(name));
      after.remove("format");
      assertEquals(before.get(name), after, name + " changed beyond its version");
      assertFalse(Files.exists(dir.resolve("." + name + ".tmp")), "the crash-safe write leaves no temporary file");
    }
  }

  @Test
  void theOperatorsFilesOfFormat1AreReadAndChangedByTheCommands() throws Exception {
    copyFormat1();
    UserStore users = UserStore.open(dir.resolve("users"));
    assertTrue(users.authenticate("alice", "Corr3ct-Horse-Battery".toCharArray()).isPresent());
    ServiceClients services = ServiceClients.open(dir.resolve("service-clients"));
    assertNotNull(services.find("svc"));

    users.add("bob", "An0ther-Passphrase".toCharArray());
    services.add("svc2", List.of("mcp:tools"), 1_796_653_400L);

    // the users file is the operator's text: kept as written (format 1 without its line) ...
    List<String> lines = Files.readAllLines(dir.resolve("users"));
    assertTrue(lines.get(0).startsWith("# mcpauth users"), lines.get(0));
    assertTrue(users.authenticate("alice", "Corr3ct-Horse-Battery".toCharArray()).isPresent());
    assertTrue(users.authenticate("bob", "An0ther-Passphrase".toCharArray()).isPresent());
    // ... and one the agent creates says its format
    UserStore created = UserStore.open(dir.resolve("new-users"));
    created.add("carol", "Th1rd-Passphrase".toCharArray());
    assertEquals("# format: 1", Files.readAllLines(dir.resolve("new-users")).get(0));
    assertTrue(created.authenticate("carol", "Th1rd-Passphrase".toCharArray()).isPresent());
    Map<String, Object> serviceClients = parse(dir.resolve("service-clients"));
    assertEquals(1L, ((Number) serviceClients.get("format")).longValue());
    assertEquals(2, ((Map<?, ?>) serviceClients.get("service_clients")).size());
    assertNotNull(ServiceClients.open(dir.resolve("service-clients")).find("svc"));
  }

  @Test
  void aNewerStoreIsRefusedWithOneLineNamingTheFileAndBothVersionsAndLeftUntouched() throws Exception {
    for (String name : JSON_STORES) {
      Path copy = Files.createDirectories(dir.resolve(name + "-newer"));
      copyFormat1(copy);
      Path file = copy.resolve(name);
      Files.writeString(file, Files.readString(file).replaceFirst("^\\{", "{\"format\":2,"));
      byte[] newer = Files.readAllBytes(file);

      DataDirectory data = DataDirectory.open(copy);
      IOException refused = assertThrows(IOException.class, () -> {
        SigningKeys.open(data, Duration.ofDays(1), 1_796_653_400L);
        ClientStore.open(data);
        GrantStore.open(data, 3600);
      });
      assertRefusal(refused, file, 2);
      assertEquals(new String(newer), Files.readString(file), "a refused file is never rewritten");
    }
  }

  @Test
  void newerOperatorFilesAreRefusedToo() throws Exception {
    copyFormat1();
    Path users = dir.resolve("users");
    Files.writeString(users, "# format: 3\n" + Files.readString(users));
    assertRefusal(assertThrows(IOException.class, () -> UserStore.open(users).usernames()), users, 3);

    Path services = dir.resolve("service-clients");
    Files.writeString(services, Files.readString(services).replaceFirst("^\\{", "{\"format\":2,"));
    assertRefusal(assertThrows(IOException.class, () -> ServiceClients.open(services).clients()), services, 2);
  }

  @Test
  void aFormatThatIsNoVersionIsDamage() throws Exception {
    copyFormat1();
    Path keys = dir.resolve("keys.json");
    Files.writeString(keys, Files.readString(keys).replaceFirst("^\\{", "{\"format\":\"1\","));
    IOException refused = assertThrows(IOException.class, () -> SigningKeys.open(DataDirectory.open(dir), Duration.ofDays(1), 0));
    assertTrue(refused.getMessage().contains(keys.toString()) && refused.getMessage().contains("no valid format version"),
        refused.getMessage());
  }

  private static void assertRefusal(IOException refused, Path file, int version) {
    String message = refused.getMessage();
    assertFalse(message.contains("\n"), "one line: " + message);
    assertTrue(message.contains(file.toString()), message);
    assertTrue(message.contains("format version " + version), message);
    assertTrue(message.contains("format " + DataFormat.CURRENT + " at most"), message);
  }

  private void copyFormat1() throws IOException {
    copyFormat1(dir);
  }

  private static void copyFormat1(Path target) throws IOException {
    try (Stream<Path> files = Files.list(FORMAT_1)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().endsWith(".md")).toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
    }
  }

  private static Map<String, Object> parse(Path file) throws Exception {
    return StrictJson.parseObject(Files.readString(file), file.getFileName().toString());
  }
}
