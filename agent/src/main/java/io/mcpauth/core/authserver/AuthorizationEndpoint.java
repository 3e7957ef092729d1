package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.users.UserStore;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * {@code /authorize}, then the login and consent steps it leads to (OAuth 2.1 §4.1.1, RFC 7636,
 * RFC 8707, RFC 9207), all in one browser session: a valid request starts a transaction there and
 * shows the login page, or the consent page when the browser is already signed in.
 */
final class AuthorizationEndpoint {

  private final BrowserSessions sessions = new BrowserSessions();
  private final AuthorizationRequests requests;
  private final SessionCookie cookie;
  private final LoginStep login;
  private final ConsentStep consent;
  private final Clock clock;

  AuthorizationEndpoint(String issuer, boolean https, Clients clients, UserStore users, ResourcePolicy resources,
      List<String> scopesOnOffer, AuthorizationCodes codes, LoginThrottle throttle, Clock clock) {
    AuthorizationResponses responses = new AuthorizationResponses(issuer);
    this.requests = new AuthorizationRequests(clients, resources, scopesOnOffer, responses);
    this.cookie = new SessionCookie(sessions, users, https);
    this.login = new LoginStep(sessions, cookie, users, throttle, responses, clock);
    this.consent = new ConsentStep(sessions, cookie, clients, codes, responses, clock);
    this.clock = clock;
  }

  /** GET (or POST) /authorize. */
  void authorize(Exchange exchange) throws IOException {
    AuthorizationRequest request = requests.read(exchange);
    if (request == null) {
      return;
    }
    long now = clock.instant().getEpochSecond();
    String address = exchange.clientAddress();
    BrowserSessions.Session session = cookie.session(exchange, now);
    if (session == null) {
      session = sessions.newSession(address, now);
      cookie.set(exchange, session);
    }
    BrowserSessions.Transaction transaction = sessions.start(request, session, address, now);
    if (session.user() != null) {
      consent.page(exchange, transaction, session);
    } else {
      login.page(exchange, 200, transaction, null);
    }
  }

  /** POST /login. */
  void login(Exchange exchange) throws IOException {
    login.handle(exchange);
  }

  /** GET and POST /consent. */
  void consent(Exchange exchange) throws IOException {
    consent.handle(exchange);
  }
}
