package io.mcpauth.core.authserver.enterprise;

import io.mcpauth.core.config.UpstreamConfig;
import io.mcpauth.core.text.Ascii;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may sign in through the upstream provider, as whom, and with which of our scopes, all read
 * from a validated ID token. Our subject is {@link #SUBJECT_PREFIX} and the configured subject
 * claim: a users-file name never holds a colon, so the two can never collide.
 */
public final class UpstreamPolicy {

  public static final String SUBJECT_PREFIX = "upstream:";

  private final UpstreamConfig config;
  /** Every scope some group rule names: only members of such a group may have it. */
  private final Set<String> restricted = new HashSet<>();

  public UpstreamPolicy(UpstreamConfig config) {
    this.config = config;
    config.scopesFromGroups().values().forEach(restricted::addAll);
  }

  /** Our subject for the user of {@code claims}. */
  public String subject(Map<String, Object> claims) throws AssertionRejectedException {
    if (!(claims.get(config.subjectClaim()) instanceof String value) || value.isEmpty()) {
      throw new AssertionRejectedException("the ID token has no " + config.subjectClaim() + " string to name the user by");
    }
    return SUBJECT_PREFIX + value;
  }

  /** Refuses a user the allow-lists leave out. */
  public void admit(Map<String, Object> claims) throws AssertionRejectedException {
    if (!config.emailDomains().isEmpty()) {
      boolean verified = Boolean.TRUE.equals(claims.get("email_verified"));
      String email = claims.get("email") instanceof String text ? Ascii.toLowerCase(text) : "";
      int at = email.lastIndexOf('@');
      if (!verified || at < 0 || !config.emailDomains().contains(email.substring(at + 1))) {
        throw new AssertionRejectedException("the account has no verified email address in an allowed domain");
      }
    }
    for (Map.Entry<String, List<String>> rule : config.requiredClaims().entrySet()) {
      if (!holdsAny(claims.get(rule.getKey()), rule.getValue())) {
        throw new AssertionRejectedException("the account's " + rule.getKey() + " is not one that may sign in");
      }
    }
  }

  /** Those of {@code requested} the user may be granted, in their order. */
  public List<String> grantable(Map<String, Object> claims, List<String> requested) {
    Set<String> fromGroups = new HashSet<>();
    for (String group : groups(claims.get(config.groupsClaim()))) {
      List<String> mapped = config.scopesFromGroups().get(group);
      if (mapped != null) {
        fromGroups.addAll(mapped);
      }
    }
    List<String> grantable = new ArrayList<>();
    for (String scope : requested) {
      if (!restricted.contains(scope) || fromGroups.contains(scope)) {
        grantable.add(scope);
      }
    }
    return grantable;
  }

  private static List<String> groups(Object claim) {
    if (claim instanceof String single) {
      return List.of(single);
    }
    List<String> groups = new ArrayList<>();
    if (claim instanceof List<?> list) {
      for (Object entry : list) {
        if (entry instanceof String group) {
          groups.add(group);
        }
      }
    }
    return groups;
  }

  /** A string, boolean or number claim equal to one of {@code values}, or an array holding one; as JSON text. */
  private static boolean holdsAny(Object claim, List<String> values) {
    if (claim instanceof List<?> list) {
      for (Object entry : list) {
        if (!(entry instanceof List) && holdsAny(entry, values)) {
          return true;
        }
      }
      return false;
    }
    if (claim instanceof String || claim instanceof Boolean || claim instanceof Long || claim instanceof Integer) {
      return values.contains(String.valueOf(claim));
    }
    return false;
  }
}
