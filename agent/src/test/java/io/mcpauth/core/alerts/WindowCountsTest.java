package io.mcpauth.core.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WindowCountsTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("counts within the window; the previous window fades out as it slides past")
  void slides() {
    WindowCounts counts = new WindowCounts(60 * SECOND, 100);
    long t = 1_000 * SECOND;
    for (int i = 1; i <= 10; i++) {
      assertEquals(i, counts.add("a", t + i * SECOND));
    }
    // 30 s into the next window, half of the previous one is still covered
    assertEquals(1 + 5, counts.add("a", t + 90 * SECOND));
    // two whole windows later, nothing before counts
    assertEquals(1, counts.add("a", t + 300 * SECOND));
  }

  @Test
  @DisplayName("keys are counted apart, and reset starts a key again")
  void keysApart() {
    WindowCounts counts = new WindowCounts(60 * SECOND, 100);
    counts.add("a", 0);
    counts.add("a", 1);
    assertEquals(1, counts.add("b", 2));
    counts.reset("a");
    assertEquals(1, counts.add("a", 3));
  }

  @Test
  @DisplayName("many keys: at most max-keys are kept, the least recently counted go first")
  void bounded() {
    WindowCounts counts = new WindowCounts(60 * SECOND, 1000);
    counts.add("kept", 0);
    for (int i = 0; i < 100_000; i++) {
      counts.add("198.51." + i, i);
      if (i % 500 == 0) {
        counts.add("kept", i);
      }
    }
    assertTrue(counts.size() <= 1000, "size " + counts.size());
    assertTrue(counts.add("kept", 100_001) > 100, "a key still being counted is not evicted");
  }
}
