package io.mcpauth.core.authserver.clients;

import static io.mcpauth.core.authserver.clients.ClientMetadataException.INVALID_CLIENT;

import io.mcpauth.core.logging.AgentLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metadata-document fetches in flight. The authorization server has a few request threads for
 * every endpoint, and the URL of a document is chosen by whoever sends an authorization request,
 * so a document server that accepts connections and never answers must not be able to hold those
 * threads. Therefore:
 *
 * <ul>
 *   <li>each fetch runs on a thread of its own pool, at most {@code maxFetches} at once and
 *       {@code maxPerHost} to one host, and ends at its deadline;
 *   <li>concurrent requests for one URL share its fetch;
 *   <li>a request thread waits for a fetch only while it holds one of {@code maxWaiting} permits,
 *       and never past the fetch's deadline.
 * </ul>
 *
 * A request that finds a limit reached is refused at once ({@link ClientMetadataException#busy}).
 * A fetch it could start still runs, so that a retry finds the document cached.
 *
 * <p>The deadline bounds the wait in every step, DNS included; a fetch thread that is still in the
 * system resolver at the deadline keeps its slot until the resolver returns.
 *
 * <p>Why a request thread waits at all instead of handing its exchange to the fetch and returning
 * (com.sun.net.httpserver allows answering from another thread): the callers (the authorization
 * endpoint, client authentication at three endpoints) stay plain synchronous code, a POST body
 * needs no keeping for a re-run, and the permits bound what waiting can cost to 2 of 8 threads.
 */
final class DocumentFetches {

  /** One fetch: the metadata (cached by the fetch itself), or why the document cannot be used. */
  @FunctionalInterface
  interface Fetch {
    ClientMetadata run(long deadlineNanos) throws ClientMetadataException;
  }

  private record InFlight(String host, long deadlineNanos, CompletableFuture<ClientMetadata> result) {}

  private final int maxFetches;
  private final int maxPerHost;
  private final int maxWaiting;
  private final Duration timeout;
  private final Executor executor;
  private final Semaphore waiting;
  private final Map<String, InFlight> inFlight = new HashMap<>();
  private final Map<String, Integer> perHost = new HashMap<>();

  /**
   * @param timeout deadline of one fetch, from its start
   * @param executor runs the fetches; it must take {@code maxFetches} tasks at once
   */
  DocumentFetches(int maxFetches, int maxPerHost, int maxWaiting, Duration timeout, Executor executor) {
    this.maxFetches = maxFetches;
    this.maxPerHost = maxPerHost;
    this.maxWaiting = maxWaiting;
    this.timeout = timeout;
    this.executor = executor;
    this.waiting = new Semaphore(maxWaiting);
  }

  /** Fetches on daemon threads of their own, {@code maxFetches} of them at most, that end when idle. */
  static DocumentFetches withOwnThreads(int maxFetches, int maxPerHost, int maxWaiting, Duration timeout) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor threads = new ThreadPoolExecutor(maxFetches, maxFetches, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(maxFetches), runnable -> {
          Thread thread = new Thread(runnable, "mcpauth-as-cimd-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    threads.allowCoreThreadTimeOut(true);
    return new DocumentFetches(maxFetches, maxPerHost, maxWaiting, timeout, threads);
  }

  /**
   * The result of the fetch of {@code url}: the one in flight, else one started now.
   *
   * @param host the URL's host, lower case: the key of the per-host limit
   * @throws ClientMetadataException {@link ClientMetadataException#busy} when a limit is reached,
   *     else {@code invalid_client} when the fetch failed or passed its deadline
   */
  ClientMetadata fetch(String url, String host, Fetch fetch) throws ClientMetadataException {
    InFlight shared = joinOrStart(url, host, fetch);
    if (!waiting.tryAcquire()) {
      throw busy("too many requests are waiting for client metadata documents");
    }
    try {
      return shared.result().get(shared.deadlineNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new ClientMetadataException(INVALID_CLIENT,
          "fetching the client_id document took longer than " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ClientMetadataException refused) {
        throw refused;
      }
      throw new ClientMetadataException(INVALID_CLIENT, "could not fetch the client_id document", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientMetadataException(INVALID_CLIENT, "interrupted while fetching the client_id document");
    } finally {
      waiting.release();
    }
  }

  private InFlight joinOrStart(String url, String host, Fetch fetch) throws ClientMetadataException {
    InFlight started;
    synchronized (this) {
      InFlight running = inFlight.get(url);
      if (running != null) {
        return running;
      }
      if (inFlight.size() >= maxFetches) {
        throw busy("too many client metadata documents are being fetched");
      }
      if (perHost.getOrDefault(host, 0) >= maxPerHost) {
        throw busy("too many client metadata documents are being fetched from this host");
      }
      started = new InFlight(host, System.nanoTime() + timeout.toNanos(), new CompletableFuture<>());
      inFlight.put(url, started);
      perHost.merge(host, 1, Integer::sum);
    }
    try {
      executor.execute(() -> run(url, started, fetch));
    } catch (RejectedExecutionException e) {
      finish(url, started);
      ClientMetadataException busy = busy("too many client metadata documents are being fetched");
      started.result().completeExceptionally(busy); // a request that joined meanwhile learns it too
      throw busy;
    }
    return started;
  }

  private void run(String url, InFlight started, Fetch fetch) {
    ClientMetadata metadata = null;
    Throwable failure = null;
    try {
      metadata = fetch.run(started.deadlineNanos());
    } catch (ClientMetadataException e) {
      failure = e;
    } catch (RuntimeException | Error e) {
      AgentLog.error("authorization server: fetching a client metadata document failed", e);
      failure = e;
    }
    // The slot is free before anyone learns the outcome: a waiter that retries at once may start again.
    finish(url, started);
    if (failure == null) {
      started.result().complete(metadata);
    } else {
      started.result().completeExceptionally(failure);
    }
  }

  private synchronized void finish(String url, InFlight started) {
    inFlight.remove(url, started);
    perHost.computeIfPresent(started.host(), (host, count) -> count > 1 ? count - 1 : null);
  }

  private ClientMetadataException busy(String description) {
    return ClientMetadataException.busy(description, Math.max(1, (timeout.toMillis() + 999) / 1000));
  }

  /** Fetches running now (tests). */
  synchronized int running() {
    return inFlight.size();
  }

  /** Request threads waiting for a fetch now (tests). */
  int waiting() {
    return maxWaiting - waiting.availablePermits();
  }
}
