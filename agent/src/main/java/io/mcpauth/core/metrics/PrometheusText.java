package io.mcpauth.core.metrics;

import java.util.List;

/**
 * The Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE} per
 * family, one line per sample, label values escaped (backslash, double quote, line feed).
 */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  public static String of(List<MetricFamily> families) {
    StringBuilder out = new StringBuilder(4096);
    for (MetricFamily family : families) {
      out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
      out.append("# TYPE ").append(family.name()).append(' ').append(family.type()).append('\n');
      for (MetricFamily.Sample sample : family.samples()) {
        out.append(family.name()).append(sample.suffix());
        List<String> labels = sample.labels();
        if (!labels.isEmpty()) {
          out.append('{');
          for (int i = 0; i + 1 < labels.size(); i += 2) {
            out.append(i == 0 ? "" : ",").append(labels.get(i)).append("=\"").append(escapeLabel(labels.get(i + 1))).append('"');
          }
          out.append('}');
        }
        out.append(' ').append(number(sample.value())).append('\n');
      }
    }
    return out.toString();
  }

  static String escapeLabel(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** Integral values without a fraction (counters read best that way), others as Java writes doubles. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
