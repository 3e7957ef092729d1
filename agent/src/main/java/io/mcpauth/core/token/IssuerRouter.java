package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.json.StrictJson;
import java.util.Base64;
import java.util.Map;

/**
 * Several trusted issuers: a JWT's {@code iss}, read before anything is verified, picks the one
 * verifier allowed to judge it, by exact string match. That verifier checks the signature with its
 * own issuer's keys only, or asks its own issuer's introspection endpoint, so a key of one issuer
 * never vouches for a token claiming another (RS-SEC-35); an unknown {@code iss} is refused.
 *
 * <p>A token is a JWT when it has three parts and the first decodes to a JSON object (a JWS header);
 * from then on it is held to the JWT rules. Any other token is opaque and goes to the one issuer
 * that uses introspection, or is refused when no single such issuer exists: nothing else could say
 * whose it is. A token is never tried on a second verifier (RS-SEC-56).
 */
public final class IssuerRouter implements AccessTokenVerifier {

  private final Map<String, AccessTokenVerifier> byIssuer;
  private final AccessTokenVerifier opaqueTokens;
  private final int maxLength;

  /**
   * @param byIssuer each trusted issuer's verifier, keyed by its issuer identifier
   * @param opaqueTokens the verifier of the one introspecting issuer, or null to refuse opaque tokens
   */
  public IssuerRouter(Map<String, AccessTokenVerifier> byIssuer, AccessTokenVerifier opaqueTokens, int maxLength) {
    this.byIssuer = Map.copyOf(byIssuer);
    this.opaqueTokens = opaqueTokens;
    this.maxLength = maxLength;
  }

  @Override
  public VerifiedToken verify(String token, boolean mayWait) throws TokenRejectedException {
    if (token.length() > maxLength) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "token longer than mcpauth.token.max-length");
    }
    String issuer = jwtIssuer(token);
    if (issuer == null) {
      if (opaqueTokens == null) {
        throw new TokenRejectedException(ReasonCode.ISSUER_UNTRUSTED, "not a JWT, and there is not exactly one introspecting issuer to ask");
      }
      return opaqueTokens.verify(token, mayWait);
    }
    AccessTokenVerifier verifier = byIssuer.get(issuer);
    if (verifier == null) {
      throw new TokenRejectedException(ReasonCode.ISSUER_UNTRUSTED, "iss is not a trusted issuer");
    }
    return verifier.verify(token, mayWait);
  }

  /** The unverified {@code iss} of a JWT, which picks its verifier; null when the token is not a JWT. */
  public static String jwtIssuer(String token) throws TokenRejectedException {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0 || !isJsonObject(token.substring(0, first))) {
      return null;
    }
    CompactJws jws = CompactJws.parse(token);
    Object iss;
    try {
      iss = StrictJson.parseObject(jws.payload, "claims").get("iss");
    } catch (StrictJson.MalformedJsonException e) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: " + e.getMessage());
    }
    if (!(iss instanceof String name)) {
      throw new TokenRejectedException(ReasonCode.ISSUER_UNTRUSTED, "a JWT without an iss string: no issuer to verify it");
    }
    return name;
  }

  private static boolean isJsonObject(String base64url) {
    try {
      byte[] decoded = Base64.getUrlDecoder().decode(base64url);
      if (decoded.length == 0 || decoded[0] != '{') {
        return false;
      }
      StrictJson.parseObject(decoded, "header");
      return true;
    } catch (IllegalArgumentException | StrictJson.MalformedJsonException e) {
      return false;
    }
  }
}
