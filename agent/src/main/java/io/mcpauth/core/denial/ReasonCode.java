package io.mcpauth.core.denial;

import java.util.Locale;

/**
 * Why a request was denied: one code per denial path, logged with the denial (never the
 * token) and listed in docs/requests.md. The names are stable: log searches and alerts key on them.
 */
public enum ReasonCode {
  /** Two Authorization fields, {@code Bearer} without a token, a tab, a second token: 400. */
  AUTHORIZATION_MALFORMED,
  /** No Authorization header, or another scheme: 401 without an error code. */
  TOKEN_MISSING,
  /** Not token68 text, not a compact JWS, bad base64url or JSON, ill-typed claims, too long: 401. */
  TOKEN_MALFORMED,
  /** A JWS header parameter that is never accepted ({@code jwk}, {@code jku}, {@code crit}, ...): 401. */
  HEADER_PARAMETER_REFUSED,
  /** {@code alg} none, HS*, or one outside {@code mcpauth.algorithms}: 401. */
  ALGORITHM_REFUSED,
  /** {@code typ} missing or not an accepted access-token type; an introspected refresh token: 401. */
  TYP_NOT_ACCEPTED,
  /** No key of the issuer fits the {@code kid} and algorithm (or, without a kid, not exactly one): 401. */
  KEY_UNKNOWN,
  /** The {@code kid} names a key the issuer's JWKS had and no longer has (a security alert): 401. */
  KEY_RETIRED,
  SIGNATURE_INVALID,
  /** {@code iss} is not a trusted issuer, or a token without one: 401. */
  ISSUER_UNTRUSTED,
  /** {@code aud} missing or not naming this resource: 401. */
  AUDIENCE_MISMATCH,
  TOKEN_EXPIRED,
  /** {@code nbf} or {@code iat} in the future: 401. */
  TOKEN_NOT_YET_VALID,
  /** No {@code exp}, or one beyond {@code mcpauth.token.max-lifetime}: 401. */
  LIFETIME_REFUSED,
  /** A {@code cnf} claim or a DPoP token sent as a bearer token: 401. */
  SENDER_CONSTRAINED,
  /** The introspection endpoint says the token is not active: 401. */
  TOKEN_INACTIVE,
  /** Revoked at the embedded authorization server: 401. */
  TOKEN_REVOKED,
  /** The issuer's keys have never been loaded: 503. */
  KEYS_UNAVAILABLE,
  /** The introspection endpoint gave no usable answer (or none yet, on an event loop): 503. */
  INTROSPECTION_UNAVAILABLE,
  /** The token lacks a scope every request needs, or (per-message rules) one the message needs: 403. */
  INSUFFICIENT_SCOPE,
  /** Per-message rules: a body over {@code mcpauth.max-body-bytes}: 413. */
  BODY_TOO_LARGE,
  /** Per-message rules: a body that is not UTF-8 JSON, or has a Content-Encoding: 415. */
  BODY_MEDIA_TYPE_REFUSED,
  /** Per-message rules: a body that is not one unambiguous JSON-RPC message: 400. */
  BODY_MALFORMED,
  /** A session of another caller: 404, as for an unknown one. */
  SESSION_NOT_OWNED,
  /** A session the agent does not know (never bound, forgotten, deleted): 404. */
  SESSION_UNKNOWN,
  /** The session named more than once: 400. */
  SESSION_AMBIGUOUS,
  /** A browser Origin that is not allowed: 403. */
  ORIGIN_REFUSED,
  /** Two Origin fields: 400. */
  ORIGIN_AMBIGUOUS,
  /** A derived (loopback) resource and a Host that is not loopback: 421. */
  HOST_MISDIRECTED,
  /** A method a servlet transport does not gate (TRACE, OPTIONS, PUT, ...): 405. */
  METHOD_NOT_ALLOWED,
  /** A transport class the agent could not hook: 503. */
  TRANSPORT_UNRECOGNISED,
  /** Something threw inside the gate: 503, and the transport does not run. */
  INTERNAL_ERROR,
  /** The audit trail is on in block mode and cannot be written: 503, nothing unrecorded is served. */
  AUDIT_UNAVAILABLE;

  private final String code = name().toLowerCase(Locale.ROOT);

  /** The stable lower_snake name, as logged. */
  public String code() {
    return code;
  }

  /** Whether the verifier could not decide (503), as opposed to the token being at fault. */
  public boolean unavailable() {
    return this == KEYS_UNAVAILABLE || this == INTROSPECTION_UNAVAILABLE;
  }

  @Override
  public String toString() {
    return code;
  }
}
