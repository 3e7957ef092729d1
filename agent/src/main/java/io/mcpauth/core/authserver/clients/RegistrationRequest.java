package io.mcpauth.core.authserver.clients;

import static io.mcpauth.core.authserver.clients.ClientMetadataException.INVALID_CLIENT_METADATA;
import static io.mcpauth.core.authserver.clients.ClientMetadataException.INVALID_REDIRECT_URI;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks on a Dynamic Client Registration request body (RFC 7591 §2, §3.2.2; AS-D1..D4,
 * AS-SEC-39..42). The caller parses the body with {@code StrictJson} (duplicate members are a
 * 400 there, AS-SEC-40) and caps its size; everything else is checked here.
 *
 * <p>Members this server does not use (contacts, jwks_uri, software_id, language-tagged names, ...)
 * are ignored and not kept (AS-SEC-41). A JSON null counts as an absent member.
 */
public final class RegistrationRequest {

  /** RFC 7523 with an identity assertion (ID-JAG): the enterprise-managed authorization grant. */
  public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", JWT_BEARER);
  private static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_basic", "client_secret_post");

  private RegistrationRequest() {}

  /**
   * The metadata to register for {@code body}.
   *
   * @param scopesOnOffer the scopes this server offers; requested ones outside it are dropped
   * @throws ClientMetadataException {@code invalid_redirect_uri} or {@code invalid_client_metadata}
   */
  public static ClientMetadata validate(Map<String, Object> body, Set<String> scopesOnOffer) throws ClientMetadataException {
    if (body == null) {
      throw new ClientMetadataException(INVALID_CLIENT_METADATA, "the registration request is not a JSON object");
    }
    MetadataReader reader = new MetadataReader(body, INVALID_CLIENT_METADATA, INVALID_REDIRECT_URI);
    // RFC 7591 §3.2.1: the server issues both. A client that picked its own client_id could take
    // over another client's identity, or claim an https one that means a metadata document (AS-SEC-41, 47).
    if (reader.has("client_id") || reader.has("client_secret")) {
      throw reader.refuse("client_id and client_secret are issued by the server, not chosen by the client");
    }
    String authMethod = authMethod(reader);
    List<String> grantTypes = grantTypes(reader);
    if (grantTypes.contains(JWT_BEARER) && authMethod.equals("none")) {
      throw reader.refuse(JWT_BEARER + " needs a confidential client (token_endpoint_auth_method client_secret_basic "
          + "or client_secret_post): an identity assertion is redeemed only by the client it names, proven");
    }
    List<String> responseTypes = responseTypes(reader, grantTypes);
    List<String> redirectUris = reader.redirectUris();
    if (grantTypes.contains("authorization_code") && redirectUris.isEmpty()) {
      throw new ClientMetadataException(INVALID_REDIRECT_URI, "redirect_uris is required for the authorization_code grant");
    }
    return new ClientMetadata(
        redirectUris,
        reader.clientName(),
        grantTypes,
        responseTypes,
        authMethod,
        reader.scope(scopesOnOffer),
        reader.applicationType(redirectUris),
        reader.webUri("client_uri"),
        reader.webUri("logo_uri"));
  }

  /** Default client_secret_basic (RFC 7591 §2, AS-D2). */
  private static String authMethod(MetadataReader reader) throws ClientMetadataException {
    String method = reader.string("token_endpoint_auth_method");
    if (method == null) {
      return "client_secret_basic";
    }
    if (!AUTH_METHODS.contains(method)) {
      throw reader.refuse("token_endpoint_auth_method must be none, client_secret_basic or client_secret_post");
    }
    return method;
  }

  /**
   * Default authorization_code. Never implicit or password (OAuth 2.1, AS-01). A refresh token only
   * ever comes from an authorization code here. Never client_credentials: RFC 6749 §4.4 is for a
   * client arranged beforehand, and anyone who can reach /register would otherwise get tokens that
   * no user approved; the operator creates such clients with {@code client add}.
   */
  private static List<String> grantTypes(MetadataReader reader) throws ClientMetadataException {
    List<String> grantTypes = reader.strings("grant_types");
    if (grantTypes == null) {
      return List.of("authorization_code");
    }
    if (grantTypes.isEmpty()) {
      throw reader.refuse("grant_types is empty");
    }
    if (grantTypes.contains("client_credentials")) {
      throw reader.refuse("client_credentials cannot be registered here: a registered client gets tokens only "
          + "through a user's consent. Machine clients are created by the operator with "
          + "'java -jar mcpauth-agent.jar client add'");
    }
    if (!GRANT_TYPES.containsAll(grantTypes)) {
      throw reader.refuse("grant_types may hold only authorization_code, refresh_token and " + JWT_BEARER);
    }
    if (grantTypes.contains("refresh_token") && !grantTypes.contains("authorization_code")) {
      throw reader.refuse("grant_types has refresh_token without authorization_code");
    }
    return grantTypes;
  }

  /** RFC 7591 §2.1: code goes with authorization_code, which every registered client has; the default is code. */
  private static List<String> responseTypes(MetadataReader reader, List<String> grantTypes) throws ClientMetadataException {
    boolean authorizationCode = grantTypes.contains("authorization_code");
    List<String> responseTypes = reader.strings("response_types");
    if (responseTypes == null) {
      return authorizationCode ? List.of("code") : List.of();
    }
    if (!Set.of("code").containsAll(responseTypes)) {
      throw reader.refuse("response_types may hold only code");
    }
    if (responseTypes.contains("code") != authorizationCode) {
      throw reader.refuse("grant_types and response_types do not agree: authorization_code goes with code");
    }
    return responseTypes;
  }
}
