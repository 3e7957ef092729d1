package io.mcpauth.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RS-SEC-33: metadata and JWKS fetches are bounded in time and size and never follow redirects. */
class HttpFetcherTest {

  private HttpServer server;
  private final AtomicInteger redirectTargetHits = new AtomicInteger();
  private final HttpFetcher fetcher = new HttpFetcher(Duration.ofMillis(800), 64 * 1024);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ok", exchange -> respond(exchange, 200, "{\"keys\":[]}"));
    server.createContext("/redirect", exchange -> {
      exchange.getResponseHeaders().set("Location", url("/target").toString());
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.createContext("/target", exchange -> {
      redirectTargetHits.incrementAndGet();
      respond(exchange, 200, "{}");
    });
    server.createContext("/error", exchange -> respond(exchange, 500, "{}"));
    server.createContext("/huge", exchange -> respond(exchange, 200, "x".repeat(10 * 1024 * 1024)));
    server.createContext("/huge-chunked", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        byte[] chunk = new byte[8192];
        for (int i = 0; i < 1280; i++) {
          out.write(chunk);
        }
      } catch (IOException closedByClient) {
        // expected: the fetcher stops reading
      }
    });
    server.createContext("/drip", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 100; i++) {
          out.write('{');
          out.flush();
          Thread.sleep(100);
        }
      } catch (IOException | InterruptedException closedByClient) {
        // expected
      }
    });
    server.createContext("/silent", exchange -> {
      try {
        Thread.sleep(5000);
      } catch (InterruptedException ignored) {
        // stopping
      }
      exchange.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    } catch (IOException closedByClient) {
      // the fetcher may stop reading early
    }
  }

  @Test
  void readsADocument() throws IOException {
    assertEquals("{\"keys\":[]}", fetcher.get(url("/ok")));
  }

  @Test
  @DisplayName("a redirect is an error and its target is never requested")
  void neverFollowsRedirects() {
    IOException error = assertThrows(IOException.class, () -> fetcher.get(url("/redirect")));
    assertTrue(error.getMessage().contains("HTTP 302"), error.getMessage());
    assertEquals(0, redirectTargetHits.get());
  }

  @Test
  void onlyStatus200IsAccepted() {
    assertThrows(IOException.class, () -> fetcher.get(url("/error")));
  }

  @Test
  @DisplayName("a 10 MB document is refused, declared or chunked")
  void sizeIsCapped() {
    assertTrue(assertThrows(IOException.class, () -> fetcher.get(url("/huge"))).getMessage().contains("larger than"));
    assertTrue(assertThrows(IOException.class, () -> fetcher.get(url("/huge-chunked"))).getMessage().contains("larger than"));
  }

  @Test
  @DisplayName("a slow drip and a silent server both end within about the deadline")
  void timeIsBounded() {
    for (String path : new String[] {"/drip", "/silent"}) {
      long start = System.nanoTime();
      assertThrows(IOException.class, () -> fetcher.get(url(path)));
      long millis = (System.nanoTime() - start) / 1_000_000;
      // deadline 800 ms; one blocked read may add up to one more read timeout
      assertTrue(millis < 2500, path + " took " + millis + " ms");
    }
  }
}
