package io.mcpauth.core.token;

import java.util.List;
import java.util.Map;

/** An immutable snapshot of verification keys, indexed by {@code kid}. */
public final class KeySet {

  private final List<VerificationKey> keys;
  private final Map<String, VerificationKey> byKid;
  /** Kids of keys earlier sets had and this one has not, the latest last; at most {@link #MAX_RETIRED}. */
  private final List<String> retired;

  static final int MAX_RETIRED = 64;

  KeySet(List<VerificationKey> keys, Map<String, VerificationKey> byKid) {
    this(keys, byKid, List.of());
  }

  private KeySet(List<VerificationKey> keys, Map<String, VerificationKey> byKid, List<String> retired) {
    this.keys = List.copyOf(keys);
    this.byKid = Map.copyOf(byKid);
    this.retired = List.copyOf(retired);
  }

  /** This set, remembering the kids that {@code previous} (and the sets before it) had and this one lacks. */
  public KeySet after(KeySet previous) {
    if (previous == null) {
      return this;
    }
    java.util.LinkedHashSet<String> gone = new java.util.LinkedHashSet<>(previous.retired);
    gone.addAll(previous.byKid.keySet());
    gone.removeAll(byKid.keySet());
    List<String> kept = new java.util.ArrayList<>(gone);
    return new KeySet(keys, byKid, kept.subList(Math.max(0, kept.size() - MAX_RETIRED), kept.size()));
  }

  /** Whether {@code kid} named a key of an earlier set that this one no longer has. */
  public boolean retired(String kid) {
    return retired.contains(kid);
  }

  VerificationKey byKid(String kid) {
    return byKid.get(kid);
  }

  List<VerificationKey> keys() {
    return keys;
  }

  /** The keys' kids, in JWKS order ({@code (no kid)} for a key without one): for {@code doctor}. */
  public List<String> kids() {
    return keys.stream().map(key -> key.kid() == null ? "(no kid)" : key.kid()).toList();
  }

  /** A source that always answers these keys (or none, when null): for checks that must not refetch. */
  public static KeySource fixed(KeySet keys) {
    return new KeySource() {
      @Override
      public KeySet current() {
        return keys;
      }

      @Override
      public KeySet refreshForUnknownKid() {
        return keys;
      }
    };
  }

  public int size() {
    return keys.size();
  }

  /**
   * Runs one signature check per key (on nonsense input, so it fails) to load and initialise the
   * JDK's providers and the verification code before the first request needs them: on a fresh JVM
   * that costs the first request tens of milliseconds. For a background thread.
   */
  public void warmUp() {
    for (VerificationKey key : keys) {
      for (JwsAlgorithm algorithm : JwsAlgorithm.values()) {
        if (key.allows(algorithm)) {
          try {
            algorithm.verify(key.key(), new byte[32], 32, new byte[Math.max(key.signatureLength(algorithm), 1)]);
          } catch (java.security.GeneralSecurityException | RuntimeException expected) {
            // a malformed signature: the point was to get here
          }
          break;
        }
      }
    }
  }
}
