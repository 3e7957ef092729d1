package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.clients.RedirectUris;
import io.mcpauth.core.denial.AuthServerReason;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;

/**
 * The consent page ({@code GET /consent}, after login) and the user's decision
 * ({@code POST /consent}): an authorization code or {@code access_denied}, sent to the client.
 */
final class ConsentStep {

  private final BrowserSessions sessions;
  private final SessionCookie cookie;
  private final Clients clients;
  private final AuthorizationCodes codes;
  private final AuthorizationResponses responses;
  private final Clock clock;

  ConsentStep(BrowserSessions sessions, SessionCookie cookie, Clients clients, AuthorizationCodes codes,
      AuthorizationResponses responses, Clock clock) {
    this.sessions = sessions;
    this.cookie = cookie;
    this.clients = clients;
    this.codes = codes;
    this.responses = responses;
    this.clock = clock;
  }

  /** GET /consent (after login) and POST /consent (the decision). */
  void handle(Exchange exchange) throws IOException {
    long now = clock.instant().getEpochSecond();
    BrowserSessions.Session session = cookie.session(exchange, now);
    try {
      if (exchange.method().equals("GET")) {
        BrowserSessions.Transaction transaction = sessions.transaction(exchange.query().single("transaction"), session, now);
        if (transaction == null || session.user() == null) {
          responses.signInExpired(exchange);
          return;
        }
        page(exchange, transaction, session);
        return;
      }
      Parameters form = exchange.form(Pages.MAX_FORM_BYTES);
      BrowserSessions.Transaction transaction = sessions.transaction(form.single("transaction"), session, now);
      if (transaction == null || session.user() == null) {
        exchange.auditReason(AuthServerReason.TRANSACTION_EXPIRED);
        responses.signInExpired(exchange);
        return;
      }
      exchange.auditUser(session.user());
      exchange.auditClient(transaction.request.client().clientId());
      if (!transaction.consumeCsrf(form.single("csrf"))) {
        exchange.auditReason(AuthServerReason.CSRF_MISMATCH);
        responses.errorPage(exchange, 403, "Invalid form",
            "The form was not submitted from this consent page. Start again from your application.");
        return;
      }
      sessions.finish(transaction);
      decide(exchange, transaction, session, form.single("decision"), now);
    } catch (Parameters.MalformedException | OAuthError e) {
      exchange.auditReason(AuthServerReason.INVALID_REQUEST);
      responses.errorPage(exchange, 400, "Invalid request", e.getMessage());
    }
  }

  /** The consent page of {@code transaction} for the signed-in user of {@code session}. */
  void page(Exchange exchange, BrowserSessions.Transaction transaction, BrowserSessions.Session session)
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
    String user = transaction.displayName != null ? transaction.displayName : session.user();
    exchange.page(200, Pages.consent(responses.path("/consent"), transaction.id, transaction.csrf, user, name,
        client.clientId(), host == null ? request.redirectUri() : host, localhostOnly, request.scopes(),
        request.resource()));
  }

  private void decide(Exchange exchange, BrowserSessions.Transaction transaction, BrowserSessions.Session session,
      String decision, long now) throws IOException {
    AuthorizationRequest request = transaction.request;
    String user = session.user();
    if (!"approve".equals(decision)) {
      AgentLog.info("authorization server: {} denied client {}", LogText.printable(user), LogText.printable(request.client().clientId()));
      exchange.auditReason(AuthServerReason.ACCESS_DENIED);
      responses.redirectError(exchange, request.redirectUri(), request.state(), "access_denied", "The user denied the request");
      return;
    }
    String code = codes.issue(request, user, session.credential(), transaction.upstreamRefreshToken, now);
    if (code == null) {
      exchange.auditReason(AuthServerReason.TEMPORARILY_UNAVAILABLE);
      responses.redirectError(exchange, request.redirectUri(), request.state(), "temporarily_unavailable", "Too many pending codes");
      return;
    }
    if (!request.client().metadataDocument()) {
      clients.store().markAuthorized(request.client().clientId(), now);
    }
    AgentLog.info("authorization server: {} approved client {} for scope '{}'", LogText.printable(user),
        LogText.printable(request.client().clientId()), request.scope());
    responses.redirectCode(exchange, request, code);
  }
}
