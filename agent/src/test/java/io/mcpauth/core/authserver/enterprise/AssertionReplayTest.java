package io.mcpauth.core.authserver.enterprise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AssertionReplayTest {

  @Test
  @DisplayName("a jti is single use per issuer until its assertion expires (plus skew)")
  void singleUse() {
    AssertionReplay replay = new AssertionReplay(10, 60);
    assertTrue(replay.firstUse("https://idp-a", "j1", 1000, 900));
    assertFalse(replay.firstUse("https://idp-a", "j1", 1000, 901));
    assertTrue(replay.firstUse("https://idp-b", "j1", 1000, 901));
    assertFalse(replay.firstUse("https://idp-a", "j1", 1000, 1059));
  }

  @Test
  @DisplayName("a full table refuses new assertions while every entry is live, and makes room once some expired")
  void bounded() {
    AssertionReplay replay = new AssertionReplay(3, 0);
    assertTrue(replay.firstUse("i", "a", 100, 0));
    assertTrue(replay.firstUse("i", "b", 200, 0));
    assertTrue(replay.firstUse("i", "c", 200, 0));
    assertFalse(replay.firstUse("i", "d", 200, 50));
    assertTrue(replay.firstUse("i", "d", 200, 101));
    assertEquals(3, replay.size());
  }
}
