package io.mcpauth.core.alerts;

import java.util.Locale;

/** What a security alert is about: its {@code mcpauth.alert} field and its counter. */
public enum AlertKind {
  /** Many invalid tokens from one address, or for one client. */
  INVALID_TOKEN_BURST,
  /** A rotated-out refresh token came back (its grant is revoked). */
  REFRESH_TOKEN_REUSE,
  /** Many failed sign-ins from one address, or for one username. */
  LOGIN_BRUTE_FORCE,
  /** An issuer's keys have failed to load for longer than the threshold. */
  KEYS_UNREACHABLE,
  /** A token signed by a key that has left its issuer's JWKS. */
  RETIRED_KEY;

  private final String code = name().toLowerCase(Locale.ROOT);

  public String code() {
    return code;
  }
}
