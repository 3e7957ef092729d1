package io.mcpauth.core.authserver;

import io.mcpauth.core.authserver.enterprise.AssertionRejectedException;
import io.mcpauth.core.authserver.enterprise.AssertionReplay;
import io.mcpauth.core.authserver.enterprise.IdJagVerifier;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The RFC 7523 {@code jwt-bearer} grant with an Identity Assertion JWT Authorization Grant (ID-JAG)
 * from a trusted enterprise IdP (MCP Enterprise-Managed Authorization). Only a confidential client
 * registered for the grant may redeem one, and only one issued to it. The assertion decides the
 * subject; the resource and scopes are what it, the request and this server's policy all allow,
 * never more. No refresh token: the client asks its IdP for a new assertion, so the IdP re-checks
 * the user every time (ID-JAG §4.4.3).
 */
final class JwtBearerGrant {

  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String PROFILE = "urn:ietf:params:oauth:grant-profile:id-jag";

  /** What a redeemed assertion gets: the access token's subject, resource and scope, and who asserted it. */
  record Redeemed(String subject, String resource, String scope, String issuer) {}

  private final IdJagVerifier verifier;
  private final AssertionReplay replay;
  private final ResourcePolicy resources;
  private final List<String> scopesOnOffer;

  JwtBearerGrant(IdJagVerifier verifier, AssertionReplay replay, ResourcePolicy resources, List<String> scopesOnOffer) {
    this.verifier = verifier;
    this.replay = replay;
    this.resources = resources;
    this.scopesOnOffer = scopesOnOffer;
  }

  Redeemed redeem(Client client, Parameters form, long now) throws OAuthError, Parameters.MalformedException {
    if (client.isPublic()) {
      // ID-JAG §8.1: the assertion is bound to a client that can prove who it is.
      throw ClientAuthentication.invalidClient("this grant needs client authentication (a confidential client)", false);
    }
    if (!client.allowsGrant(GRANT_TYPE)) {
      throw new OAuthError(400, "unauthorized_client", "the client is not registered for " + GRANT_TYPE);
    }
    String value = form.single("assertion");
    if (value == null) {
      throw OAuthError.invalidRequest("assertion is required");
    }
    IdJagVerifier.Assertion assertion;
    try {
      assertion = verifier.verify(value, client.clientId());
    } catch (AssertionRejectedException e) {
      AgentLog.info("authorization server: an identity assertion of client {} was refused: {}",
          LogText.printable(client.clientId()), e.getMessage());
      throw OAuthError.invalidGrant(e.getMessage());
    }
    String resource = resource(assertion, form.single("resource"));
    String scope = scope(client, assertion.scope(), form.single("scope"));
    // Recorded last, so that an assertion refused for its binding is not used up (EMA §7.4.2).
    if (!replay.firstUse(assertion.issuer(), assertion.jti(), assertion.expiresAt(), now)) {
      AgentLog.warn("authorization server: an identity assertion of client {} was presented again (jti reuse)",
          LogText.printable(client.clientId()));
      throw OAuthError.invalidGrant("the assertion was already used");
    }
    return new Redeemed(assertion.subject(), resource, scope, assertion.issuer());
  }

  /** Each resource of the assertion, and the request's, must be ours; none named means our default. */
  private String resource(IdJagVerifier.Assertion assertion, String requested) throws OAuthError {
    String chosen = null;
    for (String named : assertion.resources()) {
      String canonical = resources.canonical(named);
      if (canonical == null || chosen != null && !chosen.equals(canonical)) {
        throw new OAuthError(400, "invalid_target", "the assertion is for a resource this server does not serve");
      }
      chosen = canonical;
    }
    if (requested != null) {
      String canonical = resources.canonical(requested);
      if (canonical == null || chosen != null && !chosen.equals(canonical)) {
        throw new OAuthError(400, "invalid_target", "tokens are not issued for this resource");
      }
      chosen = canonical;
    }
    if (chosen == null) {
      chosen = resources.defaultResource();
    }
    if (chosen == null) {
      throw new OAuthError(400, "invalid_target", "the request must name the resource (RFC 8707)");
    }
    return chosen;
  }

  /**
   * The client's allowed scopes (those on offer, within its registered scope), narrowed to the
   * assertion's and to the request's when they name any; never {@code offline_access}, as no refresh
   * token is issued. Scopes asked for beyond that are left out, as RFC 6749 §3.3 lets a server do.
   */
  private String scope(Client client, String asserted, String requested) throws OAuthError {
    List<String> allowed = new ArrayList<>(scopesOnOffer);
    allowed.remove("offline_access");
    if (client.metadata().scope() != null) {
      allowed.retainAll(List.of(client.metadata().scope().split(" ")));
    }
    if (asserted != null) {
      allowed.retainAll(List.of(asserted.split(" ")));
    }
    if (requested != null) {
      allowed.retainAll(List.of(requested.split(" ")));
    }
    LinkedHashSet<String> granted = new LinkedHashSet<>(allowed);
    if (granted.isEmpty()) {
      throw new OAuthError(400, "invalid_scope", "none of the scopes asked for may be granted");
    }
    return String.join(" ", granted);
  }
}
