package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sign-in limits (AS-SEC-22) on a clock the test moves. */
class LoginThrottleTest {

  private static final int PER_ACCOUNT = 5;
  private static final int PER_ADDRESS = 20;

  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  private final LoginThrottle throttle = new LoginThrottle(PER_ACCOUNT, PER_ADDRESS, nanos::get);

  @Test
  @DisplayName("failures for one account from one address lock that pair only, until its window ends")
  void pairLockout() {
    for (int i = 0; i < PER_ACCOUNT; i++) {
      assertEquals(0, throttle.waitSeconds("alice", "10.0.0.9"), "try " + i);
      throttle.failed("alice", "10.0.0.9");
    }
    assertEquals(LoginThrottle.WINDOW.toSeconds(), throttle.waitSeconds("alice", "10.0.0.9"));
    assertEquals(0, throttle.waitSeconds("alice", "10.0.0.1"), "alice from her own address");
    assertEquals(0, throttle.waitSeconds("bob", "10.0.0.9"), "the attacker's address for another account");

    advance(Duration.ofMinutes(10));
    assertEquals(Duration.ofMinutes(5).toSeconds(), throttle.waitSeconds("alice", "10.0.0.9"), "Retry-After counts down");
    advance(Duration.ofMinutes(5));
    assertEquals(0, throttle.waitSeconds("alice", "10.0.0.9"), "a new window");
  }

  @Test
  @DisplayName("failures from one address across accounts (spraying) lock the address for every account")
  void addressLockout() {
    for (int i = 0; i < PER_ADDRESS; i++) {
      assertEquals(0, throttle.waitSeconds("user" + i, "10.0.0.9"), "try " + i);
      throttle.failed("user" + i, "10.0.0.9");
    }
    assertTrue(throttle.waitSeconds("someone-new", "10.0.0.9") > 0);
    assertEquals(0, throttle.waitSeconds("someone-new", "10.0.0.1"));
  }

  @Test
  @DisplayName("many addresses against one account: no lockout of the account; beyond the high threshold, addresses that failed wait progressively longer, fresh ones not at all")
  void accountWideIsADelayNotALockout() {
    int threshold = PER_ACCOUNT * LoginThrottle.ACCOUNT_WIDE_FACTOR;
    for (int i = 0; i < threshold; i++) {
      throttle.failed("alice", "10.1.0." + i);      // one failure each: no pair is locked
    }
    assertEquals(0, throttle.waitSeconds("alice", "10.0.0.1"), "an address that never failed for alice");

    // beyond the threshold: the wait after the account's last failure doubles up to the cap
    long[] expected = {1, 2, 4, 8, 16, 32, 60, 60};
    for (int k = 0; k < expected.length; k++) {
      long seconds = expected[k];
      throttle.failed("alice", "10.2.0." + k);
      assertEquals(seconds, throttle.waitSeconds("alice", "10.2.0." + k), "the address that failed last");
      assertEquals(seconds, throttle.waitSeconds("alice", "10.1.0.3"), "any address that failed for alice");
      assertEquals(0, throttle.waitSeconds("alice", "10.0.0.1"), "still nothing for a fresh address");
      assertEquals(0, throttle.waitSeconds("bob", "10.2.0." + k), "nor for another account");
      advance(Duration.ofSeconds(seconds));
      assertEquals(0, throttle.waitSeconds("alice", "10.1.0.3"), "after the delay, a try");
    }
    advance(LoginThrottle.WINDOW);
    throttle.failed("alice", "10.2.0.1");
    assertEquals(0, throttle.waitSeconds("alice", "10.2.0.1"), "a new window starts below the threshold");
  }

  @Test
  @DisplayName("a correct password clears its own address's failures for the account, not the account-wide count")
  void successClearsThePairOnly() {
    int threshold = PER_ACCOUNT * LoginThrottle.ACCOUNT_WIDE_FACTOR;
    for (int i = 0; i < threshold + 3; i++) {
      throttle.failed("alice", "10.1.0." + i);
    }
    for (int i = 0; i < PER_ACCOUNT - 1; i++) {
      throttle.failed("alice", "10.0.0.1");
    }
    throttle.succeeded("alice", "10.0.0.1");
    assertEquals(0, throttle.waitSeconds("alice", "10.0.0.1"), "her address starts afresh");
    assertTrue(throttle.waitSeconds("alice", "10.1.0.0") > 0, "the attackers' addresses are still slowed");
  }

  @Test
  @DisplayName("an address the account signed in from lately may mistype during an attack without waiting; an older one waits like any other")
  void rememberedAddressesAreNotSlowed() {
    for (int i = 0; i <= LoginThrottle.REMEMBERED_ADDRESSES; i++) {
      throttle.succeeded("alice", "10.0.0." + i);   // 10.0.0.0 is the oldest, and forgotten
    }
    int threshold = PER_ACCOUNT * LoginThrottle.ACCOUNT_WIDE_FACTOR;
    for (int i = 0; i < threshold + 10; i++) {
      throttle.failed("alice", "10.1." + (i / 250) + "." + (i % 250));
    }
    throttle.failed("alice", "10.0.0.0");
    throttle.failed("alice", "10.0.0.1");
    assertEquals(0, throttle.waitSeconds("alice", "10.0.0.1"), "her home address, after one typo");
    assertEquals(LoginThrottle.MAX_DELAY.toSeconds(), throttle.waitSeconds("alice", "10.0.0.0"), "an address she has not used lately");
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
