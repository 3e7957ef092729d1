package io.mcpauth.core.gate;

import io.mcpauth.core.token.VerifiedToken;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The caller of each recently admitted token, found by the token's identity: the verified-token
 * cache hands back the same {@link VerifiedToken} for a repeated token, so a caller's next request
 * finds its identity and its {@code mcpauth.*} entries here and allocates neither. A slot holds the
 * last token that hashed to it; a miss only builds them anew.
 */
final class AdmittedCallers {

  /** A token's caller and entries, built once. */
  static final class Caller {
    final VerifiedToken token;
    final CallerIdentity identity;
    final Map<String, Object> entries;

    Caller(VerifiedToken token) {
      this.token = token;
      this.identity = CallerIdentity.of(token);
      this.entries = identity.entries();
    }
  }

  private static final int SLOTS = 256;

  private final AtomicReferenceArray<Caller> slots = new AtomicReferenceArray<>(SLOTS);

  Caller of(VerifiedToken token) {
    int slot = System.identityHashCode(token) & (SLOTS - 1);
    Caller known = slots.get(slot);
    if (known != null && known.token == token) {
      return known;
    }
    Caller caller = new Caller(token);
    slots.lazySet(slot, caller);
    return caller;
  }
}
