package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.OAuthDriver;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The audit trail at a normal JVM exit: a burst of requests, SIGTERM right after the last answer,
 * and every answered request has its line in the trail, the last line whole. The writer thread is
 * a daemon, so only the flush at exit keeps what is still queued when the JVM stops.
 */
class AuditShutdownFlushTest {

  /** SIGTERM: the JVM runs its shutdown hooks and exits with 128 + 15. */
  private static final int SIGTERM_EXIT = 143;

  @Test
  @DisplayName("SIGTERM right after a burst: every answered request is in the file, and its last line is whole JSON")
  void sigtermRightAfterABurst() throws Exception {
    Path trail = Files.createTempDirectory("mcpauth-audit").resolve("audit.log");
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.audit.file", trail.toString()).start()) {
      List<String> answered = burst(server, idp, 400);
      assertEquals(SIGTERM_EXIT, stop(server));
      assertEveryAnswerRecorded(Files.readAllBytes(trail), answered);
    }
  }

  /**
   * The trail's reader (a pipe to a log shipper, say) is behind when the JVM is told to stop: the
   * lines still queued, more than the pipe and the writer's buffer hold, are written once it reads
   * again. The reader here comes back a second after SIGTERM; without the flush at exit, the JVM
   * would be gone by then and the queued lines with it.
   */
  @Test
  @DisplayName("a reader behind at SIGTERM: the exit waits for the writer, and no answered request is missing")
  void aReaderBehindAtSigterm() throws Exception {
    Path fifo = Files.createTempDirectory("mcpauth-audit").resolve("audit.pipe");
    assumeTrue(mkfifo(fifo), "mkfifo is not available");
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    AtomicReference<Exception> readFailure = new AtomicReference<>();
    CountDownLatch readAgain = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (InputStream in = Files.newInputStream(fifo)) { // returns once the writer has opened the pipe
        readAgain.await();
        in.transferTo(received);
      } catch (IOException | InterruptedException e) {
        readFailure.set(e);
      }
    }, "audit-pipe-reader");
    reader.setDaemon(true);
    reader.start();
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.audit.file", fifo.toString()).start()) {
      // about 500 bytes a line: well over the pipe's 64 KiB and the writer's 64 KiB buffer
      List<String> answered = burst(server, idp, 1000);
      ProcessHandle.of(server.pid()).orElseThrow().destroy();
      Thread.sleep(1000); // the reader is a second behind; this delay is the scenario, not a wait for anything
      readAgain.countDown();
      assertEquals(SIGTERM_EXIT, server.awaitExit(Duration.ofSeconds(30)));
      reader.join(Duration.ofSeconds(10).toMillis());
      assertFalse(reader.isAlive(), "the pipe was closed when the JVM ended");
      assertNull(readFailure.get());
      assertEveryAnswerRecorded(received.toByteArray(), answered);
    }
  }

  /**
   * Sends {@code count} requests, 8 at a time, each with a traceparent of its own: every other one
   * admitted, the rest refused for want of a token. Returns the trace ids of the answered ones.
   */
  private static List<String> burst(Fixture server, TestIdentityProvider idp, int count) throws Exception {
    String auth = bearer(idp.token(server.resourceUri()).sign());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        answers.add(pool.submit(() -> {
          String traceId = String.format("%032x", 0x5d0f1L << 20 | n);
          String traceparent = "00-" + traceId + "-00f067aa0ba902b7-01";
          HttpResponse<String> response = n % 2 == 0
              ? Http.post(server.url(), Http.INITIALIZE, "Authorization", auth, "traceparent", traceparent)
              : Http.post(server.url(), Http.INITIALIZE, "traceparent", traceparent);
          assertEquals(n % 2 == 0 ? 200 : 401, response.statusCode(), response.body());
          return traceId;
        }));
      }
      List<String> answered = new ArrayList<>();
      for (Future<String> answer : answers) {
        answered.add(answer.get());
      }
      return answered;
    } finally {
      pool.shutdownNow();
    }
  }

  /** SIGTERM, and the JVM's exit status. */
  private static int stop(Fixture server) {
    ProcessHandle.of(server.pid()).orElseThrow().destroy();
    return server.awaitExit(Duration.ofSeconds(30));
  }

  private static void assertEveryAnswerRecorded(byte[] trail, List<String> answered) {
    String text = new String(trail, StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n"), "the last line is whole: ..."
        + text.substring(Math.max(0, text.length() - 200)));
    Set<String> recorded = new HashSet<>();
    for (String line : text.split("\n")) {
      Object traceId = OAuthDriver.json(line).get("trace.id");
      if (traceId != null) {
        recorded.add((String) traceId);
      }
    }
    List<String> missing = answered.stream().filter(traceId -> !recorded.contains(traceId)).toList();
    assertEquals(List.of(), missing, missing.size() + " of " + answered.size() + " answered requests have no line");
  }

  private static boolean mkfifo(Path path) {
    try {
      Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
      return mkfifo.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
