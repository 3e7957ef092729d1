package io.mcpauth.core.authserver.serviceclients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.authserver.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The service-clients file as the command writes it and the server reads it: two stores on one file. */
class ServiceClientsTest {

  @TempDir
  Path dir;

  private Path file() {
    return dir.resolve("data").resolve("service-clients");
  }

  @Test
  void addStoresOnlyTheHashOfA256BitSecretOwnerOnly() throws IOException {
    ServiceClients store = ServiceClients.open(file());
    ServiceClients.Issued issued = store.add("billing-sync", List.of("mcp:tools", "reports"), 1_000);
    assertEquals(32, Base64.getUrlDecoder().decode(issued.secret()).length, "256 random bits");
    ServiceClient client = store.find("billing-sync");
    assertArrayEquals(Secrets.sha256(issued.secret()), client.secretHash());
    assertEquals(List.of("mcp:tools", "reports"), client.scopes());
    assertEquals(1_000, client.createdAt());
    String text = Files.readString(file());
    assertFalse(text.contains(issued.secret()), "the secret itself is never stored");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    assertNull(store.add("billing-sync", List.of("mcp:tools"), 2_000), "an existing id is refused");
    assertEquals(text, Files.readString(file()), "nothing written for a refused add");
  }

  @Test
  void theServerSeesTheCommandsChangesWithoutRestart() throws IOException {
    ServiceClients server = ServiceClients.open(file());
    assertNull(server.find("svc"));
    ServiceClients command = ServiceClients.open(file());
    ServiceClients.Issued added = command.add("svc", List.of("mcp:tools"), 10);

    ServiceClient seen = server.find("svc");
    assertNotNull(seen, "a token request after 'client add' finds the client");
    server.refresh();
    assertTrue(server.admits(added.client().credentialId(), "svc"));
    assertFalse(server.admits(added.client().credentialId(), "other"), "a credential belongs to one client");
    assertFalse(server.admits(null, "svc"));

    ServiceClients.Issued rotated = ServiceClients.open(file()).rotateSecret("svc", 20);
    assertNotEquals(added.secret(), rotated.secret());
    assertNotEquals(added.client().credentialId(), rotated.client().credentialId());
    assertArrayEquals(Secrets.sha256(rotated.secret()), server.find("svc").secretHash(), "the new secret at once");
    assertTrue(server.admits(rotated.client().credentialId(), "svc"));
    assertFalse(server.admits(added.client().credentialId(), "svc"), "tokens bought with the old secret end");
    assertEquals(10, server.find("svc").createdAt());
    assertEquals(20, server.find("svc").secretSetAt());

    assertTrue(ServiceClients.open(file()).remove("svc"));
    assertFalse(ServiceClients.open(file()).remove("svc"));
    server.refresh();
    assertFalse(server.admits(rotated.client().credentialId(), "svc"), "a removed client's tokens end");
    assertNull(server.find("svc"));

    ServiceClients.Issued again = ServiceClients.open(file()).add("svc", List.of("mcp:tools"), 30);
    server.refresh();
    assertFalse(server.admits(rotated.client().credentialId(), "svc"), "re-adding an id does not revive old tokens");
    assertTrue(server.admits(again.client().credentialId(), "svc"));
    assertNull(ServiceClients.open(file()).rotateSecret("nobody", 40));
  }

  @Test
  void aDamagedFileFailsClosedAndNeverQuotesItsContent() throws IOException {
    ServiceClients server = ServiceClients.open(file());
    ServiceClients.Issued added = ServiceClients.open(file()).add("svc", List.of("mcp:tools"), 10);
    server.refresh();
    assertTrue(server.admits(added.client().credentialId(), "svc"));

    String pasted = "pasted-secret-" + added.secret();
    Files.writeString(file(), "{\"service_clients\":{\"svc\":\"" + pasted + "\"}}");
    IOException e = assertThrows(IOException.class, server::refresh);
    assertFalse(e.getMessage().contains(pasted), e.getMessage());
    assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    assertFalse(server.admits(added.client().credentialId(), "svc"), "no service-client token while the file is damaged");
    assertThrows(IOException.class, () -> server.find("svc"));
    assertThrows(IOException.class, () -> ServiceClients.open(file()));

    for (String damaged : List.of("not json", "{}", "{\"service_clients\":[]}",
        "{\"service_clients\":{\"svc\":{\"secret_sha256\":\"00\",\"credential_id\":\"AAAAAAAAAAAAAAAAAAAAAA\","
            + "\"scope\":\"a\",\"created\":1,\"secret_set\":1}}}",
        "{\"service_clients\":{\"https://x.example\":{}}}")) {
      Files.writeString(file(), damaged);
      assertThrows(IOException.class, server::refresh, damaged);
    }
    Files.delete(file());
    server.refresh();
    assertEquals(List.of(), server.clients(), "no file: no service clients");
  }

  @Test
  void aFileWithOfflineAccessOrNoScopeIsDamaged() throws IOException {
    ServiceClients.open(file()).add("svc", List.of("mcp:tools"), 10);
    String good = Files.readString(file());
    Files.writeString(file(), good.replace("\"scope\":\"mcp:tools\"", "\"scope\":\"mcp:tools offline_access\""));
    assertThrows(IOException.class, () -> ServiceClients.open(file()));
    Files.writeString(file(), good.replace("\"scope\":\"mcp:tools\"", "\"scope\":\"\""));
    assertThrows(IOException.class, () -> ServiceClients.open(file()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"billing-sync", "svc", "a", "svc.example_1", "A1234567890123456789012"})
  void validIds(String id) {
    ServiceClients.checkClientId(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "https://client.example/app", "http://x", "a b", "-svc", ".svc", "svc/1", "svc:1", "é",
      "AbCdEfGhIjKlMnOpQrStUv", "abcdefghijklmnopqrstu_", "0123456789-_0123456789"})
  void refusedIds(String id) {
    // 22 base64url characters is the shape of every id open registration hands out: never a service client's.
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkClientId(id));
  }

  @Test
  void refusedIdLengthAndScopes() {
    ServiceClients.checkClientId("s".repeat(64));
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkClientId("s".repeat(65)));
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkClientId(null));
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkScopes(List.of()));
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkScopes(List.of("offline_access")));
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkScopes(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkScopes(List.of("a\"b")));
    assertThrows(IllegalArgumentException.class, () -> ServiceClients.checkScopes(List.of("")));
    ServiceClients.checkScopes(List.of("mcp:tools", "reports:read"));
  }
}
