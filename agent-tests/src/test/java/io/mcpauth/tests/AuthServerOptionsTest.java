package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.LocalhostCertificate;
import io.mcpauth.tests.support.OAuthDriver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded authorization server's switches: TLS, Dynamic Client Registration and metadata documents off. */
class AuthServerOptionsTest {

  private static final String PASSWORD = "options-store";

  @Test
  @DisplayName("AS-08: with a keystore the server speaks https, its issuer is https; DCR and CIMD can be switched off")
  void tlsWithoutRegistration(@TempDir Path dir) throws Exception {
    LocalhostCertificate certificate = LocalhostCertificate.create(dir, "as", PASSWORD);
    int asPort = Fixture.freePort();
    try (Fixture fixture = Fixture.builder()
        .property("mcpauth.as.port", String.valueOf(asPort))
        .property("mcpauth.as.data", dir.resolve("data").toString())
        .property("mcpauth.as.tls.keystore", certificate.keystore().toString())
        .env("MCPAUTH_AS_TLS_KEYSTORE_PASSWORD", PASSWORD)
        .property("mcpauth.as.dcr", "false")
        .property("mcpauth.as.cimd", "false")
        .start()) {
      String issuer = "https://localhost:" + asPort;
      HttpClient https = HttpClient.newBuilder().sslContext(certificate.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> metadata = awaitMetadata(https, issuer);
      Map<String, Object> document = OAuthDriver.json(metadata.body());
      assertEquals(issuer, document.get("issuer"));
      assertEquals(issuer + "/token", document.get("token_endpoint"));
      assertFalse(document.containsKey("registration_endpoint"), "no registration endpoint when DCR is off");
      assertEquals(Boolean.FALSE, document.get("client_id_metadata_document_supported"));
      HttpResponse<String> register = https.send(HttpRequest.newBuilder(URI.create(issuer + "/register"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"]}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, register.statusCode());
      HttpResponse<String> prm = https.send(HttpRequest.newBuilder(URI.create(
          "http://localhost:" + fixture.port() + "/.well-known/oauth-protected-resource")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(prm.body().contains("\"authorization_servers\":[\"" + issuer + "\"]"), prm.body());
      assertFalse(fixture.output().contains(PASSWORD), "the keystore password is never logged");
    }
  }

  private static HttpResponse<String> awaitMetadata(HttpClient https, String issuer) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        return https.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/oauth-authorization-server")).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException notYet) {
        last = notYet;
        Thread.sleep(100);
      }
    }
    throw new AssertionError("no https metadata at " + issuer, last);
  }
}
