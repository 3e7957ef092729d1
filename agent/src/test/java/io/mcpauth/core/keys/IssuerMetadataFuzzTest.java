package io.mcpauth.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcpauth.core.json.ReferenceJson;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Authorization-server metadata on any text: a refusal is an IOException; an accepted document
 * names exactly the configured issuer, and its jwks_uri, returned as written, is an absolute
 * https URL with a host (http only for an http issuer).
 */
class IssuerMetadataFuzzTest {

  private static final URI ISSUER = URI.create("https://as.example.com/tenant");
  private static final URI HTTP_ISSUER = URI.create("http://127.0.0.1:9000");

  @FuzzTest
  void acceptedMetadataNamesTheIssuer(byte[] input) {
    String json = new String(input, StandardCharsets.UTF_8);
    check(json, ISSUER);
    check(json, HTTP_ISSUER);
  }

  private static void check(String json, URI issuer) {
    URI jwks;
    try {
      jwks = IssuerMetadata.jwksUriFrom(json, issuer);
    } catch (IOException refused) {
      return;
    }
    Map<?, ?> metadata = (Map<?, ?>) ReferenceJson.read(json.getBytes(StandardCharsets.UTF_8));
    assertNotNull(metadata, "Jackson refuses accepted metadata");
    assertEquals(issuer.toString(), metadata.get("issuer"));
    assertEquals(metadata.get("jwks_uri"), jwks.toString());
    assertTrue(jwks.isAbsolute() && !jwks.isOpaque() && jwks.getHost() != null, "jwks_uri without a host: " + jwks);
    assertTrue("https".equals(jwks.getScheme()) || "http".equals(issuer.getScheme()) && "http".equals(jwks.getScheme()));
  }
}
