package io.mcpauth.core.audit;

import io.mcpauth.core.logging.AgentLog;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the gate, the authorization server and the key fetches hand their events to: each
 * is passed to every sink (the trail, the alerts, counters). Denials and authorization-server
 * events are always published; an admitted request only when some sink {@link #recordsAdmissions wants it},
 * so with the trail off an admitted request costs one field read.
 */
public final class AuditEvents {

  /** No sink at all: for tests and tools that make decisions without recording them. */
  public static final AuditEvents NONE = new AuditEvents(List.of());

  private final AuditSink[] sinks;
  private final boolean admissions;

  public AuditEvents(List<AuditSink> sinks) {
    List<AuditSink> present = new ArrayList<>();
    for (AuditSink sink : sinks) {
      if (sink != null) {
        present.add(sink);
      }
    }
    this.sinks = present.toArray(new AuditSink[0]);
    boolean wanted = false;
    for (AuditSink sink : this.sinks) {
      wanted |= sink.wantsAdmissions();
    }
    this.admissions = wanted;
  }

  /** Whether admitted MCP requests are recorded too (the trail is on), so the gate reads their message. */
  public boolean recordsAdmissions() {
    return admissions;
  }

  /** True while a request cannot be recorded and must be refused (the trail fails in block mode). */
  public boolean unavailable() {
    for (AuditSink sink : sinks) {
      if (sink.unavailable()) {
        return true;
      }
    }
    return false;
  }

  public void publish(AuditEvent event) {
    for (AuditSink sink : sinks) {
      try {
        sink.accept(event);
      } catch (RuntimeException e) {
        // A sink's failure must not change the decision it records.
        AgentLog.error("audit: a sink failed on a " + event.action() + " event", e);
      }
    }
  }
}
