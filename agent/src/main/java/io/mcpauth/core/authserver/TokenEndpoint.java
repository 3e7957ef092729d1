package io.mcpauth.core.authserver;

import io.mcpauth.core.metrics.AgentMetrics;
import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.denial.AuthServerReason;
import io.mcpauth.core.authserver.store.GrantStore;
import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.logging.AgentLog;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code /token}: the authorization-code grant with PKCE, refresh-token rotation with reuse
 * detection, client credentials for service clients (made by the operator, never by open
 * registration), and identity assertions from enterprise IdPs ({@link JwtBearerGrant}). A refresh token is {@code <grant id>.<secret>}: the grant id finds the family even
 * when a rotated-out token is replayed, which then revokes the whole family (AS-SEC-34).
 */
final class TokenEndpoint {

  private static final int MAX_FORM_BYTES = 16_384;

  private final ClientAuthentication authentication;
  private final AuthorizationCodes codes;
  private final GrantStore grants;
  private final UserStore users;
  private final AccessTokens tokens;
  private final ResourcePolicy resources;
  private final List<String> scopesOnOffer;
  private final long refreshIdleSeconds;
  private final long refreshLifetimeSeconds;
  private final RateLimiter failures;
  private final JwtBearerGrant jwtBearer;
  private final UpstreamRecheck upstream;
  private final Clock clock;

  TokenEndpoint(ClientAuthentication authentication, AuthorizationCodes codes, GrantStore grants, UserStore users,
      AccessTokens tokens, ResourcePolicy resources, List<String> scopesOnOffer, long refreshIdleSeconds,
      long refreshLifetimeSeconds, RateLimiter failures, JwtBearerGrant jwtBearer, UpstreamRecheck upstream, Clock clock) {
    this.authentication = authentication;
    this.codes = codes;
    this.grants = grants;
    this.users = users;
    this.tokens = tokens;
    this.resources = resources;
    this.scopesOnOffer = scopesOnOffer;
    this.refreshIdleSeconds = refreshIdleSeconds;
    this.refreshLifetimeSeconds = refreshLifetimeSeconds;
    this.failures = failures;
    this.jwtBearer = jwtBearer;
    this.upstream = upstream;
    this.clock = clock;
  }

  void handle(Exchange exchange) throws IOException {
    String address = exchange.clientAddress();
    if (failures.exhausted(address)) {
      // AS-SEC-33: guessing codes, refresh tokens or secrets is slowed to the failure budget.
      exchange.addHeader("Retry-After", Long.toString(failures.retryAfterSeconds(address)));
      exchange.error(new OAuthError(429, "invalid_request", "too many failed token requests; retry later"));
      return;
    }
    try {
      Parameters form = exchange.form(MAX_FORM_BYTES);
      if ("refresh_token".equals(form.single("grant_type"))) {
        exchange.audit(AuditAction.AS_REFRESH);
      }
      Client client = authentication.authenticate(exchange, form);
      exchange.auditClient(client.clientId());
      String grantType = form.single("grant_type");
      long now = clock.instant().getEpochSecond();
      Map<String, Object> response;
      AgentMetrics.GrantType issued;
      if (grantType == null) {
        throw OAuthError.invalidRequest("grant_type is required");
      } else if (grantType.equals("authorization_code")) {
        response = authorizationCode(exchange, client, form, now);
        issued = AgentMetrics.GrantType.AUTHORIZATION_CODE;
      } else if (grantType.equals("refresh_token")) {
        response = refreshToken(exchange, client, form, now);
        issued = AgentMetrics.GrantType.REFRESH_TOKEN;
      } else if (grantType.equals("client_credentials")) {
        response = clientCredentials(client, form, now);
        issued = AgentMetrics.GrantType.CLIENT_CREDENTIALS;
      } else if (grantType.equals(JwtBearerGrant.GRANT_TYPE) && jwtBearer != null) {
        JwtBearerGrant.Redeemed redeemed = jwtBearer.redeem(client, form, now);
        exchange.auditUser(redeemed.subject());
        response = response(mint(redeemed.subject(), client, redeemed.resource(), redeemed.scope(), null,
            redeemed.issuer(), now), redeemed.scope(), null);
        issued = AgentMetrics.GrantType.JWT_BEARER;
      } else {
        throw new OAuthError(400, "unsupported_grant_type", "grant_type '" + LogText.printable(grantType)
            + "' is not supported");
      }
      exchange.json(200, response, "Cache-Control", "no-store", "Pragma", "no-cache");
      AgentMetrics.agent().tokenIssued(issued);
    } catch (OAuthError e) {
      if (e.error.equals("invalid_grant") || e.error.equals("invalid_client")) {
        failures.record(address);
      }
      exchange.error(e);
    } catch (Parameters.MalformedException e) {
      exchange.error(OAuthError.invalidRequest(e.getMessage()));
    }
  }

  private Map<String, Object> authorizationCode(Exchange exchange, Client client, Parameters form, long now)
      throws OAuthError, Parameters.MalformedException, IOException {
    requireGrant(client, "authorization_code");
    String value = form.single("code");
    if (value == null) {
      throw OAuthError.invalidRequest("code is required");
    }
    AuthorizationCodes.Code code = codes.find(value, now);
    if (code == null) {
      throw OAuthError.invalidGrant("the code is invalid or expired");
    }
    AuthorizationRequest request = code.request;
    // Mismatches are refused without touching the code: they prove nothing about who holds it (AS-SEC-26).
    if (!request.client().clientId().equals(client.clientId())) {
      throw OAuthError.invalidGrant("the code was issued to another client");
    }
    String redirectUri = form.single("redirect_uri");
    if (redirectUri != null && !redirectUri.equals(request.redirectUri())) {
      throw OAuthError.invalidGrant("redirect_uri differs from the authorization request");
    }
    if (!Secrets.pkceMatches(form.single("code_verifier"), request.codeChallenge())) {
      throw OAuthError.invalidGrant("code_verifier does not match the code_challenge");
    }
    checkResource(form, request.resource());
    synchronized (code) {
      String previous = code.grantId.get();
      if (previous != null) {
        // AS-06, AS-SEC-25: a second redemption means the code leaked; what it produced is revoked.
        grants.revokeGrant(previous);
        AgentLog.warn("authorization server: a code of client {} was redeemed twice; its grant is revoked",
            LogText.printable(client.clientId()));
        exchange.auditReason(AuthServerReason.CODE_REUSED);
        throw OAuthError.invalidGrant("the code was already used");
      }
      exchange.auditUser(code.subject);
      boolean upstreamUser = code.upstream();
      if (upstreamUser && upstream == null) {
        throw OAuthError.invalidGrant("the code is invalid or expired");
      }
      if (!upstreamUser) {
        requireStanding(code.subject, code.credential);
      }
      String grantId = Secrets.identifier();
      // An upstream user's refresh is a question to the provider: without its refresh token to ask
      // with, no refresh token of ours is issued, and the client signs in again when this one expires.
      boolean refreshable = client.allowsGrant("refresh_token") && (!upstreamUser || code.upstreamRefreshToken != null);
      if (upstreamUser && client.allowsGrant("refresh_token") && !refreshable) {
        AgentLog.info("authorization server: no refresh token for client {}: the upstream provider returned none "
            + "(ask it for offline access, see mcpauth.as.upstream.scopes)", LogText.printable(client.clientId()));
      }
      String refreshSecret = refreshable ? Secrets.random() : null;
      // Signed before the grant is stored: signing may have to store a new key, and a failure there
      // must not leave a stored grant whose code is spent and whose tokens nobody received.
      AccessTokens.Minted minted = mint(code.subject, client, request.resource(), request.scope(), grantId, null, now);
      grants.create(grantId, client.clientId(), code.subject, request.scope(), request.resource(),
          refreshSecret == null ? null : Secrets.sha256(refreshSecret), upstreamUser ? null : code.credential,
          refreshable && upstreamUser ? upstream.seal(code.upstreamRefreshToken, grantId) : null, now);
      code.grantId.set(grantId);
      // Checked again now that the grant exists: a change of the users file from here on is seen
      // by the revocation watch, which then finds this grant (UserRevocations).
      if (!upstreamUser && !stands(code.subject, code.credential)) {
        grants.revokeGrant(grantId);
        throw userGone();
      }
      return response(minted, request.scope(), refreshSecret == null ? null : grantId + "." + refreshSecret);
    }
  }

  private Map<String, Object> refreshToken(Exchange exchange, Client client, Parameters form, long now)
      throws OAuthError, Parameters.MalformedException, IOException {
    requireGrant(client, "refresh_token");
    String value = form.single("refresh_token");
    if (value == null) {
      throw OAuthError.invalidRequest("refresh_token is required");
    }
    int dot = value.indexOf('.');
    GrantStore.Grant grant = dot <= 0 ? null : grants.find(value.substring(0, dot));
    if (grant == null || grant.revoked() || !grant.clientId().equals(client.clientId())) {
      throw OAuthError.invalidGrant("the refresh token is invalid");
    }
    exchange.auditUser(grant.subject());
    if (now > grant.refreshExpiresAt(refreshIdleSeconds, refreshLifetimeSeconds)) {
      throw OAuthError.invalidGrant("the refresh token has expired");
    }
    if (grant.credential() != null) {
      requireStanding(grant.subject(), grant.credential());
    }
    checkResource(form, grant.resource());
    String current = grant.scope();
    byte[] presented = Secrets.sha256(value.substring(dot + 1));
    if (grant.upstreamToken() != null && grants.isCurrent(grant.id(), presented)) {
      // Only the holder of the current token makes us ask the provider; replays and guesses go on to rotate's verdict.
      current = upstream == null ? revokeUnchecked(grant) : upstream.recheck(grant);
    }
    String scope = narrowedScope(form.single("scope"), current);
    String nextSecret = Secrets.random();
    // Signed before the rotation is stored (see authorizationCode), and only for the current token: a
    // replay or a guess costs no signature.
    AccessTokens.Minted minted = grants.isCurrent(grant.id(), presented)
        ? mint(grant.subject(), client, grant.resource(), scope, grant.id(), null, now) : null;
    GrantStore.Rotation rotation = grants.rotate(grant.id(), presented, Secrets.sha256(nextSecret), now);
    if (rotation == GrantStore.Rotation.REPLAYED) {
      // AS-SEC-34/35: a rotated-out token came back, so one of its holders is not the client.
      grants.revokeGrant(grant.id());
      AgentMetrics.agent().refreshTokenReused();
      AgentLog.warn("authorization server: a refresh token of client {} was reused; its grant is revoked",
          LogText.printable(client.clientId()));
      exchange.audit(AuditAction.AS_REFRESH_REUSE);
      exchange.auditReason(AuthServerReason.REFRESH_TOKEN_REUSED);
      throw OAuthError.invalidGrant("the refresh token was already used");
    }
    if (rotation == GrantStore.Rotation.UNKNOWN) {
      // A guess (the grant id is no secret: access tokens carry it) revokes nothing.
      throw OAuthError.invalidGrant("the refresh token is invalid");
    }
    // minted is null here only if the token became current after the check, which rotation never does.
    return response(minted != null ? minted : mint(grant.subject(), client, grant.resource(), scope, grant.id(), null, now),
        scope, grant.id() + "." + nextSecret);
  }

  /** An upstream user's grant while upstream sign-in is switched off: nothing can vouch for the user any more. */
  private String revokeUnchecked(GrantStore.Grant grant) throws OAuthError, IOException {
    grants.revokeGrant(grant.id());
    throw userGone();
  }

  /**
   * RFC 6749 §4.4: only for a client the operator arranged beforehand ({@code client add}). A client
   * from open registration has no user and no operator behind it, so it never gets a token this way,
   * even one registered for client_credentials before that rule (its stored metadata still says so).
   */
  private Map<String, Object> clientCredentials(Client client, Parameters form, long now)
      throws OAuthError, Parameters.MalformedException, IOException {
    if (!client.isServiceClient()) {
      throw new OAuthError(400, "unauthorized_client", "client_credentials is only for service clients, which the "
          + "operator creates with 'java -jar mcpauth-agent.jar client add'");
    }
    requireGrant(client, "client_credentials");
    List<String> allowed = new ArrayList<>(scopesOnOffer);
    allowed.remove("offline_access");
    allowed.retainAll(List.of(client.metadata().scope().split(" ")));
    if (allowed.isEmpty()) {
      throw new OAuthError(400, "invalid_scope", "none of the client's scopes is on offer (mcpauth.as.scopes)");
    }
    String requested = form.single("scope");
    String scope = requested == null ? String.join(" ", allowed) : narrowedScope(requested, String.join(" ", allowed));
    String resourceParameter = form.single("resource");
    String resource = resourceParameter == null ? resources.defaultResource() : resources.canonical(resourceParameter);
    if (resource == null) {
      throw new OAuthError(400, "invalid_target", resourceParameter == null
          ? "the request must name the resource (RFC 8707)" : "tokens are not issued for this resource");
    }
    return response(mint(client.clientId(), client, resource, scope, null, null, now), scope, null);
  }

  private AccessTokens.Minted mint(String subject, Client client, String resource, String scope, String grantId,
      String assertionIssuer, long now) throws IOException {
    return tokens.mint(subject, client.clientId(), resource, scope, grantId, client.credentialId(), assertionIssuer, now);
  }

  private Map<String, Object> response(AccessTokens.Minted minted, String scope, String refreshToken) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("access_token", minted.token());
    response.put("token_type", "Bearer");
    response.put("expires_in", tokens.lifetimeSeconds());
    response.put("scope", scope);
    if (refreshToken != null) {
      response.put("refresh_token", refreshToken);
    }
    return response;
  }

  /**
   * RFC 9700 §4.14.2: what a user granted stands only while the user holds the credential it was
   * granted under; a removed user, or one with a new password, must sign in again.
   */
  private void requireStanding(String user, String credential) throws OAuthError {
    if (!stands(user, credential)) {
      throw userGone();
    }
  }

  private boolean stands(String user, String credential) throws OAuthError {
    try {
      return users.holds(user, credential);
    } catch (IOException e) {
      AgentLog.error("authorization server: the users file cannot be read; no tokens are issued to users", e);
      throw new OAuthError(500, "server_error", "the server cannot check the user right now");
    }
  }

  private static OAuthError userGone() {
    return OAuthError.invalidGrant("the user's sign-in is no longer valid; the user must sign in again");
  }

  private static void requireGrant(Client client, String grantType) throws OAuthError {
    if (!client.allowsGrant(grantType)) {
      throw new OAuthError(400, "unauthorized_client", "the client is not registered for " + grantType);
    }
  }

  /** RFC 6749 §6: a refresh may only narrow the scope (AS-13). */
  private static String narrowedScope(String requested, String granted) throws OAuthError {
    if (requested == null) {
      return granted;
    }
    List<String> grantedList = List.of(granted.split(" "));
    LinkedHashSet<String> scopes = new LinkedHashSet<>();
    for (String scope : requested.split(" ")) {
      if (scope.isEmpty()) {
        continue;
      }
      if (!grantedList.contains(scope)) {
        throw new OAuthError(400, "invalid_scope", "scope '" + LogText.printable(scope)
            + "' was not granted");
      }
      scopes.add(scope);
    }
    if (scopes.isEmpty()) {
      throw new OAuthError(400, "invalid_scope", "the scope parameter is empty");
    }
    return String.join(" ", scopes);
  }

  /** RFC 8707 §2.2: a resource at the token endpoint must be the one the grant is for. */
  private void checkResource(Parameters form, String granted) throws OAuthError, Parameters.MalformedException {
    String requested = form.single("resource");
    if (requested != null && !granted.equals(resources.canonical(requested))) {
      throw new OAuthError(400, "invalid_target", "the grant is not for this resource");
    }
  }
}
