package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The issuer's keys: fetched once, refetched only when needed and never in a storm, kept through an outage. */
class JwksCachingTest {

  private static int status(Fixture server, String token) {
    return Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(token)).statusCode();
  }

  @Test
  void keysAreDiscoveredFetchedOnceAndCached() {
    try (TestIdentityProvider idp = TestIdentityProvider.start();
         Fixture server = Fixture.builder().protectedBy(idp).start()) {
      for (int i = 0; i < 20; i++) {
        // distinct tokens, so the verified-token cache does not hide the key cache
        assertEquals(200, status(server, idp.token(server.resourceUri()).sign()));
      }
      assertEquals(1, idp.metadataRequests(), "RFC 8414 metadata fetched once");
      assertEquals(1, idp.jwksRequests(), "JWKS fetched once");
      server.close();
      LogHygiene.assertNoTokenLogged(server, idp);
    }
  }

  @Test
  void unknownKidsCauseAtMostOneFetchPerWindowNeverAStorm() throws Exception {
    try (TestIdentityProvider idp = TestIdentityProvider.start();
         Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.jwks.uri", idp.jwksUri()).start()) {
      assertEquals(200, status(server, idp.token(server.resourceUri()).sign()));
      int before = idp.jwksRequests();
      // RS-SEC-30: many random kids, concurrently
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String token = idp.token(server.resourceUri()).kidHeader(UUID.randomUUID().toString()).sign();
        results.add(pool.submit(() -> status(server, token)));
      }
      for (Future<Integer> result : results) {
        assertEquals(401, result.get(), "RS-SEC-29: an unknown kid is a 401, not a 500");
      }
      pool.shutdown();
      assertTrue(idp.jwksRequests() - before <= 1, "JWKS fetches for 200 unknown kids: " + (idp.jwksRequests() - before));
      assertEquals(0, idp.metadataRequests(), "mcpauth.jwks.uri skips discovery");
    }
  }

  @Test
  void aRotatedKeyIsPickedUpByOneRefetch() throws Exception {
    try (TestIdentityProvider idp = TestIdentityProvider.start();
         Fixture server = Fixture.builder().protectedBy(idp)
             .property("mcpauth.jwks.min-refetch-interval", "1s").start()) {
      assertEquals(200, status(server, idp.token(server.resourceUri()).sign()));
      idp.addKey(TestIdentityProvider.rsaKey("rsa-2"), true);
      Thread.sleep(1100); // past the rate-limit window since the start-up fetch
      int before = idp.jwksRequests();
      // RS-SEC-28: the new kid is unknown, one refetch finds it
      assertEquals(200, status(server, idp.token(server.resourceUri()).key("rsa-2").sign()));
      assertEquals(before + 1, idp.jwksRequests());
    }
  }

  @Test
  void anOutageKeepsTheLastKnownKeys() throws Exception {
    try (TestIdentityProvider idp = TestIdentityProvider.start();
         Fixture server = Fixture.builder().protectedBy(idp)
             .property("mcpauth.jwks.refresh-interval", "1s")
             .property("mcpauth.jwks.min-refetch-interval", "1s").start()) {
      assertEquals(200, status(server, idp.token(server.resourceUri()).sign()));
      idp.jwksStatus(500);
      int before = idp.jwksRequests();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      // RS-SEC-31: keys go stale and every refresh fails; known kids keep working
      while (idp.jwksRequests() < before + 2 && System.nanoTime() < deadline) {
        assertEquals(200, status(server, idp.token(server.resourceUri()).sign()));
        Thread.sleep(200);
      }
      assertTrue(idp.jwksRequests() >= before + 2, "refreshes were attempted during the outage");
      assertEquals(200, status(server, idp.token(server.resourceUri()).sign()));
      server.awaitLog("keeping the last known keys", Duration.ofSeconds(2));
    }
  }

  @Test
  void anIssuerThatCannotBeReachedFailsClosedWith503() {
    try (TestIdentityProvider idp = TestIdentityProvider.start()) {
      idp.jwksStatus(503);
      try (Fixture server = Fixture.builder().protectedBy(idp).start()) {
        HttpResponse<String> response = Http.post(server.url(), Http.INITIALIZE,
            "Authorization", bearer(idp.token(server.resourceUri()).sign()));
        assertEquals(503, response.statusCode(), response::body);
        assertTrue(response.headers().firstValue("Retry-After").isPresent());
        // the server keeps serving: once the issuer is back, the next request succeeds
        idp.jwksStatus(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline) {
          status = status(server, idp.token(server.resourceUri()).sign());
        }
        assertEquals(200, status);
      }
    }
  }

  @Test
  void metadataWhoseIssuerDiffersIsRefused() {
    try (TestIdentityProvider idp = TestIdentityProvider.start()) {
      // configured with a trailing slash: the metadata's issuer has none, so it is a different issuer.
      // The token names the configured issuer, so that only the metadata check can refuse it (a token
      // naming any other issuer is refused before a key is looked up, with 401).
      String configured = idp.issuer() + "/";
      try (Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.issuer", configured).start()) {
        HttpResponse<String> response = Http.post(server.url(), Http.INITIALIZE,
            "Authorization", bearer(idp.token(server.resourceUri()).claim("iss", configured).sign()));
        assertEquals(503, response.statusCode());
        server.awaitLog("metadata issuer does not equal", Duration.ofSeconds(5));
      }
    }
  }
}
