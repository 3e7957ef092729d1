package io.mcpauth.core.token;

/**
 * The gate's one question about a bearer token: whom does it speak for? Answered by the JWT
 * verifier, by introspection, or by a router that picks one of them by the token's issuer.
 */
public interface AccessTokenVerifier {

  /**
   * @param mayWait false on a thread that must never block (a WebFlux event loop): network work
   *     then runs in the background and, when its result is needed, the token is refused with
   *     {@link TokenRejectedException.Kind#UNAVAILABLE} for now
   */
  VerifiedToken verify(String token, boolean mayWait) throws TokenRejectedException;
}
