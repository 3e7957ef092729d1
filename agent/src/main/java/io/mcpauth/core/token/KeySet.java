package io.mcpauth.core.token;

import java.util.List;
import java.util.Map;

/** An immutable snapshot of verification keys, indexed by {@code kid}. */
public final class KeySet {

  private final List<VerificationKey> keys;
  private final Map<String, VerificationKey> byKid;

  KeySet(List<VerificationKey> keys, Map<String, VerificationKey> byKid) {
    this.keys = List.copyOf(keys);
    this.byKid = Map.copyOf(byKid);
  }

  VerificationKey byKid(String kid) {
    return byKid.get(kid);
  }

  List<VerificationKey> keys() {
    return keys;
  }

  public int size() {
    return keys.size();
  }
}
