package io.mcpauth.core.token;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What a verified access token says about its caller. Never holds the token itself. Immutable; one
 * instance serves every request with the same token while it is cached, so what the gate derives
 * from it for each request (the caller's identity entries) is worked out once, in {@link #derived}.
 */
public final class VerifiedToken {

  private final String issuer;
  private final String subject;
  private final String clientId;
  private final Set<String> scopes;
  private final long expiresAtEpochSecond;
  private final String jti;
  private final Map<String, Object> claims;
  /** Written once by {@link #derived}; a race computes the same value twice, harmlessly. */
  private volatile Object derived;

  public VerifiedToken(String issuer, String subject, String clientId, Set<String> scopes, long expiresAtEpochSecond,
      String jti, Map<String, Object> claims) {
    this.issuer = issuer;
    this.subject = subject;
    this.clientId = clientId;
    this.scopes = scopes;
    this.expiresAtEpochSecond = expiresAtEpochSecond;
    this.jti = jti;
    this.claims = claims;
  }

  public String issuer() {
    return issuer;
  }

  public String subject() {
    return subject;
  }

  public String clientId() {
    return clientId;
  }

  public Set<String> scopes() {
    return scopes;
  }

  public long expiresAtEpochSecond() {
    return expiresAtEpochSecond;
  }

  public String jti() {
    return jti;
  }

  public Map<String, Object> claims() {
    return claims;
  }

  /**
   * What {@code derive} makes of this token, computed on first use and kept: there is one consumer
   * (the gate), so one slot.
   */
  @SuppressWarnings("unchecked")
  public <T> T derived(Function<VerifiedToken, T> derive) {
    Object value = derived;
    if (value == null) {
      value = derive.apply(this);
      derived = value;
    }
    return (T) value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof VerifiedToken that && expiresAtEpochSecond == that.expiresAtEpochSecond
        && Objects.equals(issuer, that.issuer) && Objects.equals(subject, that.subject)
        && Objects.equals(clientId, that.clientId) && Objects.equals(scopes, that.scopes)
        && Objects.equals(jti, that.jti) && Objects.equals(claims, that.claims);
  }

  @Override
  public int hashCode() {
    return Objects.hash(issuer, subject, clientId, scopes, expiresAtEpochSecond, jti);
  }

  @Override
  public String toString() {
    return "VerifiedToken[issuer=" + issuer + ", subject=" + subject + ", clientId=" + clientId + ", scopes=" + scopes
        + ", expiresAtEpochSecond=" + expiresAtEpochSecond + "]";
  }
}
