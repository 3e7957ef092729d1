package io.mcpauth.core.authserver;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.authserver.clients.ClientMetadataException;
import io.mcpauth.core.authserver.clients.RedirectUris;
import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /authorize}, then the login and consent pages (OAuth 2.1 §4.1.1, RFC 7636, RFC 8707,
 * RFC 9207). Until the client and its redirect URI are validated, every problem is an error page
 * and nothing redirects (AS-SEC-04, 05, 06); after that, errors go back to the client with
 * {@code state} and {@code iss} (AS-SEC-07).
 */
final class AuthorizationEndpoint {

  private static final Pattern CODE_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final int MAX_QUERY_LENGTH = 16_384;
  private static final int MAX_FORM_BYTES = 16_384;

  private final String issuer;
  private final Clients clients;
  private final UserStore users;
  private final ResourcePolicy resources;
  private final List<String> scopesOnOffer;
  private final AuthorizationCodes codes;
  private final BrowserSessions sessions = new BrowserSessions();
  private final LoginThrottle throttle;
  private final String sessionCookie;
  private final String cookieAttributes;
  private final String usersHint;
  private final Clock clock;

  AuthorizationEndpoint(String issuer, boolean https, Clients clients, UserStore users, ResourcePolicy resources,
      List<String> scopesOnOffer, AuthorizationCodes codes, LoginThrottle throttle, Clock clock) {
    this.issuer = issuer;
    this.clients = clients;
    this.users = users;
    this.resources = resources;
    this.scopesOnOffer = scopesOnOffer;
    this.codes = codes;
    this.throttle = throttle;
    // AS-SEC-18: on https the __Host- prefix pins the cookie to this exact origin.
    this.sessionCookie = https ? "__Host-mcpauth-session" : "mcpauth-session";
    this.cookieAttributes = "; Path=/; HttpOnly; SameSite=Lax" + (https ? "; Secure" : "");
    this.usersHint = "java -jar mcpauth-agent.jar user add --users-file " + users.path() + " --username NAME";
    this.clock = clock;
  }

  /** GET (or POST) /authorize. */
  void authorize(Exchange exchange) throws IOException {
    Parameters parameters;
    try {
      String query = exchange.method().equals("POST") ? exchange.body(MAX_QUERY_LENGTH) : rawQuery(exchange);
      if (query != null && query.length() > MAX_QUERY_LENGTH) {
        errorPage(exchange, 414, "Request too long", "The authorization request is too long.");
        return;
      }
      parameters = Parameters.parse(query);
    } catch (Parameters.MalformedException e) {
      errorPage(exchange, 400, "Invalid request", e.getMessage());
      return;
    } catch (OAuthError e) {
      errorPage(exchange, e.status, "Invalid request", e.getMessage());
      return;
    }
    AuthorizationRequest request = validate(exchange, parameters);
    if (request == null) {
      return;
    }
    long now = clock.instant().getEpochSecond();
    String address = exchange.clientAddress();
    BrowserSessions.Session session = session(exchange, now);
    if (session == null) {
      session = sessions.newSession(address, now);
      setCookie(exchange, session);
    }
    BrowserSessions.Transaction transaction = sessions.start(request, session, address, now);
    if (session.user() != null) {
      consentPage(exchange, transaction, session);
    } else {
      loginPage(exchange, 200, transaction, null);
    }
  }

  /** POST /login. */
  void login(Exchange exchange) throws IOException {
    long now = clock.instant().getEpochSecond();
    Parameters form;
    String transactionId;
    String csrf;
    String username;
    String password;
    try {
      form = exchange.form(MAX_FORM_BYTES);
      transactionId = form.single("transaction");
      csrf = form.single("csrf");
      username = form.single("username");
      password = form.single("password");
    } catch (OAuthError e) {
      errorPage(exchange, 400, "Invalid request", e.getMessage());
      return;
    } catch (Parameters.MalformedException e) {
      errorPage(exchange, 400, "Invalid request", e.getMessage());
      return;
    }
    BrowserSessions.Session session = session(exchange, now);
    BrowserSessions.Transaction transaction = sessions.transaction(transactionId, session, now);
    if (transaction == null) {
      errorPage(exchange, 403, "Sign-in expired", "This sign-in is no longer valid. Start again from your application.");
      return;
    }
    if (!transaction.consumeCsrf(csrf)) {
      errorPage(exchange, 403, "Invalid form", "The form was not submitted from this sign-in page. Start again from your application.");
      return;
    }
    String address = AddressKey.of(exchange.clientAddress());
    String account = username == null ? "" : Ascii.toLowerCase(username);
    long retry = throttle.waitSeconds(account, address);
    if (retry > 0) {
      exchange.addHeader("Retry-After", Long.toString(retry));
      AgentLog.warn("authorization server: sign-in refused, too many failures for this account or address");
      loginPage(exchange, 429, transaction, "Too many failed sign-ins. Try again in " + retry + " seconds.");
      return;
    }
    Optional<UserStore.Account> user;
    try {
      user = username == null || password == null ? Optional.empty() : users.authenticate(username, password.toCharArray());
    } catch (IOException e) {
      AgentLog.error("authorization server: the users file cannot be read; nobody can sign in", e);
      errorPage(exchange, 503, "Sign-in unavailable", "The server cannot check passwords right now.");
      return;
    }
    if (user.isEmpty()) {
      throttle.failed(account, address);
      AgentLog.info("authorization server: failed sign-in for client {}", LogText.printable(transaction.request.client().clientId()));
      // The same words for an unknown user and a wrong password (AS-SEC-22).
      loginPage(exchange, 200, transaction, "The username or password is not correct.");
      return;
    }
    throttle.succeeded(account, address);
    BrowserSessions.Session signedIn = sessions.signIn(session, user.get().username(), user.get().credential(), now);
    transaction.sessionId = signedIn.id();
    setCookie(exchange, signedIn);
    AgentLog.info("authorization server: {} signed in", LogText.printable(user.get().username()));
    exchange.seeOther(path("/consent") + "?transaction=" + encode(transaction.id));
  }

  /** GET /consent (after login) and POST /consent (the decision). */
  void consent(Exchange exchange) throws IOException {
    long now = clock.instant().getEpochSecond();
    BrowserSessions.Session session = session(exchange, now);
    try {
      if (exchange.method().equals("GET")) {
        BrowserSessions.Transaction transaction = sessions.transaction(exchange.query().single("transaction"), session, now);
        if (transaction == null || session.user() == null) {
          errorPage(exchange, 403, "Sign-in expired", "This sign-in is no longer valid. Start again from your application.");
          return;
        }
        consentPage(exchange, transaction, session);
        return;
      }
      Parameters form = exchange.form(MAX_FORM_BYTES);
      BrowserSessions.Transaction transaction = sessions.transaction(form.single("transaction"), session, now);
      if (transaction == null || session.user() == null) {
        errorPage(exchange, 403, "Sign-in expired", "This sign-in is no longer valid. Start again from your application.");
        return;
      }
      if (!transaction.consumeCsrf(form.single("csrf"))) {
        errorPage(exchange, 403, "Invalid form", "The form was not submitted from this consent page. Start again from your application.");
        return;
      }
      sessions.finish(transaction);
      decide(exchange, transaction.request, session, form.single("decision"), now);
    } catch (Parameters.MalformedException e) {
      errorPage(exchange, 400, "Invalid request", e.getMessage());
    } catch (OAuthError e) {
      errorPage(exchange, 400, "Invalid request", e.getMessage());
    }
  }

  private void decide(Exchange exchange, AuthorizationRequest request, BrowserSessions.Session session, String decision,
      long now) throws IOException {
    String user = session.user();
    if (!"approve".equals(decision)) {
      AgentLog.info("authorization server: {} denied client {}", LogText.printable(user), LogText.printable(request.client().clientId()));
      redirectError(exchange, request.redirectUri(), request.state(), "access_denied", "The user denied the request");
      return;
    }
    String code = codes.issue(request, user, session.credential(), now);
    if (code == null) {
      redirectError(exchange, request.redirectUri(), request.state(), "temporarily_unavailable", "Too many pending codes");
      return;
    }
    if (!request.client().metadataDocument()) {
      clients.store().markAuthorized(request.client().clientId(), now);
    }
    AgentLog.info("authorization server: {} approved client {} for scope '{}'", LogText.printable(user),
        LogText.printable(request.client().clientId()), request.scope());
    StringBuilder location = new StringBuilder(request.redirectUri());
    location.append(request.redirectUri().contains("?") ? '&' : '?').append("code=").append(encode(code));
    if (request.state() != null) {
      location.append("&state=").append(encode(request.state()));
    }
    location.append("&iss=").append(encode(issuer));
    exchange.seeOther(location.toString());
  }

  /**
   * The browser's live session, or null. A signed-in session stands only while its user holds the
   * credential they signed in with (RFC 9700 §4.14.2): once the user is removed or given a new
   * password it is ended, and the browser must sign in again. When the users file cannot be read,
   * no signed-in session is honoured (and none is ended).
   */
  private BrowserSessions.Session session(Exchange exchange, long now) {
    BrowserSessions.Session session = sessions.session(exchange.cookie(sessionCookie), now);
    if (session == null || session.user() == null) {
      return session;
    }
    try {
      if (users.holds(session.user(), session.credential())) {
        return session;
      }
    } catch (IOException e) {
      AgentLog.error("authorization server: the users file cannot be read; signed-in sessions are not honoured", e);
      return null;
    }
    sessions.end(session);
    AgentLog.info("authorization server: signed out a browser session of {}: the user was removed or has a new password",
        LogText.printable(session.user()));
    return null;
  }

  /** The checks of /authorize, in the order that decides whether an error may redirect; null when answered. */
  private AuthorizationRequest validate(Exchange exchange, Parameters parameters) throws IOException {
    String clientId;
    String requestedRedirect;
    try {
      clientId = parameters.single("client_id");
      requestedRedirect = parameters.single("redirect_uri");
    } catch (Parameters.MalformedException e) {
      errorPage(exchange, 400, "Invalid request", e.getMessage());
      return null;
    }
    if (clientId == null) {
      errorPage(exchange, 400, "Invalid request", "The request names no client (client_id).");
      return null;
    }
    Client client;
    try {
      client = clients.find(clientId);
    } catch (ClientMetadataException e) {
      if (e.retryAfterSeconds() > 0) {
        exchange.addHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        errorPage(exchange, 503, "Busy", "The client's metadata document cannot be fetched right now (" + e.getMessage()
            + "); try again in a few seconds.");
        return null;
      }
      errorPage(exchange, 400, "Unknown client", "The client's metadata document cannot be used: " + e.getMessage());
      return null;
    }
    if (client == null) {
      errorPage(exchange, 400, "Unknown client", "No client is registered under this client_id.");
      return null;
    }
    String redirectUri = RedirectUris.select(client.metadata().redirectUris(), requestedRedirect);
    if (redirectUri == null) {
      errorPage(exchange, 400, "Invalid redirect URI", requestedRedirect == null
          ? "The request must name its redirect_uri: the client registered several."
          : "The redirect_uri is not registered for this client.");
      return null;
    }
    String state;
    try {
      state = parameters.single("state");
    } catch (Parameters.MalformedException e) {
      redirectError(exchange, redirectUri, null, "invalid_request", e.getMessage());
      return null;
    }
    try {
      String responseType = parameters.single("response_type");
      if (responseType == null) {
        throw new OAuthError(400, "invalid_request", "response_type is required");
      }
      if (!responseType.equals("code") || !client.metadata().responseTypes().contains("code")) {
        throw new OAuthError(400, "unsupported_response_type", "Only response_type=code is supported");
      }
      String challenge = parameters.single("code_challenge");
      String method = parameters.single("code_challenge_method");
      if (challenge == null) {
        throw OAuthError.invalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256");
      }
      if (!"S256".equals(method)) {
        throw OAuthError.invalidRequest("code_challenge_method must be S256");
      }
      if (!CODE_CHALLENGE.matcher(challenge).matches()) {
        throw OAuthError.invalidRequest("code_challenge must be 43 base64url characters (RFC 7636 §4.2)");
      }
      List<String> scopes = scopes(client, parameters.single("scope"));
      String resource = resource(parameters.single("resource"));
      return new AuthorizationRequest(client, redirectUri, state, challenge, scopes, resource);
    } catch (OAuthError e) {
      redirectError(exchange, redirectUri, state, e.error, e.getMessage());
      return null;
    } catch (Parameters.MalformedException e) {
      redirectError(exchange, redirectUri, state, "invalid_request", e.getMessage());
      return null;
    }
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

  private void loginPage(Exchange exchange, int status, BrowserSessions.Transaction transaction, String error)
      throws IOException {
    boolean noUsers;
    try {
      noUsers = users.isEmpty();
    } catch (IOException e) {
      noUsers = false;
    }
    exchange.page(status, Pages.login(path("/login"), transaction.id, transaction.csrf,
        transaction.request.client().metadata().clientName(), error, noUsers ? usersHint : null));
  }

  private void consentPage(Exchange exchange, BrowserSessions.Transaction transaction, BrowserSessions.Session session)
      throws IOException {
    AuthorizationRequest request = transaction.request;
    Client client = request.client();
    String host = URI.create(request.redirectUri()).getHost();
    boolean localhostOnly = client.metadata().redirectUris().stream().allMatch(RedirectUris::isLoopback);
    String name = client.metadata().clientName();
    if (client.metadataDocument()) {
      // AS-C9: the document's host is the one thing about its client the server has verified.
      name = (name == null ? "" : name + " ") + "(" + URI.create(client.clientId()).getHost() + ")";
    }
    exchange.page(200, Pages.consent(path("/consent"), transaction.id, transaction.csrf, session.user(), name,
        client.clientId(), host == null ? request.redirectUri() : host, localhostOnly, request.scopes(),
        request.resource()));
  }

  private void redirectError(Exchange exchange, String redirectUri, String state, String error, String description)
      throws IOException {
    StringBuilder location = new StringBuilder(redirectUri);
    location.append(redirectUri.contains("?") ? '&' : '?').append("error=").append(encode(error))
        .append("&error_description=").append(encode(description));
    if (state != null) {
      location.append("&state=").append(encode(state));
    }
    location.append("&iss=").append(encode(issuer));
    exchange.seeOther(location.toString());
  }

  private void errorPage(Exchange exchange, int status, String title, String message) throws IOException {
    exchange.page(status, Pages.error(title, message));
  }

  private void setCookie(Exchange exchange, BrowserSessions.Session session) {
    exchange.addHeader("Set-Cookie", sessionCookie + "=" + session.id() + cookieAttributes);
  }

  private String path(String endpoint) {
    String issuerPath = URI.create(issuer).getRawPath();
    return (issuerPath == null ? "" : issuerPath) + endpoint;
  }

  private static String rawQuery(Exchange exchange) {
    return exchange.rawQuery();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

}
