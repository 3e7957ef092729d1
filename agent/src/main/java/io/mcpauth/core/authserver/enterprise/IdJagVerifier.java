package io.mcpauth.core.authserver.enterprise;

import io.mcpauth.core.keys.HttpFetcher;
import io.mcpauth.core.keys.JwksKeySource;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.Claims;
import io.mcpauth.core.token.IssuerRouter;
import io.mcpauth.core.token.KeySource;
import io.mcpauth.core.token.TimeClaims;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedToken;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Checks an Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant
 * §3.1, §4.4.1) with the access-token verifier's own machinery, under the ID-JAG's rules: {@code typ}
 * {@code oauth-id-jag+jwt} only; {@code iss} one of the trusted IdPs, picked before any key is
 * fetched, and its keys alone; {@code aud} exactly our issuer; {@code exp} and {@code iat} present
 * and close together; {@code sub}, {@code jti} and {@code client_id} present, the last equal to the
 * authenticated client. What the assertion asks for ({@code resource}, {@code scope}) is returned
 * for the token endpoint to hold against its own policy; single use of {@code jti} is
 * {@link AssertionReplay}'s.
 */
public final class IdJagVerifier {

  public static final String TYPE = "oauth-id-jag+jwt";

  /** What a valid assertion says. {@code resources} empty and {@code scope} null when absent. */
  public record Assertion(String issuer, String subject, String jti, long expiresAt, List<String> resources,
      String scope) {}

  private final AccessTokenVerifier verifier;
  private final long maxLifetimeSeconds;
  private final List<JwksKeySource> keySources;

  /**
   * @param keysFor each trusted IdP's keys, by its issuer identifier
   * @param ourIssuer the only accepted {@code aud}
   */
  public IdJagVerifier(Map<String, KeySource> keysFor, String ourIssuer, Set<String> algorithms, Duration clockSkew,
      Duration maxLifetime, int maxLength, Clock clock) {
    this(keysFor, ourIssuer, algorithms, clockSkew, maxLifetime, maxLength, clock, List.of());
  }

  private IdJagVerifier(Map<String, KeySource> keysFor, String ourIssuer, Set<String> algorithms, Duration clockSkew,
      Duration maxLifetime, int maxLength, Clock clock, List<JwksKeySource> keySources) {
    Map<String, AccessTokenVerifier> byIssuer = new LinkedHashMap<>();
    for (Map.Entry<String, KeySource> idp : keysFor.entrySet()) {
      byIssuer.put(idp.getKey(), new TokenVerifier(idp.getKey(), Set.of(ourIssuer), algorithms, Set.of(TYPE),
          TimeClaims.ofJwt(clockSkew, maxLifetime), maxLength, idp.getValue(), clock));
    }
    // The router reads iss first and refuses an untrusted one before any key is looked for.
    this.verifier = new IssuerRouter(byIssuer, null, maxLength);
    this.maxLifetimeSeconds = maxLifetime.toSeconds();
    this.keySources = keySources;
  }

  /** A verifier for {@code issuers}, whose keys are found through their metadata and fetched on {@code background}. */
  public static IdJagVerifier discovering(List<URI> issuers, String ourIssuer, Set<String> algorithms, Duration clockSkew,
      Duration maxLifetime, int maxLength, HttpFetcher fetcher, Executor background, Duration refresh,
      Duration minRefetch, Duration timeout, Clock clock) {
    Map<String, KeySource> keys = new LinkedHashMap<>();
    List<JwksKeySource> sources = new ArrayList<>();
    for (URI issuer : issuers) {
      JwksKeySource source = new JwksKeySource(issuer, null, fetcher, background, System::nanoTime, refresh, minRefetch,
          timeout);
      keys.put(issuer.toString(), source);
      sources.add(source);
    }
    return new IdJagVerifier(keys, ourIssuer, algorithms, clockSkew, maxLifetime, maxLength, clock, List.copyOf(sources));
  }

  /** Starts fetching every IdP's keys, so that the first assertion rarely waits. */
  public void prefetch() {
    keySources.forEach(JwksKeySource::prefetch);
  }

  public Assertion verify(String assertion, String authenticatedClientId) throws AssertionRejectedException {
    VerifiedToken token;
    try {
      token = verifier.verify(assertion, true);
    } catch (TokenRejectedException e) {
      throw new AssertionRejectedException("the assertion is not valid: " + e.getMessage());
    }
    Map<String, Object> claims = token.claims();
    if (!(claims.get("aud") instanceof String) && !(claims.get("aud") instanceof List<?> list && list.size() == 1)) {
      // ID-JAG §4.4.1: our issuer, alone; an assertion meant for several audiences is not ours to redeem.
      throw new AssertionRejectedException("the assertion's aud must be this issuer alone");
    }
    Long iat = numericDate(claims, "iat");
    if (iat == null) {
      throw new AssertionRejectedException("the assertion has no iat");
    }
    if (token.expiresAtEpochSecond() - iat > maxLifetimeSeconds) {
      throw new AssertionRejectedException("the assertion lives longer than mcpauth.as.id-jag.max-lifetime");
    }
    String subject = string(claims, "sub");
    String jti = string(claims, "jti");
    String clientId = string(claims, "client_id");
    if (subject == null || jti == null || clientId == null) {
      throw new AssertionRejectedException("the assertion must carry sub, jti and client_id");
    }
    if (!clientId.equals(authenticatedClientId)) {
      throw new AssertionRejectedException("the assertion was issued for another client");
    }
    if (claims.containsKey("authorization_details")) {
      throw new AssertionRejectedException("authorization_details are not supported");
    }
    Object scope = claims.get("scope");
    if (scope != null && !(scope instanceof String)) {
      throw new AssertionRejectedException("the assertion's scope is not a string");
    }
    return new Assertion(token.issuer(), subject, jti, token.expiresAtEpochSecond(), resources(claims.get("resource")),
        (String) scope);
  }

  private static List<String> resources(Object resource) throws AssertionRejectedException {
    if (resource == null) {
      return List.of();
    }
    if (resource instanceof String single) {
      return List.of(single);
    }
    if (resource instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw new AssertionRejectedException("the assertion's resource is not a string or an array of strings");
  }

  private static Long numericDate(Map<String, Object> claims, String name) throws AssertionRejectedException {
    try {
      return Claims.numericDate(claims, name);
    } catch (TokenRejectedException e) {
      throw new AssertionRejectedException("the assertion's " + name + " is not a NumericDate");
    }
  }

  private static String string(Map<String, Object> claims, String name) throws AssertionRejectedException {
    Object value = claims.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new AssertionRejectedException("the assertion's " + name + " is not a non-empty string");
    }
    return text;
  }
}
