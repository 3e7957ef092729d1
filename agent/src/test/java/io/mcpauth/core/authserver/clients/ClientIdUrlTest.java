package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AS-C2 / AS-SEC-44: which client_id values are metadata document URLs (the S vectors run in ClientMetadataDocumentsTest). */
class ClientIdUrlTest {

  @DisplayName("AS-SEC-44: more shapes")
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "https://client.example.com/client.json, true",
      "https://client.example.com/, true",
      "https://client.example.com:8443/client.json, true",
      "https://client.example.com/a/b/c?v=1, true",
      "https://[2606:2800:220:1::1]/client.json, true",
      "https://93.184.216.34/client.json, true",
      "HTTPS://client.example.com/client.json, false",
      "https://client.example.com/a/./client.json, false",
      "https://client.example.com/a/%2e%2E/client.json, false",
      "https://client.example.com/a/%2E/client.json, false",
      "https://client.example.com/..., true",
      "https://client.example.com/client.json#, false",
      "https://@client.example.com/client.json, false",
      "https://client.example.com./client.json, false",
      "https://client.example.com:99999/client.json, false",
      "https://*.example.com/client.json, false",
      "https://0x7f000001/client.json, false",
      "https://0177.0.0.1/client.json, false",
      "https:client.example.com/client.json, false",
      "client-1234, false",
  })
  void shapes(String clientId, boolean url) {
    assertEquals(url, ClientIdUrl.isMetadataDocumentUrl(clientId), () -> String.valueOf(ClientIdUrl.problem(clientId)));
  }

  @Test
  void controlCharactersLengthAndNull() {
    assertFalse(ClientIdUrl.isMetadataDocumentUrl("https://client.example.com/client.json\r\nX: y"));
    assertFalse(ClientIdUrl.isMetadataDocumentUrl("https://client.example.com/cli ent.json"));
    assertFalse(ClientIdUrl.isMetadataDocumentUrl("https://client.example.com/caf\u00e9.json"));
    assertFalse(ClientIdUrl.isMetadataDocumentUrl(null));
    assertTrue(ClientIdUrl.isMetadataDocumentUrl("https://client.example.com/" + "a".repeat(2048 - 27)));
    assertFalse(ClientIdUrl.isMetadataDocumentUrl("https://client.example.com/" + "a".repeat(2048 - 26)));
  }
}
