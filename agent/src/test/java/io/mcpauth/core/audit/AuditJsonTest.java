package io.mcpauth.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.json.StrictJson;
import io.mcpauth.core.logging.AgentLog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit line is written straight into a buffer; it must be what the generic JSON writer makes of the same fields. */
class AuditJsonTest {

  @Test
  void everyFieldInItsOrderAsTheGenericWriterWritesIt() throws Exception {
    AuditEvent event = new AuditEvent(AuditAction.MCP_REQUEST, 1_796_000_000_123L)
        .failure("insufficient_scope")
        .request("127.0.0.1", "POST", "/mcp;jsessionid=x")
        .status(403)
        .duration(12_345)
        .caller("al\"ice\n", "client<1>", "https://idp.example/", "jti\u2028&")
        .message("tools/call", "echo\\", null, "file:///\u0001")
        .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
        .alert("invalid_token_burst", "lone \uD800 surrogate");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("@timestamp", AgentLog.timestamp(1_796_000_000_123L));
    fields.put("event.action", "mcp.request");
    fields.put("event.outcome", "failure");
    fields.put("event.reason", "insufficient_scope");
    fields.put("event.duration", 12_345L);
    fields.put("source.ip", "127.0.0.1");
    fields.put("http.request.method", "POST");
    fields.put("url.path", "/mcp");
    fields.put("http.response.status_code", 403);
    fields.put("user.id", "al\"ice\n");
    fields.put("mcpauth.client_id", "client<1>");
    fields.put("mcpauth.issuer", "https://idp.example/");
    fields.put("mcpauth.jti", "jti\u2028&");
    fields.put("mcp.method", "tools/call");
    fields.put("mcp.tool", "echo\\");
    fields.put("mcp.resource", "file:///\u0001");
    fields.put("trace.id", "4bf92f3577b34da6a3ce929d0e0e4736");
    fields.put("mcpauth.alert", "invalid_token_burst");
    fields.put("message", "lone \uD800 surrogate");

    String line = AuditJson.line(event);

    assertEquals(JsonWriter.write(fields) + "\n", line);
    assertEquals(1, line.split("\n", -1).length - 1, "one line");
  }

  @Test
  void absentValuesAreLeftOut() throws Exception {
    String line = AuditJson.line(new AuditEvent(AuditAction.MCP_REQUEST, 0));

    assertEquals("{\"@timestamp\":\"1970-01-01T00:00:00.000Z\",\"event.action\":\"mcp.request\",\"event.outcome\":\"success\"}\n",
        line);
    assertEquals(3, StrictJson.parseObject(line.trim(), "audit line").size());
  }
}
