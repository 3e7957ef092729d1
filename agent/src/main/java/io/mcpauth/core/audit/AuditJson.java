package io.mcpauth.core.audit;

import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.logging.AgentLog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One audit event as one line of JSON, with Elastic Common Schema field names (dotted, flat) where
 * ECS has one and {@code mcpauth.*} or {@code mcp.*} where it has none. Absent values are left out.
 * Every string goes through {@link JsonWriter}, which escapes control characters, so a name with a
 * line break cannot split a line.
 */
final class AuditJson {

  private AuditJson() {}

  static String line(AuditEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("@timestamp", AgentLog.timestamp(event.epochMillis()));
    fields.put("event.action", event.action().action());
    fields.put("event.outcome", event.success() ? "success" : "failure");
    put(fields, "event.reason", event.reason());
    if (event.durationNanos() >= 0) {
      fields.put("event.duration", event.durationNanos());
    }
    put(fields, "source.ip", event.sourceIp());
    put(fields, "http.request.method", event.httpMethod());
    put(fields, "url.path", event.urlPath());
    if (event.status() > 0) {
      fields.put("http.response.status_code", event.status());
    }
    put(fields, "user.id", event.userId());
    put(fields, "mcpauth.client_id", event.clientId());
    put(fields, "mcpauth.issuer", event.issuer());
    put(fields, "mcpauth.jti", event.jti());
    put(fields, "mcp.method", event.mcpMethod());
    put(fields, "mcp.tool", event.mcpTool());
    put(fields, "mcp.prompt", event.mcpPrompt());
    put(fields, "mcp.resource", event.mcpResource());
    put(fields, "trace.id", event.traceId());
    put(fields, "mcpauth.alert", event.alertKind());
    put(fields, "message", event.text());
    return JsonWriter.write(fields);
  }

  private static void put(Map<String, Object> fields, String name, String value) {
    if (value != null) {
      fields.put(name, value);
    }
  }
}
