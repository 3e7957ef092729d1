package io.mcpauth.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionBindingsTest {

  private final AtomicLong now = new AtomicLong();
  private final SessionBindings bindings = new SessionBindings(TimeUnit.MINUTES.toNanos(10), 100, now::get);

  private static CallerIdentity caller(String issuer, String subject, String client) {
    return new CallerIdentity(issuer, subject, client, List.of(), Map.of());
  }

  @Test
  @DisplayName("a session answers its owner only: same issuer, subject and client")
  void ownerOnly() {
    bindings.bind("s1", caller("https://a", "alice", "c1"));
    assertEquals(SessionBindings.Match.OWNER, bindings.match("s1", caller("https://a", "alice", "c1")));
    assertEquals(SessionBindings.Match.OTHER_CALLER, bindings.match("s1", caller("https://a", "mallory", "c1")));
    assertEquals(SessionBindings.Match.OTHER_CALLER, bindings.match("s1", caller("https://a", "alice", "c2")));
    assertEquals(SessionBindings.Match.OTHER_CALLER, bindings.match("s1", caller("https://b", "alice", "c1")));
    assertEquals(SessionBindings.Match.UNKNOWN, bindings.match("s2", caller("https://a", "alice", "c1")));
  }

  @Test
  @DisplayName("a subject whose text contains the separator cannot pose as another caller")
  void noKeyCollisions() {
    bindings.bind("s1", caller("https://a", "alice\nc1", ""));
    assertEquals(SessionBindings.Match.OWNER, bindings.match("s1", caller("https://a", "alice\nc1", "")));
    // the same joined text from different parts: issuer, subject, client are newline-free in practice,
    // but a subject with a newline must not match a different split
    assertEquals(SessionBindings.Match.OTHER_CALLER, bindings.match("s1", caller("https://a", "alice", "c1\n")));
  }

  @Test
  @DisplayName("trust on first use binds an unknown session to its first caller, then refuses others")
  void firstUse() {
    assertEquals(SessionBindings.Match.OWNER, bindings.bindIfUnknown("s1", caller("https://a", "alice", "c1")));
    assertEquals(SessionBindings.Match.OTHER_CALLER, bindings.bindIfUnknown("s1", caller("https://a", "bob", "c1")));
  }

  @Test
  @DisplayName("an idle binding is forgotten; use keeps it alive")
  void idleExpiry() {
    bindings.bind("s1", caller("https://a", "alice", "c1"));
    bindings.bind("s2", caller("https://a", "alice", "c1"));
    now.addAndGet(TimeUnit.MINUTES.toNanos(6));
    assertEquals(SessionBindings.Match.OWNER, bindings.match("s1", caller("https://a", "alice", "c1")));
    now.addAndGet(TimeUnit.MINUTES.toNanos(6));
    assertEquals(SessionBindings.Match.OWNER, bindings.match("s1", caller("https://a", "alice", "c1")));
    assertEquals(SessionBindings.Match.UNKNOWN, bindings.match("s2", caller("https://a", "alice", "c1")));
  }

  @Test
  @DisplayName("never more than max-bindings: the least recently used goes first")
  void bounded() {
    for (int i = 0; i < 1000; i++) {
      now.incrementAndGet();
      bindings.bind("s" + i, caller("https://a", "u" + i, "c"));
      assertTrue(bindings.size() <= 100, "size " + bindings.size());
    }
    assertEquals(SessionBindings.Match.OWNER, bindings.match("s999", caller("https://a", "u999", "c")));
    assertEquals(SessionBindings.Match.UNKNOWN, bindings.match("s0", caller("https://a", "u0", "c")));
  }

  @Test
  @DisplayName("a deleted session is forgotten")
  void removal() {
    bindings.bind("s1", caller("https://a", "alice", "c1"));
    bindings.remove("s1");
    assertEquals(SessionBindings.Match.UNKNOWN, bindings.match("s1", caller("https://a", "alice", "c1")));
  }
}
