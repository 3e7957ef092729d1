package io.mcpauth.core.audit;

/**
 * Where audit events go: the trail's file writer, the security alerts, and whatever else counts
 * them. Called on the thread that made the decision, once per event, so it must be quick.
 */
public interface AuditSink {

  void accept(AuditEvent event);

  /** Whether this sink wants an event for every admitted MCP request, not only for denials. */
  default boolean wantsAdmissions() {
    return false;
  }

  /** True while this sink cannot record and the request that needs recording must be refused instead. */
  default boolean unavailable() {
    return false;
  }
}
