package io.mcpauth.core.metrics;

import java.util.List;

/**
 * One metric as exposed: its name, type and help, and its samples at the moment it was read.
 *
 * @param type {@code counter}, {@code gauge} or {@code histogram}
 */
public record MetricFamily(String name, String type, String help, List<Sample> samples) {

  /**
   * One number of a family.
   *
   * @param suffix appended to the family's name: empty, or {@code _bucket}, {@code _sum}, {@code _count}
   * @param labels label names and values, alternating; the values are bounded in number by construction
   */
  public record Sample(String suffix, List<String> labels, double value) {}
}
