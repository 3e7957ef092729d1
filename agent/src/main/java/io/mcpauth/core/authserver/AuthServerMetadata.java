package io.mcpauth.core.authserver;

import io.mcpauth.core.json.JsonWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC 8414 metadata document (AS-02, AS-03, AS-04, AS-SEC-01). Built once from configuration:
 * nothing in it comes from a request, so a spoofed Host header changes nothing (AS-SEC-02).
 */
final class AuthServerMetadata {

  private final String document;

  AuthServerMetadata(String issuer, List<String> scopes, boolean registration, boolean metadataDocuments,
      boolean identityAssertions) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("issuer", issuer);
    metadata.put("authorization_endpoint", issuer + "/authorize");
    metadata.put("token_endpoint", issuer + "/token");
    if (registration) {
      metadata.put("registration_endpoint", issuer + "/register");
    }
    metadata.put("revocation_endpoint", issuer + "/revoke");
    metadata.put("introspection_endpoint", issuer + "/introspect");
    metadata.put("jwks_uri", issuer + "/jwks");
    metadata.put("response_types_supported", List.of("code"));
    metadata.put("response_modes_supported", List.of("query"));
    List<String> grantTypes = new java.util.ArrayList<>(List.of("authorization_code", "refresh_token", "client_credentials"));
    if (identityAssertions) {
      // ID-JAG §7.2; the trusted IdPs themselves are never published (§8.4).
      grantTypes.add(JwtBearerGrant.GRANT_TYPE);
      metadata.put("authorization_grant_profiles_supported", List.of(JwtBearerGrant.PROFILE));
    }
    metadata.put("grant_types_supported", grantTypes);
    metadata.put("code_challenge_methods_supported", List.of("S256"));
    List<String> authMethods = List.of("none", "client_secret_basic", "client_secret_post");
    metadata.put("token_endpoint_auth_methods_supported", authMethods);
    metadata.put("revocation_endpoint_auth_methods_supported", authMethods);
    metadata.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
    metadata.put("scopes_supported", scopes);
    metadata.put("client_id_metadata_document_supported", metadataDocuments);
    metadata.put("authorization_response_iss_parameter_supported", true);
    this.document = JsonWriter.write(metadata);
  }

  String document() {
    return document;
  }
}
