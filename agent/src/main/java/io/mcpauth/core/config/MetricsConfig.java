package io.mcpauth.core.config;

import java.net.InetAddress;

/**
 * Where the agent's metrics are exposed: the Prometheus endpoint ({@code port} -1 when there is none)
 * and whether MBeans are registered.
 */
public record MetricsConfig(InetAddress bindAddress, int port, boolean jmx) {

  /** A disabled agent's: nothing exposed. */
  public static final MetricsConfig NONE = new MetricsConfig(null, -1, false);

  public boolean http() {
    return port >= 0;
  }
}
