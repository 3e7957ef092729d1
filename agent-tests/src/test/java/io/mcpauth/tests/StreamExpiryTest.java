package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** On servlet transports an SSE stream ends when the token that opened it expires, not when the client goes. */
class StreamExpiryTest extends WithIdentityProvider {

  private static final int LIFETIME_SECONDS = 4;

  @ParameterizedTest(name = "{0}")
  @Timeout(value = 45, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @ValueSource(strings = {"sse", "streamable"})
  void theStreamEndsWithItsToken(String transport) throws Exception {
    try (Fixture server = Fixture.builder().transport(transport).protectedBy(idp).start()) {
      String token = idp.token(server.resourceUri()).expiresIn(LIFETIME_SECONDS).sign();
      HttpRequest.Builder open;
      if (transport.equals("sse")) {
        open = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sse"));
      } else {
        HttpResponse<String> initialized = Http.post(server.url(), Http.INITIALIZE, "Authorization", "Bearer " + token);
        assertEquals(200, initialized.statusCode(), initialized.body());
        open = HttpRequest.newBuilder(URI.create(server.url()))
            .header("Mcp-Session-Id", initialized.headers().firstValue("Mcp-Session-Id").orElseThrow());
      }
      long opened = System.nanoTime();
      HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(open.header("Accept", "text/event-stream")
          .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, stream.statusCode());
      try (InputStream body = stream.body()) {
        byte[] buffer = new byte[1024];
        while (body.read(buffer) >= 0) {
          assertTrue(System.nanoTime() - opened < TimeUnit.SECONDS.toNanos(LIFETIME_SECONDS + 20),
              "the stream outlived its token by 20 s");
        }
      }
      long seconds = Duration.ofNanos(System.nanoTime() - opened).toSeconds();
      assertTrue(seconds >= LIFETIME_SECONDS - 2, "ended at " + seconds + " s, not before the token expired");
    }
  }
}
