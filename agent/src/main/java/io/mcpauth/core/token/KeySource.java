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

  /** {@link #current()} for a thread that must not wait (an event loop): starts a fetch, returns at once. */
  default KeySet currentWithoutWaiting() {
    return current();
  }

  /** {@link #refreshForUnknownKid()} for a thread that must not wait: the refetch runs in the background. */
  default KeySet refreshForUnknownKidWithoutWaiting() {
    return refreshForUnknownKid();
  }
}
