package io.mcpauth.core.gate;

import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.audit.AuditEvent;
import io.mcpauth.core.audit.TraceParent;
import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.rpc.RpcMessage;
import io.mcpauth.core.token.VerifiedToken;

/**
 * The audit event of one decision of the gate: the request's address, method and path, the caller
 * once its token is verified, the JSON-RPC message once it is read, and a valid {@code traceparent}'s
 * trace id. Never the token, the body or the session id.
 */
final class DecisionEvents {

  private DecisionEvents() {}

  /**
   * @param token the verified token, or null when the denial came before or from its verification
   * @param message the message read from the body, or null
   * @param started {@link System#nanoTime} when the decision began; 0 when not measured
   */
  static AuditEvent denied(RequestView request, int status, ReasonCode reason, VerifiedToken token, RpcMessage message,
      long started) {
    return of(request, token, message, started).failure(reason.code()).status(status);
  }

  /** An admitted request: its answer is the server's, so it has no status. */
  static AuditEvent admitted(RequestView request, VerifiedToken token, RpcMessage message, long started) {
    return of(request, token, message, started);
  }

  private static AuditEvent of(RequestView request, VerifiedToken token, RpcMessage message, long started) {
    AuditEvent event = AuditEvent.now(AuditAction.MCP_REQUEST);
    if (started != 0) {
      event.duration(System.nanoTime() - started);
    }
    if (request != null) {
      String traceparent = request.header("traceparent");
      event.request(request.remoteAddress(), request.method(), request.path())
          .traceId(traceparent == RequestView.REPEATED ? null : TraceParent.traceId(traceparent));
    }
    if (token != null) {
      event.caller(token.subject(), token.clientId(), token.issuer(), token.jti());
    }
    if (message != null) {
      String target = message.name();
      String method = message.method();
      event.message(method, "tools/call".equals(method) ? target : null, "prompts/get".equals(method) ? target : null,
          message.uri());
    }
    return event;
  }
}
