package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * On WebFlux the gate runs on the Netty event loop and must never wait for the network: with an
 * identity provider that takes 20 s to serve its keys, requests are answered at once (503 until
 * keys are known) instead of stalling the loop, and they succeed once the background fetch is done.
 */
class WebFluxEventLoopTest {

  @Test
  void verificationNeverWaitsForAKeyFetchOnTheEventLoop() throws Exception {
    try (TestIdentityProvider idp = TestIdentityProvider.start()) {
      idp.jwksDelay(Duration.ofSeconds(20));
      try (Fixture server = Fixture.builder().module("spring-webflux-springai").protectedBy(idp)
          .property("mcpauth.http.timeout", "30s").start()) {
        String token = idp.token(server.resourceUri()).sign();
        long start = System.nanoTime();
        HttpResponse<String> early = Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(token));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, early.statusCode(), early.body());
        assertTrue(millis < 2000, "answered in " + millis + " ms, not after the 20 s fetch");

        idp.jwksDelay(Duration.ZERO);
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline) {
          status = Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(token)).statusCode();
          Thread.sleep(250);
        }
        assertEquals(200, status, "the background fetch completed and the token verifies");
      }
    }
  }
}
