package io.mcpauth.core.audit;

import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.logging.AgentLog;

/**
 * One audit event as one line of JSON, with Elastic Common Schema field names (dotted, flat) where
 * ECS has one and {@code mcpauth.*} or {@code mcp.*} where it has none. Absent values are left out.
 * Every string goes through {@link JsonWriter}, which escapes control characters, so a name with a
 * line break cannot split a line. Written straight into one buffer: the writer thread formats every
 * event of a busy server, on the same cores as the requests.
 */
final class AuditJson {

  private AuditJson() {}

  /** The event's line, ending with {@code \n}. */
  static String line(AuditEvent event) {
    StringBuilder out = new StringBuilder(384);
    out.append("{\"@timestamp\":\"").append(AgentLog.timestamp(event.epochMillis())).append('"');
    field(out, "event.action", event.action().action());
    field(out, "event.outcome", event.success() ? "success" : "failure");
    field(out, "event.reason", event.reason());
    if (event.durationNanos() >= 0) {
      out.append(",\"event.duration\":").append(event.durationNanos());
    }
    field(out, "source.ip", event.sourceIp());
    field(out, "http.request.method", event.httpMethod());
    field(out, "url.path", event.urlPath());
    if (event.status() > 0) {
      out.append(",\"http.response.status_code\":").append(event.status());
    }
    field(out, "user.id", event.userId());
    field(out, "mcpauth.client_id", event.clientId());
    field(out, "mcpauth.issuer", event.issuer());
    field(out, "mcpauth.jti", event.jti());
    field(out, "mcp.method", event.mcpMethod());
    field(out, "mcp.tool", event.mcpTool());
    field(out, "mcp.prompt", event.mcpPrompt());
    field(out, "mcp.resource", event.mcpResource());
    field(out, "trace.id", event.traceId());
    field(out, "mcpauth.alert", event.alertKind());
    field(out, "message", event.text());
    return out.append("}\n").toString();
  }

  /** {@code ,"name":"value"}, or nothing for an absent value; every name here needs no escaping. */
  private static void field(StringBuilder out, String name, String value) {
    if (value != null) {
      out.append(",\"").append(name).append("\":");
      JsonWriter.appendString(out, value);
    }
  }
}
