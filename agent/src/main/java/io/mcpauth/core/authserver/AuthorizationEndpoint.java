package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.enterprise.UpstreamProvider;
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
  private final UpstreamSignIn upstream;
  private final AuthorizationResponses responses;
  private final Clock clock;

  /** @param upstream the provider users sign in at, or null for the users file */
  AuthorizationEndpoint(String issuer, boolean https, Clients clients, UserStore users, ResourcePolicy resources,
      List<String> scopesOnOffer, AuthorizationCodes codes, LoginThrottle throttle, UpstreamProvider upstream,
      Clock clock) {
    AuthorizationResponses responses = new AuthorizationResponses(issuer);
    this.requests = new AuthorizationRequests(clients, resources, scopesOnOffer, responses);
    this.cookie = new SessionCookie(sessions, users, https);
    this.login = new LoginStep(sessions, cookie, users, throttle, responses, clock);
    this.consent = new ConsentStep(sessions, cookie, clients, codes, responses, clock);
    this.upstream = upstream == null ? null : new UpstreamSignIn(upstream, sessions, cookie, responses, clock);
    this.responses = responses;
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
    if (upstream != null) {
      // Every authorization goes to the provider, even in a signed-in browser: the grant needs the
      // provider's word (and refresh token) of now, and the provider keeps its own single sign-on.
      upstream.start(exchange, transaction, session, now);
    } else if (session.user() != null) {
      consent.page(exchange, transaction, session);
    } else {
      login.page(exchange, 200, transaction, null);
    }
  }

  /** POST /login: users-file sign-in, closed when users sign in upstream. */
  void login(Exchange exchange) throws IOException {
    if (upstream != null) {
      responses.errorPage(exchange, 404, "Not found", "Users sign in at the identity provider.");
      return;
    }
    login.handle(exchange);
  }

  /** GET /upstream/callback. */
  void upstreamCallback(Exchange exchange) throws IOException {
    if (upstream == null) {
      exchange.json(404, java.util.Map.of("error", "not_found"), "Cache-Control", "no-store");
      return;
    }
    upstream.callback(exchange);
  }

  /** GET and POST /consent. */
  void consent(Exchange exchange) throws IOException {
    consent.handle(exchange);
  }
}
