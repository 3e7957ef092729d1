package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the claims of an access token are read, one rule each, whether they come from a JWT or from
 * an introspection response (RFC 7662 §2.2 uses the JWT claim names and types).
 */
public final class Claims {

  /** The claims that may name the client, in the order {@link #clientId} reads them. */
  private static final List<String> CLIENT_CLAIMS = List.of("client_id", "azp", "cid");

  private Claims() {}

  /** RFC 7519 NumericDate: a JSON number, integral or not; anything else is refused (RS-SEC-39). */
  public static Long numericDate(Map<String, Object> claims, String name) throws TokenRejectedException {
    Object value = claims.get(name);
    if (value == null) {
      if (claims.containsKey(name)) {
        throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, name + " is null");
      }
      return null;
    }
    if (value instanceof Long || value instanceof Integer) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double d && Double.isFinite(d) && Math.abs(d) < 1e15) {
      return (long) Math.floor(d);
    }
    throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, name + " is not a usable NumericDate");
  }

  public static String optionalString(Map<String, Object> claims, String name) throws TokenRejectedException {
    Object value = claims.get(name);
    if (value != null && !(value instanceof String)) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, name + " is not a string");
    }
    return (String) value;
  }

  /**
   * The client the token was issued to: RFC 9068 {@code client_id}; without it, {@code azp} (Keycloak,
   * Entra v2, Auth0's default profile), then {@code cid} (Okta). The first claim present decides, and
   * must be a string; the later ones are then not read.
   */
  public static String clientId(Map<String, Object> claims) throws TokenRejectedException {
    for (String name : CLIENT_CLAIMS) {
      if (claims.get(name) != null) {
        return optionalString(claims, name);
      }
    }
    return null;
  }

  /** True when {@code aud}, a string or an array of strings, names one of {@code audiences}. */
  public static boolean audienceNamesAny(Object aud, Set<String> audiences) throws TokenRejectedException {
    if (aud instanceof String single) {
      return audiences.contains(single);
    }
    if (aud instanceof List<?> list) {
      boolean match = false;
      for (Object entry : list) {
        if (!(entry instanceof String value)) {
          throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "aud has a non-string entry");
        }
        match |= audiences.contains(value);
      }
      return match;
    }
    return false;
  }

  /**
   * The claims as a verified token keeps them, possibly for as long as it is cached: immutable and
   * compact (one array, no entry objects), with claim names and the values that repeat across
   * tokens (issuer, audience, client, subject, scope) shared through {@link SharedClaimText}. A claim
   * whose value is JSON null is left out, as absent; it can say nothing a consumer could rely on.
   */
  public static Map<String, Object> kept(Map<String, Object> claims) {
    List<Map.Entry<String, Object>> kept = new ArrayList<>(claims.size());
    for (Map.Entry<String, Object> claim : claims.entrySet()) {
      Object value = claim.getValue();
      if (value != null) {
        String name = SharedClaimText.name(claim.getKey());
        kept.add(Map.entry(name, SharedClaimText.sharesValues(name) ? shared(value) : value));
      }
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, Object>[] entries = kept.toArray(new Map.Entry[0]);
    return Map.ofEntries(entries);
  }

  private static Object shared(Object value) {
    if (value instanceof String text) {
      return SharedClaimText.value(text);
    }
    if (value instanceof List<?> list) {
      Object[] texts = list.toArray();
      for (int i = 0; i < texts.length; i++) {
        if (!(texts[i] instanceof String text)) {
          return value;
        }
        texts[i] = SharedClaimText.value(text);
      }
      return List.of(texts);
    }
    return value;
  }

  /**
   * RFC 9068 §2.2.3 {@code scope} is a space-separated string; {@code scp} (Okta, Entra) may be a
   * string or an array of strings. Anything else is a malformed token (RS-SEC-48/49).
   */
  public static Set<String> scopes(Map<String, Object> claims) throws TokenRejectedException {
    Object scope = claims.containsKey("scope") ? claims.get("scope") : claims.get("scp");
    if (scope == null) {
      return Set.of();
    }
    if (scope instanceof String text) {
      return SharedClaimText.scopeSet(text);
    }
    Set<String> scopes = new LinkedHashSet<>();
    if (scope instanceof List<?> list && claims.get("scope") == null) {
      for (Object entry : list) {
        if (!(entry instanceof String value)) {
          throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "scp has a non-string entry");
        }
        scopes.add(value);
      }
    } else {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "scope is neither a string nor (as scp) an array of strings");
    }
    return Collections.unmodifiableSet(scopes);
  }
}
