package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The limits on metadata-document fetches, driven by hand: the fetch "threads" are runnables the
 * test holds and runs when it chooses, so nothing here waits on a clock. Request threads that
 * must block are real threads; the test waits for them to be counted as waiting.
 */
class DocumentFetchesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30); // never reached: the test finishes fetches itself

  /** Fetches started and not yet run, in order. */
  private final List<Runnable> started = new CopyOnWriteArrayList<>();
  private final AtomicInteger fetchCalls = new AtomicInteger();
  private final ExecutorService requestThreads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    requestThreads.shutdownNow();
  }

  private DocumentFetches fetches(int maxFetches, int maxPerHost, int maxWaiting) {
    return new DocumentFetches(maxFetches, maxPerHost, maxWaiting, TIMEOUT, started::add);
  }

  private DocumentFetches.Fetch answering(ClientMetadata metadata) {
    return deadline -> {
      fetchCalls.incrementAndGet();
      return metadata;
    };
  }

  private static ClientMetadata metadata(String name) {
    return new ClientMetadata(List.of("https://app.example/cb"), name, List.of("authorization_code"), List.of("code"),
        "none", null, "web", null, null);
  }

  /** A request thread asking for {@code url}. */
  private Future<ClientMetadata> request(DocumentFetches fetches, String url, String host, DocumentFetches.Fetch fetch) {
    return requestThreads.submit(() -> fetches.fetch(url, host, fetch));
  }

  private static void await(String what, IntSupplier count, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count.getAsInt() != expected) {
      assertTrue(System.nanoTime() < deadline, what + ": " + count.getAsInt() + " instead of " + expected);
      Thread.sleep(1);
    }
  }

  private void runStarted(int index) {
    started.get(index).run();
  }

  private static ClientMetadataException busy(DocumentFetches fetches, String url, String host) {
    ClientMetadataException e = assertThrows(ClientMetadataException.class,
        () -> fetches.fetch(url, host, deadline -> metadata("never asked")));
    assertEquals(ClientMetadataException.TEMPORARILY_UNAVAILABLE, e.error(), e.description());
    assertTrue(e.retryAfterSeconds() > 0, "a busy answer says when to retry");
    return e;
  }

  @Test
  @DisplayName("concurrent requests for one URL share one fetch and all get its result")
  void oneFetchPerUrl() throws Exception {
    DocumentFetches fetches = fetches(4, 2, 2);
    ClientMetadata document = metadata("shared");
    Future<ClientMetadata> first = request(fetches, "https://a.example/c.json", "a.example", answering(document));
    Future<ClientMetadata> second = request(fetches, "https://a.example/c.json", "a.example", answering(document));
    await("request threads waiting", fetches::waiting, 2);
    assertEquals(1, started.size(), "one fetch for both requests");
    assertEquals(1, fetches.running());

    runStarted(0);
    assertSame(document, first.get(30, TimeUnit.SECONDS));
    assertSame(document, second.get(30, TimeUnit.SECONDS));
    assertEquals(1, fetchCalls.get());
    assertEquals(0, fetches.running());
    assertEquals(0, fetches.waiting());
  }

  @Test
  @DisplayName("per host: a third fetch to one host is refused at once while two run; other hosts still fetch")
  void perHostLimit() {
    DocumentFetches fetches = fetches(10, 2, 0); // no waiting: every request returns at once
    busy(fetches, "https://a.example/1.json", "a.example");
    busy(fetches, "https://a.example/2.json", "a.example");
    assertEquals(2, started.size(), "both fetches started although nobody may wait for them");

    ClientMetadataException refused = busy(fetches, "https://a.example/3.json", "a.example");
    assertTrue(refused.description().contains("from this host"), refused.description());
    assertEquals(2, started.size(), "no third fetch to a.example");

    busy(fetches, "https://b.example/1.json", "b.example");
    assertEquals(3, started.size(), "b.example has slots of its own");

    runStarted(0);
    busy(fetches, "https://a.example/3.json", "a.example");
    assertEquals(4, started.size(), "a finished fetch frees its host's slot");
  }

  @Test
  @DisplayName("global: beyond maxFetches in flight a new URL is refused at once; joining a running fetch is not a new fetch")
  void globalLimit() throws Exception {
    DocumentFetches fetches = fetches(2, 2, 1);
    Future<ClientMetadata> waiter = request(fetches, "https://b.example/1.json", "b.example", answering(metadata("b")));
    await("request threads waiting", fetches::waiting, 1); // the one waiting permit is taken
    busy(fetches, "https://a.example/1.json", "a.example");
    assertEquals(2, fetches.running(), "a.example's fetch started although its requester could not wait");

    ClientMetadataException refused = busy(fetches, "https://c.example/1.json", "c.example");
    assertTrue(refused.description().contains("too many client metadata documents are being fetched"),
        refused.description());
    assertEquals(2, started.size(), "no third fetch");

    ClientMetadataException joinedButNoPermit = busy(fetches, "https://a.example/1.json", "a.example");
    assertTrue(joinedButNoPermit.description().contains("waiting"), joinedButNoPermit.description());
    assertEquals(2, started.size(), "joining the running fetch of a URL starts none");

    runStarted(0);
    runStarted(1);
    assertEquals("b", waiter.get(30, TimeUnit.SECONDS).clientName());
    assertEquals(0, fetches.running());
  }

  @Test
  @DisplayName("16 requests for documents that never arrive: 2 request threads wait, 14 are answered at once")
  void waitingRequestThreadsAreBounded() throws Exception {
    DocumentFetches fetches = fetches(4, 2, 2);
    DocumentFetches.Fetch slow = answering(metadata("slow")); // in flight until the test runs it
    List<Future<ClientMetadata>> waiters = new ArrayList<>();
    waiters.add(request(fetches, "https://slow0.example/0.json", "slow0.example", slow));
    waiters.add(request(fetches, "https://slow1.example/1.json", "slow1.example", slow));
    await("request threads waiting", fetches::waiting, 2);

    for (int i = 2; i < 16; i++) {
      busy(fetches, "https://slow" + (i % 8) + ".example/" + i + ".json", "slow" + (i % 8) + ".example");
    }
    assertEquals(2, fetches.waiting(), "never more than maxWaiting request threads wait");
    assertEquals(4, fetches.running(), "never more than maxFetches fetches");
    assertEquals(4, started.size());

    for (Runnable fetch : started) {
      fetch.run();
    }
    for (Future<ClientMetadata> waiter : waiters) {
      assertEquals("slow", waiter.get(30, TimeUnit.SECONDS).clientName());
    }
    assertEquals(0, fetches.running());
    assertEquals(0, fetches.waiting());
  }

  @Test
  @DisplayName("a request thread waits no longer than the fetch's deadline; the fetch keeps its slot until it ends")
  void waitEndsAtTheDeadline() {
    DocumentFetches fetches = new DocumentFetches(4, 2, 2, Duration.ZERO, started::add);
    ClientMetadataException e = assertThrows(ClientMetadataException.class,
        () -> fetches.fetch("https://a.example/c.json", "a.example", answering(metadata("late"))));
    assertEquals(ClientMetadataException.INVALID_CLIENT, e.error());
    assertEquals("fetching the client_id document took longer than 0 ms", e.description());
    assertEquals(0, e.retryAfterSeconds(), "a document that did not arrive in time is refused, not deferred");
    assertEquals(0, fetches.waiting());
    assertEquals(1, fetches.running(), "the fetch thread is still busy");

    runStarted(0);
    assertEquals(0, fetches.running());
  }

  @Test
  @DisplayName("a fetch's refusal reaches its waiter as it is; an unexpected failure is invalid_client; slots are freed")
  void failures() throws Exception {
    DocumentFetches fetches = fetches(4, 2, 2);
    ClientMetadataException refusal = new ClientMetadataException(ClientMetadataException.INVALID_CLIENT, "the document says no");
    Future<ClientMetadata> refused = request(fetches, "https://a.example/1.json", "a.example", deadline -> {
      throw refusal;
    });
    Future<ClientMetadata> broken = request(fetches, "https://a.example/2.json", "a.example", deadline -> {
      throw new IllegalStateException("a bug");
    });
    await("request threads waiting", fetches::waiting, 2);
    runStarted(0);
    runStarted(1);
    assertSame(refusal, cause(refused));
    ClientMetadataException unexpected = cause(broken);
    assertEquals(ClientMetadataException.INVALID_CLIENT, unexpected.error());
    assertEquals("could not fetch the client_id document", unexpected.description());
    assertEquals(0, fetches.running());
    assertEquals(0, fetches.waiting());
  }

  @Test
  @DisplayName("an executor that takes no more work: busy, and the slot is given back")
  void rejected() {
    DocumentFetches fetches = new DocumentFetches(4, 2, 2, TIMEOUT, runnable -> {
      throw new RejectedExecutionException("full");
    });
    busy(fetches, "https://a.example/1.json", "a.example");
    assertEquals(0, fetches.running());
  }

  @Test
  @DisplayName("Retry-After is the fetch deadline rounded up to whole seconds")
  void retryAfter() {
    assertEquals(5, busyFrom(Duration.ofSeconds(5)).retryAfterSeconds());
    assertEquals(2, busyFrom(Duration.ofMillis(1500)).retryAfterSeconds());
    assertEquals(1, busyFrom(Duration.ofMillis(100)).retryAfterSeconds());
  }

  private ClientMetadataException busyFrom(Duration timeout) {
    DocumentFetches fetches = new DocumentFetches(4, 2, 0, timeout, started::add);
    return busy(fetches, "https://a.example/1.json", "a.example");
  }

  private static ClientMetadataException cause(Future<ClientMetadata> request) throws Exception {
    try {
      request.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ClientMetadataException refused) {
        return refused;
      }
      throw e;
    }
    throw new AssertionError("the request succeeded");
  }
}
