package io.mcpauth.core.gate;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which caller owns each MCP session ({@code Mcp-Session-Id}, or the legacy SSE
 * {@code sessionId}): the issuer, subject and client that created it. Bounded in number and
 * forgotten after an idle time, so it never grows without bound; a forgotten session answers 404,
 * and the MCP client initializes a new one, as it must for any expired session.
 */
final class SessionBindings {

  enum Match { OWNER, OTHER_CALLER, UNKNOWN }

  private static final class Binding {
    final CallerIdentity.Owner owner;
    volatile long lastUsed;

    Binding(CallerIdentity.Owner owner, long now) {
      this.owner = owner;
      this.lastUsed = now;
    }
  }

  private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
  private final long idleNanos;
  private final int maxBindings;
  private final LongSupplier nanoTime;

  SessionBindings(long idleNanos, int maxBindings, LongSupplier nanoTime) {
    this.idleNanos = idleNanos;
    this.maxBindings = maxBindings;
    this.nanoTime = nanoTime;
  }

  void bind(String sessionId, CallerIdentity caller) {
    long now = nanoTime.getAsLong();
    if (bindings.size() >= maxBindings) {
      makeRoom(now);
    }
    bindings.put(sessionId, new Binding(caller.owner(), now));
  }

  /** Binds an unknown session to {@code caller} (trust on first use); otherwise as {@link #match}. */
  Match bindIfUnknown(String sessionId, CallerIdentity caller) {
    long now = nanoTime.getAsLong();
    if (bindings.size() >= maxBindings && !bindings.containsKey(sessionId)) {
      makeRoom(now);
    }
    Binding binding = bindings.computeIfAbsent(sessionId, id -> new Binding(caller.owner(), now));
    return matchOf(sessionId, binding, caller, now);
  }

  Match match(String sessionId, CallerIdentity caller) {
    return matchOf(sessionId, bindings.get(sessionId), caller, nanoTime.getAsLong());
  }

  void remove(String sessionId) {
    bindings.remove(sessionId);
  }

  int size() {
    return bindings.size();
  }

  private Match matchOf(String sessionId, Binding binding, CallerIdentity caller, long now) {
    if (binding == null) {
      return Match.UNKNOWN;
    }
    if (now - binding.lastUsed > idleNanos) {
      bindings.remove(sessionId, binding);
      return Match.UNKNOWN;
    }
    if (!binding.owner.equals(caller.owner())) {
      return Match.OTHER_CALLER;
    }
    binding.lastUsed = now;
    return Match.OWNER;
  }

  /** Drops idle bindings; when every binding is live, the least recently used one. */
  private synchronized void makeRoom(long now) {
    bindings.values().removeIf(b -> now - b.lastUsed > idleNanos);
    while (bindings.size() >= maxBindings) {
      String oldest = null;
      long oldestUse = Long.MAX_VALUE;
      for (Iterator<Map.Entry<String, Binding>> it = bindings.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Binding> entry = it.next();
        if (entry.getValue().lastUsed < oldestUse) {
          oldestUse = entry.getValue().lastUsed;
          oldest = entry.getKey();
        }
      }
      if (oldest == null) {
        return;
      }
      bindings.remove(oldest);
    }
  }
}
