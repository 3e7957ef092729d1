package io.mcpauth.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.denial.ReasonCode;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The text exposition format, line by line, and the metrics' names, labels and bounds. */
class PrometheusTextTest {

  /** A sample line of the 0.0.4 text format: name, optional labels with escaped values, a number. */
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\[\\\\\"n]|[^\\\\\"\\n])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\[\\\\\"n]|[^\\\\\"\\n])*\")*\\})? "
          + "(-?[0-9]+(\\.[0-9]+)?(E-?[0-9]+)?|NaN|\\+Inf|-Inf)");

  @Test
  void labelValuesAreEscaped() {
    String text = PrometheusText.of(List.of(new MetricFamily("x_total", "counter", "a \\ help\nline",
        List.of(new MetricFamily.Sample("", List.of("issuer", "a\"b\\c\nd"), 3)))));
    assertEquals("# HELP x_total a \\\\ help\\nline\n# TYPE x_total counter\nx_total{issuer=\"a\\\"b\\\\c\\nd\"} 3\n", text);
  }

  @Test
  void numbers() {
    assertEquals("3", PrometheusText.number(3));
    assertEquals("0.005", PrometheusText.number(0.005));
    assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
    assertEquals("NaN", PrometheusText.number(Double.NaN));
    assertEquals("1.7654321234E9", PrometheusText.number(1.7654321234E9));
  }

  @Test
  void everyLineOfTheAgentsMetricsIsWellFormed() {
    AgentMetrics metrics = new AgentMetrics();
    metrics.admitted();
    metrics.denied(ReasonCode.TOKEN_EXPIRED);
    metrics.jwks("https://idp.example.com/realms/a\"b").fetched(3, 1_765_000_123_456L);
    metrics.introspected(30_000_000);
    metrics.alertRaised("refresh_reuse");
    String text = PrometheusText.of(metrics.families());
    for (String line : text.split("\n")) {
      if (!line.startsWith("# HELP ") && !line.startsWith("# TYPE ")) {
        assertTrue(SAMPLE.matcher(line).matches(), "not a sample line: " + line);
      }
    }
    assertTrue(text.contains("mcpauth_requests_total{outcome=\"success\"} 1\n"), text);
    assertTrue(text.contains("mcpauth_requests_total{outcome=\"failure\",reason=\"token_expired\"} 1\n"), text);
    assertTrue(text.contains("mcpauth_requests_total{outcome=\"failure\",reason=\"token_missing\"} 0\n"), text);
    assertTrue(text.contains("mcpauth_jwks_keys{issuer=\"https://idp.example.com/realms/a\\\"b\"} 3\n"), text);
    assertTrue(text.contains("mcpauth_jwks_last_success_timestamp_seconds{issuer=\"https://idp.example.com/realms/a\\\"b\"} 1.765000123456E9\n"), text);
    assertTrue(text.contains("mcpauth_introspection_duration_seconds_bucket{le=\"0.025\"} 0\n"), text);
    assertTrue(text.contains("mcpauth_introspection_duration_seconds_bucket{le=\"0.05\"} 1\n"), text);
    assertTrue(text.contains("mcpauth_introspection_duration_seconds_bucket{le=\"+Inf\"} 1\n"), text);
    assertTrue(text.contains("mcpauth_introspection_duration_seconds_count 1\n"), text);
    assertTrue(text.contains("mcpauth_introspection_duration_seconds_sum 0.03\n"), text);
    assertTrue(text.contains("mcpauth_alerts_total{kind=\"refresh_reuse\"} 1\n"), text);
    assertTrue(text.contains("mcpauth_audit_dropped_total 0\n"), text);
    assertTrue(text.contains("# TYPE mcpauth_introspection_duration_seconds histogram\n"), text);
  }

  @Test
  void everyFamilyTheIssueNamesIsThere() {
    String text = PrometheusText.of(new AgentMetrics().families());
    for (String name : List.of("mcpauth_requests_total", "mcpauth_token_cache_hits_total",
        "mcpauth_token_cache_misses_total", "mcpauth_jwks_fetch_total", "mcpauth_jwks_keys",
        "mcpauth_jwks_last_success_timestamp_seconds", "mcpauth_introspection_duration_seconds",
        "mcpauth_as_logins_total", "mcpauth_as_tokens_issued_total", "mcpauth_as_refresh_reuse_total",
        "mcpauth_audit_dropped_total", "mcpauth_alerts_total")) {
      assertTrue(text.contains("# TYPE " + name + " "), name);
    }
  }

  @Test
  void alertKindsAreBounded() {
    AgentMetrics metrics = new AgentMetrics();
    for (int i = 0; i < 100; i++) {
      metrics.alertRaised("kind" + i);
    }
    MetricFamily alerts = metrics.families().stream().filter(f -> f.name().equals("mcpauth_alerts_total")).findFirst()
        .orElseThrow();
    assertEquals(AgentMetrics.MAX_ALERT_KINDS + 1, alerts.samples().size());
    assertEquals(100 - AgentMetrics.MAX_ALERT_KINDS, alerts.samples().stream()
        .filter(s -> s.labels().get(1).equals("other")).findFirst().orElseThrow().value());
  }

  @Test
  void theMBeanAttributesAreNamedByLabelValues() {
    AgentMetrics metrics = new AgentMetrics();
    metrics.denied(ReasonCode.ORIGIN_REFUSED);
    MetricFamily requests = metrics.families().get(0);
    assertEquals(1L, MetricsMBeans.attributes(requests).get("failure_origin_refused"));
    assertEquals(0L, MetricsMBeans.attributes(requests).get("success"));
    MetricFamily histogram = metrics.families().stream()
        .filter(f -> f.name().equals("mcpauth_introspection_duration_seconds")).findFirst().orElseThrow();
    assertEquals(List.of("sum", "count"), List.copyOf(MetricsMBeans.attributes(histogram).keySet()));
  }
}
