package io.mcpauth.tests;

import static io.mcpauth.tests.support.Http.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mcpauth.tests.support.Fixture;
import io.mcpauth.tests.support.Http;
import io.mcpauth.tests.support.LogHygiene;
import io.mcpauth.tests.support.WithIdentityProvider;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's metrics, read from a fixture JVM as a monitoring system reads them: the Prometheus
 * endpoint scraped directly, checked by promtool and scraped by a real Prometheus server, and the
 * MBeans read by the Prometheus JMX exporter agent attached to the same JVM.
 */
class MetricsTest extends WithIdentityProvider {

  @TempDir
  Path dir;

  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in:\n" + scrape);
  }

  private static String scrape(int port) {
    HttpResponse<String> response = Http.get("http://127.0.0.1:" + port + "/metrics");
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  private static String awaitScrape(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return scrape(port);
      } catch (RuntimeException | AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static int status(Fixture server, String token) {
    return Http.post(server.url(), Http.INITIALIZE, "Authorization", bearer(token)).statusCode();
  }

  @Test
  void countersMoveWithRequestsAndPromtoolAcceptsTheScrape() throws Exception {
    int metricsPort = Fixture.freePort();
    try (Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.metrics.port", String.valueOf(metricsPort))
        .start()) {
      String before = awaitScrape(metricsPort);
      assertEquals(0, value(before, "mcpauth_requests_total{outcome=\"success\"}"));
      String token = idp.token(server.resourceUri()).sign();
      assertEquals(200, status(server, token));
      assertEquals(200, status(server, token));
      assertEquals(401, Http.post(server.url(), Http.INITIALIZE).statusCode());
      assertEquals(401, status(server, idp.token("https://elsewhere.example.com").sign()));

      String after = scrape(metricsPort);
      assertEquals(2, value(after, "mcpauth_requests_total{outcome=\"success\"}"));
      assertEquals(1, value(after, "mcpauth_requests_total{outcome=\"failure\",reason=\"token_missing\"}"));
      assertEquals(1, value(after, "mcpauth_requests_total{outcome=\"failure\",reason=\"audience_mismatch\"}"));
      assertEquals(1, value(after, "mcpauth_token_cache_hits_total"));
      assertEquals(2, value(after, "mcpauth_token_cache_misses_total"));
      String issuer = "{issuer=\"" + idp.issuer() + "\"}";
      assertEquals(3, value(after, "mcpauth_jwks_keys" + issuer));
      assertEquals(1, value(after, "mcpauth_jwks_fetch_total{issuer=\"" + idp.issuer() + "\",outcome=\"success\"}"));
      double fetchedAt = value(after, "mcpauth_jwks_last_success_timestamp_seconds" + issuer);
      assertTrue(Math.abs(fetchedAt - System.currentTimeMillis() / 1000.0) < 120, "last success at " + fetchedAt);
      for (String secret : idp.mintedTokens()) {
        assertFalse(after.contains(secret.substring(secret.lastIndexOf('.') + 1)), "a token in the metrics");
      }

      assertEquals(405, Http.post("http://127.0.0.1:" + metricsPort + "/metrics", "").statusCode());
      assertEquals(404, Http.get("http://127.0.0.1:" + metricsPort + "/").statusCode());
      promtoolAccepts(after);
      server.close();
      LogHygiene.assertNoTokenLogged(server, idp);
    }
  }

  private void promtoolAccepts(String scrape) throws IOException, InterruptedException {
    Path promtool = Path.of("/usr/bin/promtool");
    assumeTrue(Files.isExecutable(promtool), "promtool is not installed (Debian package prometheus; .ci/setup installs it)");
    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, scrape);
    Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), "promtool check metrics:\n" + output);
  }

  @Test
  void aRealPrometheusServerScrapesTheAgent() throws Exception {
    Path binary = Path.of("/usr/bin/prometheus");
    assumeTrue(Files.isExecutable(binary), "prometheus is not installed (Debian package prometheus; .ci/setup installs it)");
    int metricsPort = Fixture.freePort();
    int prometheusPort = Fixture.freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: mcpauth
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(metricsPort));
    try (Fixture server = Fixture.builder().protectedBy(idp).property("mcpauth.metrics.port", String.valueOf(metricsPort))
        .start()) {
      String token = idp.token(server.resourceUri()).sign();
      for (int i = 0; i < 3; i++) {
        assertEquals(200, status(server, token));
      }
      Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try {
        String query = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
            + URLEncoder.encode("mcpauth_requests_total{outcome=\"success\",job=\"mcpauth\"}", StandardCharsets.UTF_8);
        Pattern value = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.]+)\"\\]");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
          try {
            last = Http.get(query).body();
            Matcher matcher = value.matcher(last);
            if (matcher.find() && Double.parseDouble(matcher.group(1)) >= 3) {
              return;
            }
          } catch (RuntimeException notYetListening) {
            last = notYetListening.toString();
          }
          Thread.sleep(500);
        }
        throw new AssertionError("Prometheus never saw 3 admitted requests; last answer: " + last + "\nlog:\n"
            + Files.readString(dir.resolve("prometheus.log")));
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  @Test
  void theJmxExporterReadsTheMBeans() throws Exception {
    String jar = System.getProperty("mcpauth.jmx.exporter.jar");
    assumeTrue(jar != null && Files.isRegularFile(Path.of(jar)), "the JMX exporter agent jar was not copied by the build");
    int exporterPort = Fixture.freePort();
    Path config = dir.resolve("jmx-exporter.yml");
    Files.writeString(config, "rules:\n  - pattern: \".*\"\n");
    try (Fixture server = Fixture.builder().protectedBy(idp)
        .jvmArg("-javaagent:" + jar + "=127.0.0.1:" + exporterPort + ":" + config).start()) {
      String token = idp.token(server.resourceUri()).sign();
      assertEquals(200, status(server, token));
      assertEquals(200, status(server, token));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<String> ours = new ArrayList<>();
      String scrape = "";
      while (System.nanoTime() < deadline) {
        try {
          scrape = scrape(exporterPort);
          ours = scrape.lines().filter(line -> line.startsWith("io_mcpauth")).toList();
          if (ours.stream().anyMatch(line -> line.contains("requests_total") && line.contains("success")
              && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 2)) {
            return;
          }
        } catch (RuntimeException | AssertionError notYet) {
          scrape = notYet.toString();
        }
        Thread.sleep(200);
      }
      throw new AssertionError("the JMX exporter shows no io_mcpauth requests_total success >= 2; io_mcpauth lines: "
          + ours + "\nscrape:\n" + (scrape.length() > 4000 ? scrape.substring(0, 4000) : scrape));
    }
  }
}
