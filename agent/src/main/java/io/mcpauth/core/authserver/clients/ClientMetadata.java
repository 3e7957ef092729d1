package io.mcpauth.core.authserver.clients;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the authorization server keeps about a client: registered through DCR (RFC 7591) or read
 * from its Client ID Metadata Document. Built only from validated input ({@link RegistrationRequest},
 * {@link ClientMetadataDocuments}) or from the server's own store ({@link #fromJson}).
 *
 * @param redirectUris registered redirect URIs, compared with {@link RedirectUris#matches}
 * @param clientName unverified text chosen by the client (AS-D4): HTML-escape it wherever it is shown; may be null
 * @param grantTypes a subset of authorization_code, refresh_token, client_credentials and the jwt-bearer grant
 * @param responseTypes {@code ["code"]} or empty (client_credentials only)
 * @param tokenEndpointAuthMethod none, client_secret_basic or client_secret_post
 * @param scope space-separated scopes the client may request, or null for any scope on offer
 * @param applicationType native or web (AS-D3)
 * @param clientUri https link to the client's home page, never fetched; may be null
 * @param logoUri https link to the client's logo, never fetched by the server; may be null
 */
public record ClientMetadata(
    List<String> redirectUris,
    String clientName,
    List<String> grantTypes,
    List<String> responseTypes,
    String tokenEndpointAuthMethod,
    String scope,
    String applicationType,
    String clientUri,
    String logoUri) {

  public ClientMetadata {
    redirectUris = List.copyOf(redirectUris);
    grantTypes = List.copyOf(grantTypes);
    responseTypes = List.copyOf(responseTypes);
    Objects.requireNonNull(tokenEndpointAuthMethod, "tokenEndpointAuthMethod");
    Objects.requireNonNull(applicationType, "applicationType");
  }

  /** A public client: it has no secret and authenticates with PKCE alone. */
  public boolean isPublic() {
    return tokenEndpointAuthMethod.equals("none");
  }

  /** Whether an authorization request may redirect to {@code requested} (AS-07, AS-C5). */
  public boolean allowsRedirect(String requested) {
    for (String registered : redirectUris) {
      if (RedirectUris.matches(registered, requested)) {
        return true;
      }
    }
    return false;
  }

  /** See {@link RedirectUris#select}: the URI to redirect to, or null for an error page. */
  public String redirectUriFor(String requested) {
    return RedirectUris.select(redirectUris, requested);
  }

  /** Whether every redirect URI points at this machine: the consent page then warns (AS-15). */
  public boolean redirectsOnlyToLoopback() {
    return !redirectUris.isEmpty() && redirectUris.stream().allMatch(RedirectUris::isLoopback);
  }

  /** RFC 7591 §2 member names in the RFC's order, nulls left out: the registration response and the store. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("redirect_uris", redirectUris);
    json.put("token_endpoint_auth_method", tokenEndpointAuthMethod);
    json.put("grant_types", grantTypes);
    json.put("response_types", responseTypes);
    putIfPresent(json, "client_name", clientName);
    putIfPresent(json, "client_uri", clientUri);
    putIfPresent(json, "logo_uri", logoUri);
    putIfPresent(json, "scope", scope);
    json.put("application_type", applicationType);
    return json;
  }

  /**
   * Reads what {@link #toJson} wrote to the server's own store. The store is trusted, so values are
   * not validated again, but a member of the wrong type fails loudly: a damaged store fails closed.
   */
  public static ClientMetadata fromJson(Map<String, Object> json) {
    return new ClientMetadata(
        strings(json, "redirect_uris"),
        string(json, "client_name"),
        strings(json, "grant_types"),
        strings(json, "response_types"),
        required(json, "token_endpoint_auth_method"),
        string(json, "scope"),
        required(json, "application_type"),
        string(json, "client_uri"),
        string(json, "logo_uri"));
  }

  private static void putIfPresent(Map<String, Object> json, String name, String value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  private static String required(Map<String, Object> json, String name) {
    String value = string(json, name);
    if (value == null) {
      throw new IllegalArgumentException("stored client metadata: " + name + " is missing");
    }
    return value;
  }

  private static String string(Map<String, Object> json, String name) {
    Object value = json.get(name);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException("stored client metadata: " + name + " is not a string");
    }
    return (String) value;
  }

  private static List<String> strings(Map<String, Object> json, String name) {
    if (!(json.get(name) instanceof List<?> list)) {
      throw new IllegalArgumentException("stored client metadata: " + name + " is not an array");
    }
    for (Object item : list) {
      if (!(item instanceof String)) {
        throw new IllegalArgumentException("stored client metadata: " + name + " holds a non-string");
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) list;
    return strings;
  }
}
