package io.mcpauth.core.gate;

import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The gate's log line per denied request, at most {@code mcpauth.log.denials-per-second} of them
 * in each second. A flood of bad tokens would otherwise write one line per request: every request
 * thread then waits its turn on the one output stream (a write call each), and the log grows as
 * fast as anyone can send. Denials beyond the limit are counted by reason code; the next line
 * written is preceded by one that says how many were not logged and why. Nothing is lost from the
 * metrics or the audit trail, which count and record every denial.
 */
final class DenialLog {

  private static final ReasonCode[] REASONS = ReasonCode.values();
  private static final long SECOND = 1_000_000_000L;

  private final int perSecond;
  private final LongSupplier nanos;
  /** The second (of {@link #nanos}) whose lines {@link #written} counts. */
  private final AtomicLong second = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger written = new AtomicInteger();
  private final LongAdder[] notLogged = new LongAdder[REASONS.length];
  /** Wall-clock milliseconds of the first denial not logged since the last summary; 0 when there is none. */
  private final AtomicLong notLoggedSince = new AtomicLong();

  /** @param perSecond lines per second at most; 0 logs every denial */
  DenialLog(int perSecond, LongSupplier nanos) {
    this.perSecond = perSecond;
    this.nanos = nanos;
    for (int i = 0; i < REASONS.length; i++) {
      notLogged[i] = new LongAdder();
    }
  }

  void denied(RequestView request, int status, ReasonCode reason, String detail) {
    if (!AgentLog.enabled(AgentLog.Level.INFO)) {
      return;
    }
    if (perSecond > 0 && !mayWrite()) {
      notLogged[reason.ordinal()].increment();
      if (notLoggedSince.get() == 0) {
        notLoggedSince.compareAndSet(0, System.currentTimeMillis());
      }
      return;
    }
    if (notLoggedSince.get() != 0) {
      summarise();
    }
    AgentLog.info("denied {} {}: {} {} ({})", request.method(), LogText.printable(request.path()),
        status, reason.code(), detail);
  }

  /** Whether this second has room for one more line; counts it if so. Racing threads may let a few more through. */
  private boolean mayWrite() {
    long now = Math.floorDiv(nanos.getAsLong(), SECOND);
    long current = second.get();
    if (now != current && second.compareAndSet(current, now)) {
      written.set(0);
    }
    return written.incrementAndGet() <= perSecond;
  }

  private void summarise() {
    long since;
    StringBuilder counts = new StringBuilder();
    long total = 0;
    synchronized (this) {
      since = notLoggedSince.getAndSet(0);
      if (since == 0) {
        return; // another thread wrote it
      }
      for (int i = 0; i < REASONS.length; i++) {
        long n = notLogged[i].sumThenReset();
        if (n > 0) {
          counts.append(total == 0 ? "" : ", ").append(n).append(' ').append(REASONS[i].code());
          total += n;
        }
      }
    }
    if (total == 0) {
      return; // counted in the summary before, when its first denial raced the reset
    }
    AgentLog.info("{} denials not logged since {} (over mcpauth.log.denials-per-second={}): {}", total,
        AgentLog.timestamp(since), perSecond, counts);
  }
}
