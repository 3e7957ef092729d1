package io.mcpauth.core.authserver.clients;

import static io.mcpauth.core.authserver.clients.ClientMetadataException.INVALID_CLIENT;

import java.util.List;
import java.util.Map;

/**
 * The checks on a fetched Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document
 * §4.1; AS-C4, AS-C6, AS-SEC-47). Every refusal is {@code invalid_client}: the client cannot be
 * identified (AS-C3).
 *
 * <p>The document describes a public client: it holds no secret and cannot use a shared-secret
 * method. {@code private_key_jwt} (AS-C6's other option) is not supported yet and refused as such.
 * Grant types this server does not offer to such a client are left out rather than refused,
 * because one document serves every authorization server the client talks to; so are
 * {@code client_uri} and {@code logo_uri} values that would be refused at registration.
 */
final class ClientIdMetadataDocument {

  private ClientIdMetadataDocument() {}

  static ClientMetadata validate(Map<String, Object> document, String clientIdUrl) throws ClientMetadataException {
    MetadataReader reader = new MetadataReader(document, INVALID_CLIENT, INVALID_CLIENT);
    // Simple string comparison, no normalization (AS-C2, AS-C4).
    if (!clientIdUrl.equals(reader.string("client_id"))) {
      throw reader.refuse("the document's client_id is not the URL it was fetched from");
    }
    String clientName = reader.clientName();
    if (clientName == null) {
      throw reader.refuse("the document has no client_name");
    }
    if (reader.has("client_secret")) {
      throw reader.refuse("the document holds a client_secret");
    }
    String method = reader.string("token_endpoint_auth_method");
    if ("private_key_jwt".equals(method)) {
      throw reader.refuse("token_endpoint_auth_method private_key_jwt is not supported by this server");
    }
    if (method != null && !method.equals("none")) {
      throw reader.refuse("the document's token_endpoint_auth_method must be none");
    }
    List<String> redirectUris = reader.redirectUris();
    if (redirectUris.isEmpty()) {
      throw reader.refuse("the document has no redirect_uris");
    }
    List<String> responseTypes = reader.strings("response_types");
    if (responseTypes != null && !responseTypes.contains("code")) {
      throw reader.refuse("the document's response_types do not include code");
    }
    return new ClientMetadata(
        redirectUris,
        clientName,
        grantTypes(reader),
        List.of("code"),
        "none",
        reader.scope(null),
        reader.applicationType(redirectUris),
        linkOrNull(reader, "client_uri"),
        linkOrNull(reader, "logo_uri"));
  }

  /** authorization_code, plus refresh_token when the document lists it (RFC 7591 §2 default: authorization_code). */
  private static List<String> grantTypes(MetadataReader reader) throws ClientMetadataException {
    List<String> listed = reader.strings("grant_types");
    if (listed == null) {
      return List.of("authorization_code");
    }
    if (!listed.contains("authorization_code")) {
      throw reader.refuse("the document's grant_types do not include authorization_code");
    }
    return listed.contains("refresh_token") ? List.of("authorization_code", "refresh_token") : List.of("authorization_code");
  }

  private static String linkOrNull(MetadataReader reader, String name) throws ClientMetadataException {
    String uri = reader.string(name);
    return uri != null && MetadataReader.webUriProblem(uri) == null ? uri : null;
  }
}
