package io.mcpauth.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram of durations in seconds, with fixed buckets; recording takes no lock and allocates nothing. */
final class LatencyHistogram {

  static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** Per bucket, not cumulative; the last one is +Inf. */
  private final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
  private final DoubleAdder sum = new DoubleAdder();

  LatencyHistogram() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  void record(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) {
      i++;
    }
    counts[i].increment();
    sum.add(seconds);
  }

  /** The samples of {@code name}: cumulative buckets, then sum and count. */
  List<MetricFamily.Sample> samples() {
    List<MetricFamily.Sample> samples = new ArrayList<>();
    long cumulative = 0;
    for (int i = 0; i < counts.length; i++) {
      cumulative += counts[i].sum();
      String le = i < BUCKETS.length ? PrometheusText.number(BUCKETS[i]) : "+Inf";
      samples.add(new MetricFamily.Sample("_bucket", List.of("le", le), cumulative));
    }
    samples.add(new MetricFamily.Sample("_sum", List.of(), sum.sum()));
    samples.add(new MetricFamily.Sample("_count", List.of(), cumulative));
    return samples;
  }
}
