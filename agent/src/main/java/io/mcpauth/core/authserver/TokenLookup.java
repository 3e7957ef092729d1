package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.store.GrantStore;
import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedToken;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.io.IOException;
import java.time.Clock;

/**
 * Recognises a token presented to the revocation or introspection endpoint: one of this server's
 * refresh tokens, or one of its access tokens (signature, issuer and expiry verified). The
 * {@code token_type_hint} is only a hint (RFC 7009 §2.1): both kinds are always tried.
 */
final class TokenLookup {

  /** A live refresh token's grant, or a verified access token; null members when it is not that kind. */
  record Found(GrantStore.Grant refreshGrant, VerifiedToken accessToken) {}

  private final GrantStore grants;
  private final VerifiedTokenCache.Revocations revocations;
  private final UserStore users;
  private final TokenVerifier verifier;
  private final long refreshIdleSeconds;
  private final long refreshLifetimeSeconds;
  private final Clock clock;

  /** @param revocations the resource server's: an access token it refuses is not active here either */
  TokenLookup(GrantStore grants, VerifiedTokenCache.Revocations revocations, UserStore users, TokenVerifier verifier,
      long refreshIdleSeconds, long refreshLifetimeSeconds, Clock clock) {
    this.grants = grants;
    this.revocations = revocations;
    this.users = users;
    this.verifier = verifier;
    this.refreshIdleSeconds = refreshIdleSeconds;
    this.refreshLifetimeSeconds = refreshLifetimeSeconds;
    this.clock = clock;
  }

  /** When a live refresh token's grant stops accepting it: idle or absolute expiry, whichever is first. */
  long refreshExpiry(GrantStore.Grant grant) {
    return grant.refreshExpiresAt(refreshIdleSeconds, refreshLifetimeSeconds);
  }

  /**
   * What introspection reports active: {@link #find}, and a token issued under a user's grant only
   * while the user holds the credential the grant was made under (removed users' tokens are
   * inactive even before the revocation watch has revoked them). Fails closed: null when the users
   * file cannot be read, or when an access token names a grant this server does not know.
   */
  Found findActive(String token) {
    Found found = find(token);
    if (found == null) {
      return null;
    }
    GrantStore.Grant grant = found.refreshGrant();
    if (grant == null && found.accessToken().claims().get("grant_id") instanceof String id) {
      grant = grants.find(id);
      if (grant == null) {
        return null;
      }
    }
    try {
      return grant == null || grant.credential() == null || users.holds(grant.subject(), grant.credential())
          ? found : null;
    } catch (IOException e) {
      AgentLog.error("authorization server: the users file cannot be read; user tokens are reported inactive", e);
      return null;
    }
  }

  /** What the token is, or null when it is neither a current refresh token nor a valid access token. */
  Found find(String token) {
    long now = clock.instant().getEpochSecond();
    int dot = token.indexOf('.');
    if (dot > 0 && token.indexOf('.', dot + 1) < 0) {
      GrantStore.Grant grant = grants.find(token.substring(0, dot));
      if (grant != null && !grant.revoked() && grant.refreshHash() != null
          && Secrets.matches(token.substring(dot + 1), grant.refreshHash())
          && now <= refreshExpiry(grant)) {
        return new Found(grant, null);
      }
      return null;
    }
    try {
      VerifiedToken verified = verifier.verify(token);
      if (revocations.isRevoked(verified)) {
        return null;
      }
      return new Found(null, verified);
    } catch (TokenRejectedException e) {
      return null;
    }
  }
}
