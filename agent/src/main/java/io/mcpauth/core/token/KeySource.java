package io.mcpauth.core.token;

/** Where the verifier gets its keys; the JWKS cache in production. */
public interface KeySource {

  /** The current keys, or null when none could be loaded yet. Never blocks on the network for long. */
  KeySet current();

  /**
   * Called when a token names a kid the current keys lack: refetches at most once per rate-limit
   * window and returns the keys then known (possibly the same ones).
   */
  KeySet refreshForUnknownKid();
}
