package io.mcpauth.core.token;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Text that repeats from token to token, kept once: claim names, and the values of the claims that
 * name an issuer, audience, client, subject or scopes. A full verified-token cache holds thousands of
 * claim sets that differ in little but {@code jti} and the times, and each parse makes new strings.
 *
 * <p>Bounded: once {@value #MAX_VALUES} distinct values or scope strings are kept, further ones are
 * used as they are. Only verified tokens reach it.
 */
final class SharedClaimText {

  static final int MAX_VALUES = 4096;
  private static final int MAX_LENGTH = 512;

  private static final Map<String, String> NAMES = names("iss", "sub", "aud", "exp", "nbf", "iat", "jti",
      "scope", "scp", "client_id", "azp", "cid", "sid", "auth_time", "acr", "amr", "typ", "ver", "tid",
      "oid", "uid", "idp", "roles", "groups", "email", "email_verified", "name", "preferred_username",
      "given_name", "family_name", "realm_access", "resource_access", "allowed-origins", "session_state",
      "token_type", "active", "username", "act", "may_act");
  /** The claims whose string values are shared. */
  private static final Set<String> SHARED_VALUES = Set.of("iss", "sub", "aud", "scope", "scp", "client_id", "azp",
      "cid", "tid", "idp", "typ", "acr", "ver");

  private static final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, Set<String>> scopeSets = new ConcurrentHashMap<>();

  private SharedClaimText() {}

  /** The shared instance of a well-known claim name, or the name itself. */
  static String name(String name) {
    String known = NAMES.get(name);
    return known != null ? known : name;
  }

  /** True for the claims whose string values repeat across tokens. */
  static boolean sharesValues(String name) {
    return SHARED_VALUES.contains(name);
  }

  /** The shared instance of {@code text}, while there is room. */
  static String value(String text) {
    if (text.length() > MAX_LENGTH) {
      return text;
    }
    String shared = values.get(text);
    if (shared != null) {
      return shared;
    }
    if (values.size() >= MAX_VALUES) {
      return text;
    }
    shared = values.putIfAbsent(text, text);
    return shared != null ? shared : text;
  }

  /** The scopes of a space-separated {@code scope} claim, in order, as one shared immutable set. */
  static Set<String> scopeSet(String text) {
    Set<String> shared = scopeSets.get(text);
    if (shared != null) {
      return shared;
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (String part : text.split(" ")) {
      if (!part.isEmpty()) {
        scopes.add(value(part));
      }
    }
    Set<String> parsed = Collections.unmodifiableSet(scopes);
    if (text.length() > MAX_LENGTH || scopeSets.size() >= MAX_VALUES) {
      return parsed;
    }
    shared = scopeSets.putIfAbsent(text, parsed);
    return shared != null ? shared : parsed;
  }

  private static Map<String, String> names(String... names) {
    Map<String, String> table = new java.util.HashMap<>();
    for (String name : names) {
      table.put(name, name);
    }
    return Map.copyOf(table);
  }
}
