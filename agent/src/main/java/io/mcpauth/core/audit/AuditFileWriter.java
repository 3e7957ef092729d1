package io.mcpauth.core.audit;

import io.mcpauth.core.config.AuditConfig;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.metrics.AgentMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The audit trail: events wait in a bounded queue and one daemon thread, {@code mcpauth-audit},
 * writes them as JSON lines in batches, flushing after every batch (so within a second) and at JVM exit.
 * A full queue blocks the request (or, with {@code drop}, loses the event and counts it). An I/O
 * error is logged once, the events it loses are counted, and the next batch opens the file again;
 * in block mode the trail is {@link #unavailable} meanwhile, so the gate refuses what it cannot record.
 */
public final class AuditFileWriter implements AuditSink {

  private static final int BATCH = 512;
  /**
   * After a batch smaller than {@link #BATCH}, the writer rests this long before it looks again, so
   * a busy server's events gather into one write. Without the rest, every event would wake the
   * writer (a futex call on the request thread) and cost a write call of its own.
   */
  private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final BlockingQueue<AuditEvent> queue;
  private final boolean drop;
  private final TrailOutput output;
  private final Thread thread;
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private final LongAdder writeErrors = new LongAdder();
  private volatile boolean failing;
  private volatile boolean closed;

  AuditFileWriter(TrailOutput output, int queueSize, boolean drop) {
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.drop = drop;
    this.output = output;
    this.thread = new Thread(this::run, "mcpauth-audit");
    thread.setDaemon(true);
  }

  /** Starts the writer thread and registers the flush at JVM exit. */
  public static AuditFileWriter start(AuditConfig config) {
    AuditFileWriter writer = new AuditFileWriter(new TrailOutput(config.file(), config.maxSizeBytes(), config.maxFiles()),
        config.queueSize(), config.drop());
    writer.thread.start();
    Runtime.getRuntime().addShutdownHook(new Thread(writer::close, "mcpauth-audit-flush"));
    return writer;
  }

  /** For tests: a writer whose thread is started by the test. */
  static AuditFileWriter unstarted(TrailOutput output, int queueSize, boolean drop) {
    return new AuditFileWriter(output, queueSize, drop);
  }

  void startThread() {
    thread.start();
  }

  @Override
  public void accept(AuditEvent event) {
    if (closed) {
      countDrop();
      return;
    }
    if (drop) {
      if (!queue.offer(event)) {
        countDrop();
      }
      return;
    }
    try {
      queue.put(event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      countDrop();
    }
  }

  @Override
  public boolean wantsAdmissions() {
    return true;
  }

  @Override
  public boolean unavailable() {
    return failing && !drop;
  }

  /** Events written to the trail. */
  public long written() {
    return written.sum();
  }

  private void countDrop() {
    dropped.increment();
    AgentMetrics.agent().auditEventDropped();
  }

  /** Events dropped on a full queue ({@code drop}), or after the writer closed. */
  public long dropped() {
    return dropped.sum();
  }

  /** Events lost to I/O errors. */
  public long lost() {
    return lost.sum();
  }

  /** Failed writes (each loses the rest of its batch). */
  public long writeErrors() {
    return writeErrors.sum();
  }

  /** Writes what is queued, flushes and stops the thread; later events are counted as dropped. */
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<AuditEvent> batch = new ArrayList<>(BATCH);
    while (true) {
      AuditEvent first;
      try {
        first = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
        continue;
      }
      if (first == null) {
        if (closed) {
          break;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, BATCH - 1);
      boolean full = batch.size() == BATCH;
      write(batch);
      batch.clear();
      if (!full && !closed) {
        // An interrupt (close) ends the rest early; the poll above then sees it.
        LockSupport.parkNanos(GATHER_NANOS);
      }
    }
    queue.drainTo(batch);
    write(batch);
    try {
      output.close();
    } catch (IOException e) {
      failed(e, 0);
    }
  }

  private void write(List<AuditEvent> batch) {
    int done = 0;
    try {
      for (AuditEvent event : batch) {
        output.write(AuditJson.line(event).getBytes(StandardCharsets.UTF_8));
        done++;
      }
      output.flush();
      written.add(done);
      if (failing) {
        failing = false;
        AgentLog.info("audit trail {} is written again", output.describe());
      }
    } catch (IOException e) {
      failed(e, batch.size());
    }
  }

  private void failed(IOException e, int lostEvents) {
    lost.add(lostEvents);
    writeErrors.increment();
    output.reset();
    if (!failing) {
      failing = true;
      // The exception's message names the file and the cause, never an event's content.
      AgentLog.error("audit trail {} cannot be written ({}: {}); {}", output.describe(), e.getClass().getSimpleName(),
          e.getMessage(), drop ? "events are lost until it can" : "MCP requests are refused with 503 until it can");
    }
  }
}
