package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.enterprise.AssertionRejectedException;
import io.mcpauth.core.authserver.enterprise.UpstreamPolicy;
import io.mcpauth.core.authserver.enterprise.UpstreamProvider;
import io.mcpauth.core.authserver.store.GrantStore;
import io.mcpauth.core.authserver.store.SealingKey;
import io.mcpauth.core.keys.HttpFetcher;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Deprovisioning for users who signed in upstream: each refresh of one of our refresh tokens first
 * uses the grant's upstream refresh token at the provider. A provider that refuses it (the user is
 * disabled, removed or signed out there) revokes our grant, and the refresh fails with
 * {@code invalid_grant}; a provider that cannot be asked fails the refresh without revoking
 * anything. A new ID token is validated again and the sign-in and scope rules applied to it, so a
 * user who left a group loses its scopes at the next refresh. The upstream refresh token is kept
 * sealed ({@link SealingKey}) with the grant id as associated data, and replaced when the provider
 * rotates it.
 */
final class UpstreamRecheck {

  private final UpstreamProvider provider;
  private final UpstreamPolicy policy;
  private final SealingKey key;
  private final GrantStore grants;
  /**
   * One refresh at the provider per grant at a time (striped: a grant always takes the same lock):
   * providers that rotate refresh tokens revoke the family when one is used twice.
   */
  private final Object[] locks = new Object[64];

  UpstreamRecheck(UpstreamProvider provider, SealingKey key, GrantStore grants) {
    this.provider = provider;
    this.policy = new UpstreamPolicy(provider.config());
    this.key = key;
    this.grants = grants;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  String seal(String upstreamRefreshToken, String grantId) {
    return key.seal(upstreamRefreshToken, grantId);
  }

  /** The scope this refresh of {@code grant} may carry, once the provider has vouched for the user again. */
  String recheck(GrantStore.Grant grant) throws OAuthError, IOException {
    synchronized (locks[Math.floorMod(grant.id().hashCode(), locks.length)]) {
      return recheckNow(grants.find(grant.id()));
    }
  }

  private String recheckNow(GrantStore.Grant grant) throws OAuthError, IOException {
    if (grant == null || grant.revoked() || grant.upstreamToken() == null) {
      throw OAuthError.invalidGrant("the refresh token is invalid");
    }
    String upstreamToken = key.open(grant.upstreamToken(), grant.id());
    if (upstreamToken == null) {
      return revoke(grant, "its upstream refresh token cannot be opened (was the sealing key replaced?)");
    }
    UpstreamProvider.Tokens tokens;
    try {
      tokens = provider.refresh(upstreamToken);
    } catch (HttpFetcher.StatusException e) {
      if (e.status() >= 400 && e.status() < 500) {
        return revoke(grant, "the provider refused its refresh token (HTTP " + e.status() + ")");
      }
      throw unavailable(e);
    } catch (IOException e) {
      throw unavailable(e);
    }
    if (tokens.refreshToken() != null) {
      grants.replaceUpstreamToken(grant.id(), key.seal(tokens.refreshToken(), grant.id()));
    }
    if (tokens.idToken() == null) {
      return grant.scope();
    }
    try {
      Map<String, Object> claims = provider.endpoints().idTokens().verify(tokens.idToken(), null);
      if (!policy.subject(claims).equals(grant.subject())) {
        throw new AssertionRejectedException("the refreshed ID token names another user");
      }
      policy.admit(claims);
      List<String> scopes = policy.grantable(claims, List.of(grant.scope().split(" ")));
      if (scopes.isEmpty()) {
        return revoke(grant, "the user may no longer have any of its scopes");
      }
      return String.join(" ", scopes);
    } catch (AssertionRejectedException e) {
      return revoke(grant, e.getMessage());
    }
  }

  private String revoke(GrantStore.Grant grant, String why) throws OAuthError, IOException {
    grants.revokeGrant(grant.id());
    AgentLog.warn("authorization server: revoked a grant of {} for client {}: {}", LogText.printable(grant.subject()),
        LogText.printable(grant.clientId()), why);
    throw OAuthError.invalidGrant("the user's sign-in at the identity provider is no longer valid; sign in again");
  }

  private static OAuthError unavailable(IOException e) {
    AgentLog.error("authorization server: the upstream provider cannot be asked about a refresh: {}", e.getMessage());
    return OAuthError.temporarilyUnavailable("the identity provider cannot be reached; try again later", 30);
  }
}
