package io.mcpauth.core.introspection;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RFC 7662 endpoint on 127.0.0.1 (the JDK's own HTTP server) whose answer per token the test
 * sets: a status, a body, a delay. It checks the client's Basic credentials, and records every
 * request so tests can count calls and look at what was sent.
 */
final class StubIntrospectionEndpoint implements AutoCloseable {

  /** One answer: status, body and how long to wait before sending it. */
  record Answer(int status, String body, long delayMillis) {
    static Answer json(String body) {
      return new Answer(200, body, 0);
    }
  }

  static final String CLIENT_ID = "mcp-resource";
  static final String CLIENT_SECRET = "s3cr3t:with/odd+chars%";

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private volatile Answer otherwise = Answer.json("{\"active\":false}");
  private final List<String> forms = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> callsByToken = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private final AtomicInteger redirectTargetHits = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean holding;

  StubIntrospectionEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/introspect", this::introspect);
    server.createContext("/elsewhere", exchange -> {
      redirectTargetHits.incrementAndGet();
      send(exchange, new Answer(200, "{\"active\":true}", 0));
    });
    server.setExecutor(threads);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/introspect";
  }

  String redirectTarget() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/elsewhere";
  }

  void answer(String token, Answer answer) {
    answers.put(token, answer);
  }

  void answer(String token, String json) {
    answer(token, Answer.json(json));
  }

  /** The answer for every token without one of its own. */
  void otherwise(Answer answer) {
    otherwise = answer;
  }

  /** Every answer from now on waits for {@link #release}: calls stay in flight for as long as a test needs. */
  void hold() {
    holding = true;
  }

  void release() {
    released.countDown();
  }

  int calls() {
    return calls.get();
  }

  int calls(String token) {
    AtomicInteger count = callsByToken.get(token);
    return count == null ? 0 : count.get();
  }

  int maxConcurrent() {
    return maxRunning.get();
  }

  int redirectTargetHits() {
    return redirectTargetHits.get();
  }

  /** The raw form bodies received, in order. */
  List<String> forms() {
    return new ArrayList<>(forms);
  }

  private void introspect(HttpExchange exchange) throws IOException {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      calls.incrementAndGet();
      String expected = "Basic " + Base64.getEncoder().encodeToString(
          (form(CLIENT_ID) + ":" + form(CLIENT_SECRET)).getBytes(StandardCharsets.UTF_8));
      if (!"POST".equals(exchange.getRequestMethod())
          || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))
          || !"application/x-www-form-urlencoded".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
        send(exchange, new Answer(401, "{\"error\":\"invalid_client\"}", 0));
        return;
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII);
      forms.add(body);
      String token = null;
      for (String pair : body.split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0 && pair.substring(0, equals).equals("token")) {
          token = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        }
      }
      if (token != null) {
        callsByToken.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
      }
      send(exchange, token == null ? new Answer(400, "{\"error\":\"invalid_request\"}", 0)
          : answers.getOrDefault(token, otherwise));
    } finally {
      running.decrementAndGet();
    }
  }

  private static String form(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private void send(HttpExchange exchange, Answer answer) throws IOException {
    try {
      if (holding) {
        released.await(30, TimeUnit.SECONDS);
      }
      Thread.sleep(answer.delayMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (answer.status() == 302) {
        exchange.getResponseHeaders().set("Location", answer.body());
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException closedByClient) {
      // the agent stops reading at its size cap or deadline
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    threads.shutdownNow();
  }
}
