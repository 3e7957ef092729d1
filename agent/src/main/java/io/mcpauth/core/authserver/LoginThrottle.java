package io.mcpauth.core.authserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Whether a password may be checked now (AS-SEC-22), so that guessing is slow and yet nobody can
 * lock a user out by naming her. Failed sign-ins count in 15-minute windows, by client address
 * ({@link AddressKey}), three ways:
 * <ul>
 *   <li>one account from one address: {@code failuresPerAccount}, then that address gets 429 for
 *       that account until its window ends;
 *   <li>one address across accounts (password spraying): {@code failuresPerAddress}, then 429;
 *   <li>one account across all addresses: no lockout, which would lock the user out too. Beyond
 *       {@link #ACCOUNT_WIDE_FACTOR} times {@code failuresPerAccount}, an address that has itself
 *       failed for the account waits 1, 2, 4... up to {@link #MAX_DELAY} after the account's last
 *       failure before its next try. An address that has not failed for the account is never
 *       held back, so the user signs in from her own address while others hammer her account;
 *       nor is one of the last {@link #REMEMBERED_ADDRESSES} addresses the account signed in
 *       from, so that she may mistype there too.
 * </ul>
 */
final class LoginThrottle {

  static final Duration WINDOW = Duration.ofMinutes(15);
  static final int ACCOUNT_WIDE_FACTOR = 10;
  static final Duration MAX_DELAY = Duration.ofMinutes(1);
  static final int REMEMBERED_ADDRESSES = 4;
  private static final int MAX_ACCOUNTS = 50_000;
  private static final long SECOND = 1_000_000_000L;

  private record AccountFailures(long windowStart, int count, long last) {}

  private final RateLimiter perAccountAndAddress;
  private final RateLimiter perAddress;
  private final int accountWideThreshold;
  private final LongSupplier nanoTime;
  private final Map<String, AccountFailures> accounts = new ConcurrentHashMap<>();
  /** Where each account last signed in, newest last; only a correct password adds to it. */
  private final Map<String, List<String>> signedInFrom = new ConcurrentHashMap<>();

  LoginThrottle(int failuresPerAccount, int failuresPerAddress, LongSupplier nanoTime) {
    // Filling this table takes failures from many addresses; the address limit bounds what a
    // forgotten pair can still try, so a full table forgets rather than locking every pair out.
    this.perAccountAndAddress = RateLimiter.forgettingOldest(failuresPerAccount, WINDOW, nanoTime, RateLimiter.MAX_KEYS);
    this.perAddress = new RateLimiter(failuresPerAddress, WINDOW, nanoTime);
    this.accountWideThreshold = (int) Math.min(Integer.MAX_VALUE, (long) failuresPerAccount * ACCOUNT_WIDE_FACTOR);
    this.nanoTime = nanoTime;
  }

  /**
   * @param account the username as typed, lower-cased
   * @param address an {@link AddressKey}
   * @return 0 when the password may be checked now, else the seconds to wait (Retry-After)
   */
  long waitSeconds(String account, String address) {
    String pair = pair(account, address);
    long wait = 0;
    if (perAccountAndAddress.exhausted(pair)) {
      wait = perAccountAndAddress.retryAfterSeconds(pair);
    }
    if (perAddress.exhausted(address)) {
      wait = Math.max(wait, perAddress.retryAfterSeconds(address));
    }
    if (wait == 0 && perAccountAndAddress.count(pair) > 0 && !signedInFrom(account, address)) {
      wait = accountWideDelay(account);
    }
    return wait;
  }

  void failed(String account, String address) {
    perAccountAndAddress.record(pair(account, address));
    perAddress.record(address);
    long now = nanoTime.getAsLong();
    if (accounts.size() >= MAX_ACCOUNTS && !accounts.containsKey(account) && !sweep(now)) {
      // Only this slowdown is skipped; the two limits above still hold every address.
      return;
    }
    accounts.compute(account, (k, f) -> f == null || now - f.windowStart >= WINDOW.toNanos()
        ? new AccountFailures(now, 1, now)
        : new AccountFailures(f.windowStart, f.count == Integer.MAX_VALUE ? f.count : f.count + 1, now));
  }

  /** A correct password: this address starts afresh for this account; the account-wide count stays. */
  void succeeded(String account, String address) {
    perAccountAndAddress.reset(pair(account, address));
    if (signedInFrom.size() >= MAX_ACCOUNTS && !signedInFrom.containsKey(account)) {
      return;
    }
    signedInFrom.compute(account, (k, addresses) -> {
      List<String> updated = new ArrayList<>(addresses == null ? List.of() : addresses);
      updated.remove(address);
      updated.add(address);
      return List.copyOf(updated.subList(Math.max(0, updated.size() - REMEMBERED_ADDRESSES), updated.size()));
    });
  }

  private boolean signedInFrom(String account, String address) {
    List<String> addresses = signedInFrom.get(account);
    return addresses != null && addresses.contains(address);
  }

  private long accountWideDelay(String account) {
    AccountFailures failures = accounts.get(account);
    long now = nanoTime.getAsLong();
    if (failures == null || now - failures.windowStart >= WINDOW.toNanos() || failures.count <= accountWideThreshold) {
      return 0;
    }
    int doublings = Math.min(failures.count - accountWideThreshold - 1, 30);
    long delay = Math.min(SECOND << doublings, MAX_DELAY.toNanos());
    long remaining = failures.last + delay - now;
    return remaining <= 0 ? 0 : (remaining + SECOND - 1) / SECOND;
  }

  private synchronized boolean sweep(long now) {
    accounts.values().removeIf(f -> now - f.windowStart >= WINDOW.toNanos());
    return accounts.size() < MAX_ACCOUNTS;
  }

  private static String pair(String account, String address) {
    return address + "\n" + account;
  }
}
