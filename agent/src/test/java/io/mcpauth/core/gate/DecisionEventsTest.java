package io.mcpauth.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.audit.AuditEvent;
import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.audit.AuditSink;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.gate.AdmissionTest.Request;
import io.mcpauth.core.token.TestTokens;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The gate publishes one audit event per decision: every denial, and with the trail on every admission. */
class DecisionEventsTest {

  private static final TestTokens.Signer SIGNER = TestTokens.rsa();
  private static final String VALID = SIGNER.mint(TestTokens.with(TestTokens.claims(), "jti", "jti-7", "client_id", "app-1"));
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  /** Records what it is given; wants admissions when the trail would be on. */
  static final class Recorder implements AuditSink {
    final List<AuditEvent> events = new ArrayList<>();
    private final boolean trail;

    Recorder(boolean trail) {
      this.trail = trail;
    }

    @Override
    public void accept(AuditEvent event) {
      events.add(event);
    }

    @Override
    public boolean wantsAdmissions() {
      return trail;
    }
  }

  private Admission admission(AgentConfig config, Recorder recorder) {
    return new Admission(config, new VerifiedTokenCache(100, TestTokens.CLOCK, VerifiedTokenCache.Revocations.NONE)
        .inFrontOf(new TokenVerifier(config, TestTokens.keys(SIGNER.publicJwk()), TestTokens.CLOCK)),
        new AuditEvents(List.of(recorder)));
  }

  private static byte[] body(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("a denial is one event with its reason, status, address, method, path and a valid trace id")
  void denial() {
    Recorder recorder = new Recorder(false);
    Admission admission = admission(TestTokens.config(), recorder);
    assertInstanceOf(Decision.Deny.class, admission.decide(Request.post().header("traceparent", TRACEPARENT)));
    assertEquals(1, recorder.events.size());
    AuditEvent event = recorder.events.get(0);
    assertEquals(AuditAction.MCP_REQUEST, event.action());
    assertFalse(event.success());
    assertEquals("token_missing", event.reason());
    assertEquals(401, event.status());
    assertEquals("192.0.2.1", event.sourceIp());
    assertEquals("POST", event.httpMethod());
    assertEquals("/mcp", event.urlPath());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", event.traceId());
  }

  @Test
  @DisplayName("with the trail off, an admitted request publishes nothing and its body is not read")
  void admittedWithoutTrail() {
    Recorder recorder = new Recorder(false);
    Admission admission = admission(TestTokens.config(), recorder);
    Request request = Request.post().bearer(VALID);
    Decision.Admit admitted = assertInstanceOf(Decision.Admit.class, admission.decide(request));
    assertFalse(admission.judgesBody(request), "no per-message rules and no trail: the body is the server's alone");
    assertEquals(0, admitted.startedNanos(), "not even the clock is read");
    assertTrue(recorder.events.isEmpty());
  }

  @Test
  @DisplayName("with the trail on, an admitted GET is one event with the caller and no status")
  void admittedGet() {
    Recorder recorder = new Recorder(true);
    Admission admission = admission(TestTokens.config(), recorder);
    Request request = new Request("GET").bearer(VALID).header("traceparent", "00-bad");
    assertInstanceOf(Decision.Admit.class, admission.decide(request));
    assertEquals(1, recorder.events.size());
    AuditEvent event = recorder.events.get(0);
    assertTrue(event.success());
    assertNull(event.reason());
    assertEquals(0, event.status());
    assertEquals("user-42", event.userId());
    assertEquals("app-1", event.clientId());
    assertEquals(TestTokens.ISSUER, event.issuer());
    assertEquals("jti-7", event.jti());
    assertNull(event.traceId(), "a malformed traceparent is ignored");
    assertTrue(event.durationNanos() >= 0);
  }

  @Test
  @DisplayName("with the trail on, a POST is read and its one event names the method and the tool, prompt or resource")
  void admittedMessages() {
    Recorder recorder = new Recorder(true);
    Admission admission = admission(TestTokens.config(), recorder);
    String[][] cases = {
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}", "tools/call", "echo", null, null},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":\"greet\"}}", "prompts/get", null, "greet", null},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///a\"}}", "resources/read", null, null, "file:///a"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "ping", null, null, null}};
    for (String[] c : cases) {
      recorder.events.clear();
      Request request = Request.post().bearer(VALID);
      Decision.Admit admitted = assertInstanceOf(Decision.Admit.class, admission.decide(request));
      assertTrue(admission.judgesBody(request));
      assertTrue(recorder.events.isEmpty(), "the event waits for the message");
      assertNull(admission.judgeMessage(request, admitted, body(c[0]), "application/json", null));
      assertEquals(1, recorder.events.size(), c[0]);
      AuditEvent event = recorder.events.get(0);
      assertTrue(event.success());
      assertEquals(c[1], event.mcpMethod());
      assertEquals(c[2], event.mcpTool());
      assertEquals(c[3], event.mcpPrompt());
      assertEquals(c[4], event.mcpResource());
    }
  }

  @Test
  @DisplayName("a message refused by a per-tool rule is one failure event naming the tool and the caller")
  void refusedMessage() {
    Recorder recorder = new Recorder(true);
    Admission admission = admission(TestTokens.config("mcpauth.scopes.tool.delete", "admin"), recorder);
    Request request = Request.post().bearer(VALID);
    Decision.Admit admitted = assertInstanceOf(Decision.Admit.class, admission.decide(request));
    Decision.Deny denial = admission.judgeMessage(request, admitted,
        body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"delete\"}}"),
        "application/json", null);
    assertEquals(403, denial.status());
    assertEquals(1, recorder.events.size());
    AuditEvent event = recorder.events.get(0);
    assertEquals("insufficient_scope", event.reason());
    assertEquals(403, event.status());
    assertEquals("delete", event.mcpTool());
    assertEquals("user-42", event.userId());
  }
}
