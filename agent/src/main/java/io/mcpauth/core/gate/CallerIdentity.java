package io.mcpauth.core.gate;

import io.mcpauth.core.token.VerifiedToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The caller the gate admitted: what tool, resource and prompt handlers see through the SDK's
 * {@code McpTransportContext}, and what a session is bound to.
 */
record CallerIdentity(String issuer, String subject, String clientId, List<String> scopes, Map<String, Object> claims) {

  static final String SUBJECT = "mcpauth.subject";
  static final String CLIENT_ID = "mcpauth.client_id";
  static final String ISSUER = "mcpauth.issuer";
  static final String SCOPES = "mcpauth.scopes";
  static final String CLAIMS = "mcpauth.claims";
  static final List<String> KEYS = List.of(SUBJECT, CLIENT_ID, ISSUER, SCOPES, CLAIMS);

  static CallerIdentity of(VerifiedToken token) {
    return new CallerIdentity(token.issuer(), token.subject(), token.clientId(), List.copyOf(token.scopes()),
        token.claims());
  }

  /** Whom a session belongs to; compared part by part, so no subject text can pose as another split. */
  record Owner(String issuer, String subject, String clientId) {}

  /** The sessions of one caller: same issuer, subject and client. */
  Owner owner() {
    return new Owner(issuer, subject, clientId);
  }

  /**
   * The {@code mcpauth.*} entries, immutable and without nulls: SDK 2.x builds its context with
   * Map.copyOf, which throws on a null value and returns an immutable map as it is.
   */
  Map<String, Object> entries() {
    List<Map.Entry<String, Object>> entries = new ArrayList<>(KEYS.size());
    put(entries, SUBJECT, subject);
    put(entries, CLIENT_ID, clientId);
    put(entries, ISSUER, issuer);
    put(entries, SCOPES, scopes);
    put(entries, CLAIMS, claims);
    @SuppressWarnings("unchecked")
    Map.Entry<String, Object>[] array = entries.toArray(new Map.Entry[0]);
    return Map.ofEntries(array);
  }

  private static void put(List<Map.Entry<String, Object>> entries, String key, Object value) {
    if (value != null) {
      entries.add(Map.entry(key, value));
    }
  }
}
