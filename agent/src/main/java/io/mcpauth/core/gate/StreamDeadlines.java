package io.mcpauth.core.gate;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.logging.AgentLog;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends a servlet SSE stream when the token that opened it expires: the transport holds such a
 * stream open indefinitely ({@code setTimeout(0)}), and no later request would re-check the token.
 * The client reconnects with a fresh token, which the gate checks like any other.
 */
final class StreamDeadlines {

  /** Created with the first SSE stream, not in premain: most servers never open one. */
  private static final class Timer {
    static final ScheduledThreadPoolExecutor INSTANCE = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "mcpauth-streams");
      thread.setDaemon(true);
      return thread;
    });

    static {
      INSTANCE.setRemoveOnCancelPolicy(true);
    }
  }

  void endAt(ServletApi api, Object asyncContext, long expiresAtEpochSecond, String subject) {
    long delayMillis = Math.max(0, expiresAtEpochSecond * 1000 - System.currentTimeMillis());
    Timer.INSTANCE.schedule(() -> {
      try {
        api.complete(asyncContext);
        AgentLog.info("ended an SSE stream of subject {}: its token expired", LogText.printable(subject));
      } catch (Throwable alreadyEnded) {
        // the stream ended before its token did: the container refuses a second completion
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
  }
}
