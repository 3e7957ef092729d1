package io.mcpauth.tests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP for the tests that look at status codes and headers, not at MCP. */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  public static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
      + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
  public static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}";

  private Http() {}

  /** A POST of a JSON-RPC body, with the MCP Accept header and optional extra header pairs. */
  public static HttpResponse<String> post(String url, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  public static HttpResponse<String> get(String url, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  public static HttpResponse<String> send(String method, String url, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  public static String bearer(String token) {
    return "Bearer " + token;
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      try {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (!expiredPooledConnection(e)) {
          throw e;
        }
        // Fixtures come and go on reused ports: the JDK found a pooled keep-alive connection closed
        // before any byte of a response, which it retries itself only for idempotent methods.
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      }
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A reused connection that the server had closed before any byte of an answer: the JDK's
   * ConnectionExpiredException (internal, so matched by name), or, when the close crossed the
   * request on the wire, its "header parser received no bytes" (seen once on a loaded machine, on a
   * POST over a kept-alive connection to a fixture). Neither can follow a request the server has
   * begun to answer. A timeout, a reset mid-answer or a refused connection is no reason to send a
   * request twice.
   */
  private static boolean expiredPooledConnection(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getName().equals("jdk.internal.net.http.common.ConnectionExpiredException")
          || (t instanceof IOException && String.valueOf(t.getMessage()).endsWith("header parser received no bytes"))) {
        return true;
      }
    }
    return false;
  }
}
