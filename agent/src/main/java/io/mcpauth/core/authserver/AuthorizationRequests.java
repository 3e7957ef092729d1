package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.clients.ClientMetadataException;
import io.mcpauth.core.authserver.clients.RedirectUris;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and checks an {@code /authorize} request (OAuth 2.1 §4.1.1, RFC 7636, RFC 8707), in the
 * order that decides whether an error may redirect: the client and its redirect URI first, and
 * only then everything else.
 */
final class AuthorizationRequests {

  private static final Pattern CODE_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final int MAX_QUERY_LENGTH = 16_384;

  private final Clients clients;
  private final ResourcePolicy resources;
  private final List<String> scopesOnOffer;
  private final AuthorizationResponses responses;

  AuthorizationRequests(Clients clients, ResourcePolicy resources, List<String> scopesOnOffer,
      AuthorizationResponses responses) {
    this.clients = clients;
    this.resources = resources;
    this.scopesOnOffer = scopesOnOffer;
    this.responses = responses;
  }

  /** The valid request of a GET query or a POST body; null when the exchange has been answered. */
  AuthorizationRequest read(Exchange exchange) throws IOException {
    Parameters parameters = parameters(exchange);
    return parameters == null ? null : validate(exchange, parameters);
  }

  private Parameters parameters(Exchange exchange) throws IOException {
    try {
      String query = exchange.method().equals("POST") ? exchange.body(MAX_QUERY_LENGTH) : exchange.rawQuery();
      if (query != null && query.length() > MAX_QUERY_LENGTH) {
        responses.errorPage(exchange, 414, "Request too long", "The authorization request is too long.");
        return null;
      }
      return Parameters.parse(query);
    } catch (Parameters.MalformedException e) {
      responses.errorPage(exchange, 400, "Invalid request", e.getMessage());
    } catch (OAuthError e) {
      responses.errorPage(exchange, e.status, "Invalid request", e.getMessage());
    }
    return null;
  }

  private AuthorizationRequest validate(Exchange exchange, Parameters parameters) throws IOException {
    String clientId;
    String requestedRedirect;
    try {
      clientId = parameters.single("client_id");
      requestedRedirect = parameters.single("redirect_uri");
    } catch (Parameters.MalformedException e) {
      responses.errorPage(exchange, 400, "Invalid request", e.getMessage());
      return null;
    }
    if (clientId == null) {
      responses.errorPage(exchange, 400, "Invalid request", "The request names no client (client_id).");
      return null;
    }
    Client client = client(exchange, clientId);
    if (client == null) {
      return null;
    }
    String redirectUri = RedirectUris.select(client.metadata().redirectUris(), requestedRedirect);
    if (redirectUri == null) {
      responses.errorPage(exchange, 400, "Invalid redirect URI", requestedRedirect == null
          ? "The request must name its redirect_uri: the client registered several."
          : "The redirect_uri is not registered for this client.");
      return null;
    }
    return redirectable(exchange, parameters, client, redirectUri);
  }

  /** The registered or metadata-document client; null when the exchange has been answered. */
  private Client client(Exchange exchange, String clientId) throws IOException {
    Client client;
    try {
      client = clients.find(clientId);
    } catch (ClientMetadataException e) {
      if (e.retryAfterSeconds() > 0) {
        exchange.addHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        responses.errorPage(exchange, 503, "Busy", "The client's metadata document cannot be fetched right now ("
            + e.getMessage() + "); try again in a few seconds.");
        return null;
      }
      responses.errorPage(exchange, 400, "Unknown client", "The client's metadata document cannot be used: " + e.getMessage());
      return null;
    }
    if (client == null) {
      responses.errorPage(exchange, 400, "Unknown client", "No client is registered under this client_id.");
    }
    return client;
  }

  /** The checks after the redirect URI is known: their errors go back to the client. */
  private AuthorizationRequest redirectable(Exchange exchange, Parameters parameters, Client client, String redirectUri)
      throws IOException {
    String state;
    try {
      state = parameters.single("state");
    } catch (Parameters.MalformedException e) {
      responses.redirectError(exchange, redirectUri, null, "invalid_request", e.getMessage());
      return null;
    }
    try {
      responseType(client, parameters.single("response_type"));
      String challenge = codeChallenge(parameters.single("code_challenge"), parameters.single("code_challenge_method"));
      List<String> scopes = scopes(client, parameters.single("scope"));
      String resource = resource(parameters.single("resource"));
      return new AuthorizationRequest(client, redirectUri, state, challenge, scopes, resource);
    } catch (OAuthError e) {
      responses.redirectError(exchange, redirectUri, state, e.error, e.getMessage());
      return null;
    } catch (Parameters.MalformedException e) {
      responses.redirectError(exchange, redirectUri, state, "invalid_request", e.getMessage());
      return null;
    }
  }

  private static void responseType(Client client, String responseType) throws OAuthError {
    if (responseType == null) {
      throw new OAuthError(400, "invalid_request", "response_type is required");
    }
    if (!responseType.equals("code") || !client.metadata().responseTypes().contains("code")) {
      throw new OAuthError(400, "unsupported_response_type", "Only response_type=code is supported");
    }
  }

  private static String codeChallenge(String challenge, String method) throws OAuthError {
    if (challenge == null) {
      throw OAuthError.invalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256");
    }
    if (!"S256".equals(method)) {
      throw OAuthError.invalidRequest("code_challenge_method must be S256");
    }
    if (!CODE_CHALLENGE.matcher(challenge).matches()) {
      throw OAuthError.invalidRequest("code_challenge must be 43 base64url characters (RFC 7636 §4.2)");
    }
    return challenge;
  }

  private List<String> scopes(Client client, String requested) throws OAuthError {
    List<String> allowed = new ArrayList<>(scopesOnOffer);
    if (client.metadata().scope() != null) {
      allowed.retainAll(List.of(client.metadata().scope().split(" ")));
    }
    if (requested == null) {
      List<String> defaults = new ArrayList<>(allowed);
      defaults.remove("offline_access");
      if (defaults.isEmpty()) {
        throw new OAuthError(400, "invalid_scope", "The request must name a scope");
      }
      return defaults;
    }
    LinkedHashSet<String> scopes = new LinkedHashSet<>();
    for (String scope : requested.split(" ")) {
      if (scope.isEmpty()) {
        continue;
      }
      if (!allowed.contains(scope)) {
        throw new OAuthError(400, "invalid_scope", "Scope '" + scope + "' is not offered to this client");
      }
      scopes.add(scope);
    }
    if (scopes.isEmpty()) {
      throw new OAuthError(400, "invalid_scope", "The scope parameter is empty");
    }
    return List.copyOf(scopes);
  }

  private String resource(String requested) throws OAuthError {
    if (requested == null) {
      String fallback = resources.defaultResource();
      if (fallback == null) {
        throw new OAuthError(400, "invalid_target", "The request must name the resource (RFC 8707)");
      }
      return fallback;
    }
    String canonical = resources.canonical(requested);
    if (canonical == null) {
      throw new OAuthError(400, "invalid_target", "Tokens are not issued for this resource");
    }
    return canonical;
  }
}
