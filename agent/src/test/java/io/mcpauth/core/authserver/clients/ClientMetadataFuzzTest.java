package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;
import java.util.Set;

/**
 * Client metadata on any bytes, read as a fetched Client ID Metadata Document and as a dynamic
 * registration request. A refusal is a ClientMetadataException. Accepted metadata keeps only
 * redirect URIs that pass the registration rules (at most 20), a bounded client name, https links
 * or none, only offered scopes for a registration, no secret and method none for a document, and
 * it survives the store's JSON form unchanged.
 */
class ClientMetadataFuzzTest {

  private static final String CLIENT_ID = "https://client.example/app.json";
  private static final Set<String> OFFERED = Set.of("mcp:tools", "mcp:read", "offline_access");

  @FuzzTest
  void acceptedMetadataKeepsTheRules(byte[] body) {
    Map<String, Object> json;
    try {
      json = ClientMetadataDocuments.parse(body);
    } catch (ClientMetadataException refused) {
      return;
    }
    try {
      ClientMetadata document = ClientIdMetadataDocument.validate(json, CLIENT_ID);
      assertEquals(CLIENT_ID, json.get("client_id"));
      assertFalse(json.containsKey("client_secret"));
      assertEquals("none", document.tokenEndpointAuthMethod());
      assertTrue(document.grantTypes().contains("authorization_code"));
      check(document);
    } catch (ClientMetadataException refused) {
      // refused as a document
    }
    try {
      ClientMetadata registered = RegistrationRequest.validate(json, OFFERED);
      assertFalse(json.containsKey("client_id") || json.containsKey("client_secret"));
      if (registered.scope() != null) {
        for (String scope : registered.scope().split(" ")) {
          assertTrue(OFFERED.contains(scope), scope);
        }
      }
      check(registered);
    } catch (ClientMetadataException refused) {
      // refused as a registration
    }
  }

  private static void check(ClientMetadata metadata) {
    assertTrue(metadata.redirectUris().size() <= MetadataReader.MAX_REDIRECT_URIS);
    for (String uri : metadata.redirectUris()) {
      assertNull(RedirectUris.registrationProblem(uri), uri);
    }
    if (metadata.clientName() != null) {
      assertTrue(metadata.clientName().codePointCount(0, metadata.clientName().length()) <= MetadataReader.MAX_CLIENT_NAME);
      assertTrue(metadata.clientName().chars().noneMatch(Character::isISOControl), metadata.clientName());
    }
    for (String link : new String[] {metadata.clientUri(), metadata.logoUri()}) {
      assertTrue(link == null || MetadataReader.webUriProblem(link) == null, link);
    }
    assertEquals(metadata, ClientMetadata.fromJson(metadata.toJson()));
  }
}
