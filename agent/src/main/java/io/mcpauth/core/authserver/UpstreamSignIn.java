package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.enterprise.AssertionRejectedException;
import io.mcpauth.core.authserver.enterprise.UpstreamPolicy;
import io.mcpauth.core.authserver.enterprise.UpstreamProvider;
import io.mcpauth.core.denial.AuthServerReason;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import java.io.IOException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Sign-in at the upstream OpenID Provider in place of the login page. {@code /authorize} sends the
 * browser there with a fresh {@code state}, {@code nonce} and our own PKCE verifier, none of which
 * the MCP client's request shares; {@code /upstream/callback} takes the answer back in the same
 * browser session (the cookie), checks {@code state} (single use), RFC 9207 {@code iss}, redeems the
 * code, validates the ID token, applies the admission and scope rules, and leads on to OUR consent
 * page for the MCP client that asked. The upstream's tokens never leave this server: its refresh
 * token rides with the transaction into the grant, sealed, and its access token is dropped.
 *
 * <p>Every failure is an error page, and nothing is issued.
 */
final class UpstreamSignIn {

  /** The credential of a session signed in upstream: a users-file credential is never this word. */
  static final String CREDENTIAL = "upstream";
  static final String CALLBACK = "/upstream/callback";

  /** One redirect to the provider, waiting for its answer under {@code state}. */
  private record Attempt(String transactionId, String sessionId, String nonce, String codeVerifier) {}

  private final UpstreamProvider provider;
  private final UpstreamPolicy policy;
  private final BrowserSessions sessions;
  private final SessionCookie cookie;
  private final AuthorizationResponses responses;
  private final PendingTable<Attempt> attempts = new PendingTable<>(BrowserSessions.PENDING_PER_ADDRESS,
      BrowserSessions.MAX_PENDING, BrowserSessions.TRANSACTION_SECONDS);
  private final Clock clock;

  UpstreamSignIn(UpstreamProvider provider, BrowserSessions sessions, SessionCookie cookie,
      AuthorizationResponses responses, Clock clock) {
    this.provider = provider;
    this.policy = new UpstreamPolicy(provider.config());
    this.sessions = sessions;
    this.cookie = cookie;
    this.responses = responses;
    this.clock = clock;
  }

  /** Sends the browser of {@code transaction} to the provider. */
  void start(Exchange exchange, BrowserSessions.Transaction transaction, BrowserSessions.Session session, long now)
      throws IOException {
    UpstreamProvider.Endpoints endpoints;
    try {
      endpoints = provider.endpoints();
    } catch (IOException e) {
      AgentLog.error("authorization server: the upstream provider cannot be reached: {}", e.getMessage());
      responses.errorPage(exchange, 502, "Sign-in unavailable",
          "The identity provider cannot be reached right now. Try again in a moment.");
      return;
    }
    String state = Secrets.random();
    String nonce = Secrets.random();
    String verifier = Secrets.random();
    attempts.put(state, AddressKey.of(exchange.clientAddress()),
        new Attempt(transaction.id, session.id(), nonce, verifier), now);
    exchange.seeOther(provider.authorizationUrl(endpoints, state, nonce, challenge(verifier)).toString());
  }

  /** GET /upstream/callback. */
  void callback(Exchange exchange) throws IOException {
    long now = clock.instant().getEpochSecond();
    Parameters query;
    String state;
    try {
      query = exchange.query();
      state = query.single("state");
    } catch (Parameters.MalformedException e) {
      exchange.auditReason(AuthServerReason.INVALID_REQUEST);
      responses.errorPage(exchange, 400, "Invalid request", e.getMessage());
      return;
    }
    Attempt attempt = attempts.get(state, now);
    if (attempt == null) {
      exchange.auditReason(AuthServerReason.TRANSACTION_EXPIRED);
      responses.errorPage(exchange, 400, "Sign-in failed",
          "This answer from the identity provider belongs to no sign-in in progress here (unknown or used state). "
              + "Start again from your application.");
      return;
    }
    attempts.remove(state);
    BrowserSessions.Session session = cookie.session(exchange, now);
    BrowserSessions.Transaction transaction = sessions.transaction(attempt.transactionId(), session, now);
    if (transaction == null || !session.id().equals(attempt.sessionId())) {
      // RFC 9700 §4.7: the answer must come back to the browser that was sent away.
      exchange.auditReason(AuthServerReason.TRANSACTION_EXPIRED);
      responses.signInExpired(exchange);
      return;
    }
    try {
      finish(exchange, query, attempt, transaction, session, now);
    } catch (Parameters.MalformedException e) {
      exchange.auditReason(AuthServerReason.INVALID_REQUEST);
      responses.errorPage(exchange, 400, "Invalid request", e.getMessage());
    }
  }

  private void finish(Exchange exchange, Parameters query, Attempt attempt, BrowserSessions.Transaction transaction,
      BrowserSessions.Session session, long now) throws IOException, Parameters.MalformedException {
    UpstreamProvider.Endpoints endpoints;
    try {
      endpoints = provider.endpoints();
    } catch (IOException e) {
      AgentLog.error("authorization server: the upstream provider cannot be reached: {}", e.getMessage());
      exchange.auditReason(AuthServerReason.UPSTREAM_UNAVAILABLE);
      responses.errorPage(exchange, 502, "Sign-in unavailable", "The identity provider cannot be reached right now.");
      return;
    }
    String iss = query.single("iss");
    if (iss != null && !iss.equals(provider.config().issuer().toString()) || iss == null && endpoints.issParameter()) {
      // RFC 9207 §2.4: an answer that names another issuer, or none where one is promised, may be a mix-up.
      AgentLog.warn("authorization server: an upstream answer did not name the configured issuer (RFC 9207)");
      exchange.auditReason(AuthServerReason.UPSTREAM_REFUSED);
      responses.errorPage(exchange, 400, "Sign-in failed", "The answer did not come from the configured identity provider.");
      return;
    }
    String error = query.single("error");
    String code = query.single("code");
    if (error != null || code == null) {
      AgentLog.info("authorization server: the upstream provider answered {}", LogText.printable(error == null ? "without a code" : error));
      exchange.auditReason(AuthServerReason.UPSTREAM_REFUSED);
      responses.errorPage(exchange, 403, "Sign-in failed", "The identity provider did not sign you in"
          + (error == null ? "." : " (" + LogText.printable(error) + ")."));
      return;
    }
    UpstreamProvider.Tokens tokens;
    try {
      tokens = provider.redeem(endpoints, code, attempt.codeVerifier());
    } catch (IOException e) {
      AgentLog.error("authorization server: the upstream code could not be redeemed: {}", e.getMessage());
      exchange.auditReason(AuthServerReason.UPSTREAM_UNAVAILABLE);
      responses.errorPage(exchange, 502, "Sign-in failed", "The identity provider did not complete the sign-in.");
      return;
    }
    exchange.auditClient(transaction.request.client().clientId());
    Map<String, Object> claims;
    String subject;
    List<String> scopes;
    try {
      claims = endpoints.idTokens().verify(tokens.idToken(), attempt.nonce());
      subject = policy.subject(claims);
      exchange.auditUser(subject);
      policy.admit(claims);
      scopes = policy.grantable(claims, transaction.request.scopes());
    } catch (AssertionRejectedException e) {
      AgentLog.warn("authorization server: upstream sign-in refused: {}", e.getMessage());
      exchange.auditReason(AuthServerReason.UPSTREAM_REFUSED);
      responses.errorPage(exchange, 403, "Sign-in refused", "The identity provider's answer cannot be accepted here: "
          + e.getMessage() + ".");
      return;
    }
    if (scopes.isEmpty()) {
      exchange.auditReason(AuthServerReason.UPSTREAM_REFUSED);
      responses.errorPage(exchange, 403, "Not allowed", "Your account may not be granted any of the permissions asked for.");
      return;
    }
    AuthorizationRequest asked = transaction.request;
    AuthorizationRequest narrowed = new AuthorizationRequest(asked.client(), asked.redirectUri(), asked.state(),
        asked.codeChallenge(), scopes, asked.resource());
    sessions.finish(transaction);
    BrowserSessions.Session signedIn = sessions.signIn(session, subject, CREDENTIAL, now);
    cookie.set(exchange, signedIn);
    BrowserSessions.Transaction next = sessions.start(narrowed, signedIn, exchange.clientAddress(), now);
    next.upstreamRefreshToken = tokens.refreshToken();
    next.displayName = claims.get("email") instanceof String email ? email : subject;
    AgentLog.info("authorization server: {} signed in upstream", LogText.printable(subject));
    exchange.seeOther(responses.path("/consent") + "?transaction=" + AuthorizationResponses.encode(next.id));
  }

  /** RFC 7636 §4.2, S256. */
  private static String challenge(String verifier) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(verifier));
  }
}
