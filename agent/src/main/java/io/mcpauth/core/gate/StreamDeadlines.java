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

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
    Thread thread = new Thread(runnable, "mcpauth-streams");
    thread.setDaemon(true);
    return thread;
  });

  StreamDeadlines() {
    timer.setRemoveOnCancelPolicy(true);
  }

  void endAt(ServletApi api, Object asyncContext, long expiresAtEpochSecond, String subject) {
    long delayMillis = Math.max(0, expiresAtEpochSecond * 1000 - System.currentTimeMillis());
    timer.schedule(() -> {
      try {
        api.complete(asyncContext);
        AgentLog.info("ended an SSE stream of subject {}: its token expired", LogText.printable(subject));
      } catch (Throwable alreadyEnded) {
        // the stream ended before its token did: the container refuses a second completion
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
  }
}
