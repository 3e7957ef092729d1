package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.text.Ascii;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a JWT access token (RFC 9068) for this resource server: strict compact parsing, a
 * header allow-list, the algorithm pinned to a JWKS key, the signature through the JDK, then the
 * claims. The keys come from {@link JwksParser}; the token's JSON goes through the strict
 * {@link StrictJson}; the checks a JOSE library such as jose4j leaves open by default
 * (RS-SEC-18, RS-SEC-20, RS-SEC-22 and RS-SEC-38 in docs/requirement-ids.md) are all made here.
 */
public final class TokenVerifier implements AccessTokenVerifier {

  /** Header parameters that would make us fetch or trust key material from the token itself. */
  private static final Set<String> FORBIDDEN_HEADERS = Set.of("jwk", "jku", "x5u", "x5c", "crit", "zip", "enc", "b64", "cty");

  private final String issuer;
  private final Set<String> audiences;
  private final Set<String> algorithms;
  private final Set<String> tokenTypes;
  private final TimeClaims timeClaims;
  private final int maxLength;
  private final KeySource keys;
  private final Clock clock;

  public TokenVerifier(AgentConfig config, KeySource keys, Clock clock) {
    this(config, config.audiences(), keys, clock);
  }

  /**
   * @param audiences accepted {@code aud} values; empty when the caller checks {@code aud} itself
   *     (a derived loopback resource, or the embedded authorization server reading its own tokens)
   */
  public TokenVerifier(AgentConfig config, Set<String> audiences, KeySource keys, Clock clock) {
    this(config, config.issuer().toString(), audiences, keys, clock);
  }

  /** A verifier for one of several trusted issuers: {@code issuer}'s tokens, checked with its own {@code keys} only. */
  public TokenVerifier(AgentConfig config, String issuer, Set<String> audiences, KeySource keys, Clock clock) {
    this(issuer, audiences, config.algorithms(), config.tokenTypes(),
        TimeClaims.ofJwt(config.clockSkew(), config.tokenMaxLifetime()), config.tokenMaxLength(), keys, clock);
  }

  /**
   * A verifier for JWTs that are not access tokens, each kind with its own {@code typ} values
   * (ID tokens, identity assertions): one kind can then never pass for another (RFC 8725 §3.11).
   *
   * @param tokenTypes accepted {@code typ} values, lower case without {@code application/};
   *     {@code none} admits a JWT without {@code typ}
   */
  public TokenVerifier(String issuer, Set<String> audiences, Set<String> algorithms, Set<String> tokenTypes,
      TimeClaims timeClaims, int maxLength, KeySource keys, Clock clock) {
    this.issuer = issuer;
    this.audiences = audiences;
    this.algorithms = algorithms;
    this.tokenTypes = tokenTypes;
    this.timeClaims = timeClaims;
    this.maxLength = maxLength;
    this.keys = keys;
    this.clock = clock;
  }

  /** The issuer whose tokens this verifier accepts. */
  public String issuer() {
    return issuer;
  }

  public VerifiedToken verify(String token) throws TokenRejectedException {
    return verify(token, true);
  }

  /**
   * @param mayWait false on a thread that must never block (a WebFlux event loop): a key fetch then
   *     runs in the background and this token is judged with the keys already known
   */
  @Override
  public VerifiedToken verify(String token, boolean mayWait) throws TokenRejectedException {
    checkLength(token);
    CompactJws jws = CompactJws.parse(token);
    Map<String, Object> header = json(jws.header, "header");
    checkHeaderParameters(header);
    JwsAlgorithm algorithm = allowedAlgorithm(header);
    checkType(header.get("typ"));
    Map<String, Object> claims;
    StrictJson.MalformedJsonException malformedClaims = null;
    try {
      claims = StrictJson.parseObject(jws.payload, "claims");
    } catch (StrictJson.MalformedJsonException e) {
      claims = null;
      malformedClaims = e;
    }
    // Before any key lookup: a token naming another issuer must not make us fetch this one's keys
    // (an unknown kid would), as the several-issuers router refuses an unknown iss before its verifiers.
    if (claims != null) {
      checkIssuer(claims);
    }
    VerificationKey key = key(header.get("kid"), algorithm, mayWait);
    verifySignature(jws, algorithm, key);
    // Malformed claims are reported after the signature, so that a refusal for them says the
    // signature held (the Wycheproof vectors, whose payloads are no claim sets, rest on that).
    if (malformedClaims != null) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: " + malformedClaims.getMessage());
    }
    return claims(claims);
  }

  // Each rule below is one check of verify(); TokenCheckup calls them one by one, so
  // `doctor` judges a token by this code and never by a copy of it.

  void checkLength(String token) throws TokenRejectedException {
    if (token.length() > maxLength) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "token longer than mcpauth.token.max-length");
    }
  }

  void checkHeaderParameters(Map<String, Object> header) throws TokenRejectedException {
    for (String name : FORBIDDEN_HEADERS) {
      if (header.containsKey(name)) {
        throw new TokenRejectedException(ReasonCode.HEADER_PARAMETER_REFUSED, "header parameter '" + name + "' is not accepted");
      }
    }
    for (String name : new String[] {"kid", "typ"}) {
      if (header.containsKey(name) && header.get(name) == null) {
        throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "header parameter '" + name + "' is null");
      }
    }
  }

  JwsAlgorithm allowedAlgorithm(Map<String, Object> header) throws TokenRejectedException {
    Object alg = header.get("alg");
    JwsAlgorithm algorithm = alg instanceof String name && algorithms.contains(name) ? JwsAlgorithm.of(name) : null;
    if (algorithm == null) {
      throw new TokenRejectedException(ReasonCode.ALGORITHM_REFUSED, "algorithm not allowed (alg none, HS* and those outside mcpauth.algorithms)");
    }
    return algorithm;
  }

  void checkIssuer(Map<String, Object> claims) throws TokenRejectedException {
    if (!issuer.equals(claims.get("iss"))) {
      throw new TokenRejectedException(ReasonCode.ISSUER_UNTRUSTED, "iss is not the configured issuer");
    }
  }

  void checkType(Object typ) throws TokenRejectedException {
    if (typ == null) {
      if (!tokenTypes.contains("none")) {
        throw new TokenRejectedException(ReasonCode.TYP_NOT_ACCEPTED, "no typ header; an at+jwt access token is expected (see mcpauth.token.types)");
      }
      return;
    }
    String type = typ instanceof String s ? Ascii.toLowerCase(s) : "";
    if (type.startsWith("application/")) {
      type = type.substring("application/".length());
    }
    if (!tokenTypes.contains(type)) {
      throw new TokenRejectedException(ReasonCode.TYP_NOT_ACCEPTED, "typ is not an accepted access-token type (see mcpauth.token.types)");
    }
  }

  VerificationKey key(Object kidValue, JwsAlgorithm algorithm, boolean mayWait) throws TokenRejectedException {
    if (kidValue != null && !(kidValue instanceof String)) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "kid is not a string");
    }
    String kid = (String) kidValue;
    KeySet current = mayWait ? keys.current() : keys.currentWithoutWaiting();
    if (current == null) {
      throw new TokenRejectedException(ReasonCode.KEYS_UNAVAILABLE, "no verification keys available yet");
    }
    if (kid == null) {
      return onlyKeyFor(current, algorithm);
    }
    VerificationKey key = current.byKid(kid);
    if (key == null) {
      KeySet refreshed = mayWait ? keys.refreshForUnknownKid() : keys.refreshForUnknownKidWithoutWaiting();
      key = refreshed == null ? null : refreshed.byKid(kid);
      if (key == null) {
        if (refreshed != null && refreshed.retired(kid)) {
          throw new TokenRejectedException(ReasonCode.KEY_RETIRED, "the kid names a key that has left the JWKS");
        }
        throw new TokenRejectedException(ReasonCode.KEY_UNKNOWN, "unknown kid");
      }
    }
    if (!key.allows(algorithm)) {
      throw new TokenRejectedException(ReasonCode.KEY_UNKNOWN, "the key named by kid does not allow " + algorithm.name());
    }
    return key;
  }

  /** Without a kid, exactly one key may fit the algorithm; several are ambiguous (RS-SEC-34). */
  private static VerificationKey onlyKeyFor(KeySet current, JwsAlgorithm algorithm) throws TokenRejectedException {
    VerificationKey match = null;
    for (VerificationKey candidate : current.keys()) {
      if (candidate.allows(algorithm)) {
        if (match != null) {
          throw new TokenRejectedException(ReasonCode.KEY_UNKNOWN, "no kid and several keys fit " + algorithm.name());
        }
        match = candidate;
      }
    }
    if (match == null) {
      throw new TokenRejectedException(ReasonCode.KEY_UNKNOWN, "no kid and no key fits " + algorithm.name());
    }
    return match;
  }

  static void verifySignature(CompactJws jws, JwsAlgorithm algorithm, VerificationKey key)
      throws TokenRejectedException {
    if (jws.signature.length != key.signatureLength(algorithm)) {
      throw new TokenRejectedException(ReasonCode.SIGNATURE_INVALID, "signature has the wrong length for " + algorithm.name());
    }
    boolean valid;
    try {
      valid = algorithm.verify(key.key(), jws.ascii, jws.signingInputLength, jws.signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new TokenRejectedException(ReasonCode.SIGNATURE_INVALID, "signature invalid");
    }
  }

  /** The claims of a token whose issuer and signature are checked. */
  private VerifiedToken claims(Map<String, Object> claims) throws TokenRejectedException {
    checkAudience(claims.get("aud"));
    long exp = checkTimes(claims);
    checkNotSenderConstrained(claims);
    Map<String, Object> kept = Claims.kept(claims);
    return new VerifiedToken(
        issuer,
        Claims.optionalString(kept, "sub"),
        Claims.clientId(kept),
        Claims.scopes(claims),
        exp,
        Claims.optionalString(kept, "jti"),
        kept);
  }

  long checkTimes(Map<String, Object> claims) throws TokenRejectedException {
    return timeClaims.check(claims, clock.instant().getEpochSecond());
  }

  static void checkNotSenderConstrained(Map<String, Object> claims) throws TokenRejectedException {
    if (claims.containsKey("cnf")) {
      // A sender-constrained token (DPoP, mTLS) presented as a plain bearer token (RFC 9449 §7).
      throw new TokenRejectedException(ReasonCode.SENDER_CONSTRAINED, "sender-constrained token (cnf) sent as bearer");
    }
  }

  void checkAudience(Object aud) throws TokenRejectedException {
    if (audiences.isEmpty()) {
      // A derived loopback resource: the gate compares aud with the origin of each request.
      if (aud instanceof String || aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
        return;
      }
      throw new TokenRejectedException(ReasonCode.AUDIENCE_MISMATCH, "aud is missing or not a string or array of strings");
    }
    if (!Claims.audienceNamesAny(aud, audiences)) {
      throw new TokenRejectedException(ReasonCode.AUDIENCE_MISMATCH, "aud does not name this resource");
    }
  }

  static Map<String, Object> json(byte[] utf8, String what) throws TokenRejectedException {
    try {
      return StrictJson.parseObject(utf8, what);
    } catch (StrictJson.MalformedJsonException e) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: " + e.getMessage());
    }
  }

}
