package io.mcpauth.core.metrics;

import io.mcpauth.core.logging.AgentLog;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The metrics as MBeans of the platform MBean server: one per family,
 * {@code io.mcpauth:type=Metrics,name=mcpauth_requests_total}, read-only, with one attribute per
 * sample named by its label values ({@code failure_token_missing}; {@code value} for a family
 * without labels; {@code count} and {@code sum} for the histogram). The attributes are read from
 * the counters at each call, so JMX and Prometheus always show the same numbers.
 */
public final class MetricsMBeans {

  public static final String DOMAIN = "io.mcpauth";

  private MetricsMBeans() {}

  /** For the agent's background thread: the platform MBean server is not started on the JVM's start-up path. */
  public static void register(AgentMetrics metrics) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      for (MetricFamily family : metrics.families()) {
        ObjectName name = new ObjectName(DOMAIN + ":type=Metrics,name=" + family.name());
        if (!server.isRegistered(name)) {
          server.registerMBean(new FamilyBean(metrics, family.name()), name);
        }
      }
    } catch (Exception | LinkageError e) {
      AgentLog.warn("the metrics MBeans could not be registered ({}); the Prometheus endpoint is not affected", e.toString());
    }
  }

  /** The attribute names and values of a family's current samples. */
  static Map<String, Object> attributes(MetricFamily family) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (MetricFamily.Sample sample : family.samples()) {
      if (sample.suffix().equals("_bucket")) {
        continue;
      }
      StringBuilder name = new StringBuilder(sample.suffix().isEmpty() ? "" : sample.suffix().substring(1));
      for (int i = 1; i < sample.labels().size(); i += 2) {
        name.append(name.length() == 0 ? "" : "_").append(sample.labels().get(i));
      }
      String attribute = name.length() == 0 ? "value" : name.toString().replaceAll("[^A-Za-z0-9_]", "_");
      attributes.put(attribute, family.type().equals("counter") || sample.value() == Math.rint(sample.value())
          ? (Object) (long) sample.value() : (Object) sample.value());
    }
    return attributes;
  }

  private static final class FamilyBean implements DynamicMBean {
    private final AgentMetrics metrics;
    private final String family;

    FamilyBean(AgentMetrics metrics, String family) {
      this.metrics = metrics;
      this.family = family;
    }

    private Map<String, Object> current() {
      for (MetricFamily candidate : metrics.families()) {
        if (candidate.name().equals(family)) {
          return attributes(candidate);
        }
      }
      return Map.of();
    }

    private String help() {
      for (MetricFamily candidate : metrics.families()) {
        if (candidate.name().equals(family)) {
          return candidate.help();
        }
      }
      return family;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
      Object value = current().get(attribute);
      if (value == null) {
        throw new AttributeNotFoundException(attribute);
      }
      return value;
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
      Map<String, Object> current = current();
      AttributeList list = new AttributeList();
      for (String attribute : attributes) {
        if (current.containsKey(attribute)) {
          list.add(new Attribute(attribute, current.get(attribute)));
        }
      }
      return list;
    }

    @Override
    public void setAttribute(Attribute attribute) {
      throw new UnsupportedOperationException("the metrics are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
      return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
      throw new UnsupportedOperationException("the metrics have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
      List<MBeanAttributeInfo> infos = new ArrayList<>();
      current().forEach((name, value) -> infos.add(new MBeanAttributeInfo(name, value.getClass().getName(), name, true,
          false, false)));
      return new MBeanInfo(FamilyBean.class.getName(), help(), infos.toArray(new MBeanAttributeInfo[0]), null, null, null);
    }
  }
}
