package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.denial.AuthServerReason;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.metrics.AgentMetrics;
import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * The login page and its form ({@code POST /login}): a password check, throttled per account and
 * per address, that signs the browser in under a new session id and moves on to consent.
 */
final class LoginStep {

  private final BrowserSessions sessions;
  private final SessionCookie cookie;
  private final UserStore users;
  private final LoginThrottle throttle;
  private final AuthorizationResponses responses;
  private final String usersHint;
  private final Clock clock;

  LoginStep(BrowserSessions sessions, SessionCookie cookie, UserStore users, LoginThrottle throttle,
      AuthorizationResponses responses, Clock clock) {
    this.sessions = sessions;
    this.cookie = cookie;
    this.users = users;
    this.throttle = throttle;
    this.responses = responses;
    this.usersHint = "java -jar mcpauth-agent.jar user add --users-file " + users.path() + " --username NAME";
    this.clock = clock;
  }

  /** POST /login. */
  void handle(Exchange exchange) throws IOException {
    long now = clock.instant().getEpochSecond();
    String transactionId;
    String csrf;
    String username;
    String password;
    try {
      Parameters form = exchange.form(Pages.MAX_FORM_BYTES);
      transactionId = form.single("transaction");
      csrf = form.single("csrf");
      username = form.single("username");
      password = form.single("password");
    } catch (OAuthError | Parameters.MalformedException e) {
      exchange.auditReason(AuthServerReason.INVALID_REQUEST);
      responses.errorPage(exchange, 400, "Invalid request", e.getMessage());
      return;
    }
    BrowserSessions.Session session = cookie.session(exchange, now);
    BrowserSessions.Transaction transaction = sessions.transaction(transactionId, session, now);
    if (transaction == null) {
      exchange.auditReason(AuthServerReason.TRANSACTION_EXPIRED);
      responses.signInExpired(exchange);
      return;
    }
    exchange.auditClient(transaction.request.client().clientId());
    exchange.auditUser(username);
    if (!transaction.consumeCsrf(csrf)) {
      exchange.auditReason(AuthServerReason.CSRF_MISMATCH);
      responses.errorPage(exchange, 403, "Invalid form",
          "The form was not submitted from this sign-in page. Start again from your application.");
      return;
    }
    String address = AddressKey.of(exchange.clientAddress());
    String account = username == null ? "" : Ascii.toLowerCase(username);
    long retry = throttle.waitSeconds(account, address);
    if (retry > 0) {
      exchange.addHeader("Retry-After", Long.toString(retry));
      AgentLog.warn("authorization server: sign-in refused, too many failures for this account or address");
      exchange.auditReason(AuthServerReason.LOGIN_THROTTLED);
      page(exchange, 429, transaction, "Too many failed sign-ins. Try again in " + retry + " seconds.");
      return;
    }
    Optional<UserStore.Account> user;
    try {
      user = username == null || password == null ? Optional.empty() : users.authenticate(username, password.toCharArray());
    } catch (IOException e) {
      AgentLog.error("authorization server: the users file cannot be read; nobody can sign in", e);
      exchange.auditReason(AuthServerReason.USERS_UNAVAILABLE);
      responses.errorPage(exchange, 503, "Sign-in unavailable", "The server cannot check passwords right now.");
      return;
    }
    if (user.isEmpty()) {
      AgentMetrics.agent().login(false);
      throttle.failed(account, address);
      exchange.auditReason(AuthServerReason.LOGIN_FAILED);
      AgentLog.info("authorization server: failed sign-in for client {}", LogText.printable(transaction.request.client().clientId()));
      // The same words for an unknown user and a wrong password (AS-SEC-22).
      page(exchange, 200, transaction, "The username or password is not correct.");
      return;
    }
    AgentMetrics.agent().login(true);
    throttle.succeeded(account, address);
    exchange.auditUser(user.get().username());
    BrowserSessions.Session signedIn = sessions.signIn(session, user.get().username(), user.get().credential(), now);
    transaction.sessionId = signedIn.id();
    cookie.set(exchange, signedIn);
    AgentLog.info("authorization server: {} signed in", LogText.printable(user.get().username()));
    exchange.seeOther(responses.path("/consent") + "?transaction=" + AuthorizationResponses.encode(transaction.id));
  }

  /** The login page of {@code transaction}, with an error above the form if there is one. */
  void page(Exchange exchange, int status, BrowserSessions.Transaction transaction, String error) throws IOException {
    boolean noUsers;
    try {
      noUsers = users.isEmpty();
    } catch (IOException e) {
      noUsers = false;
    }
    exchange.page(status, Pages.login(responses.path("/login"), transaction.id, transaction.csrf,
        transaction.request.client().metadata().clientName(), error, noUsers ? usersHint : null));
  }
}
