package io.mcpauth.core.config;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Sign-in at an upstream OpenID Provider ({@code mcpauth.as.upstream.*}): who we are there, what
 * we ask for, and who may sign in with which of our scopes.
 *
 * @param clientSecret null for a public client (PKCE only)
 * @param authorizationParameters extra form-encoded parameters for the authorization request, or ""
 * @param requiredClaims claim name to the values one of which it must hold
 * @param scopesFromGroups upstream group to the scopes its members may be granted
 */
public record UpstreamConfig(
    URI issuer,
    String clientId,
    String clientSecret,
    List<String> scopes,
    String authorizationParameters,
    String subjectClaim,
    String groupsClaim,
    List<String> emailDomains,
    Map<String, List<String>> requiredClaims,
    Map<String, List<String>> scopesFromGroups) {

  @Override
  public String toString() {
    // The secret never reaches a log line through this record.
    return "UpstreamConfig[issuer=" + issuer + ", clientId=" + clientId + "]";
  }
}
