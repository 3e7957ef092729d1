package io.mcpauth.core.gate;

import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.metrics.AgentMetrics;
import io.mcpauth.core.rpc.JsonRpcPeek;
import io.mcpauth.core.rpc.PeekRejectedException;
import io.mcpauth.core.rpc.RpcMessage;
import io.mcpauth.core.scopes.ScopePolicy;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.VerifiedToken;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gate's decision, free of any web framework: {@link #decide} judges a request's Host, Origin,
 * bearer token, scopes and session; {@link #judgeMessage} judges a POSTed JSON-RPC message under
 * per-message scope rules. Every denial carries one {@link ReasonCode} and is logged here, once,
 * with the method, path, status and code (never the token; at most {@code mcpauth.log.denials-per-second}
 * lines a second, see {@link DenialLog}), and published as one audit event; an
 * admitted request is published only when the audit trail is on, which also has every POSTed
 * message read, as per-message rules do.
 */
public final class Admission {

  private static final AgentMetrics METRICS = AgentMetrics.agent();

  private final AccessTokenVerifier tokens;
  private final ScopePolicy policy;
  /** Null unless some scope rule depends on the JSON-RPC message. */
  private final MessageAuthorization messages;
  private final ResourceIdentity resources;
  private final SessionBindings sessions;
  private final Set<String> unsupportedTransports = ConcurrentHashMap.newKeySet();
  private final AdmittedCallers callers = new AdmittedCallers();
  private final AuditEvents audit;
  /** Whether admitted requests are published too (the trail is on): read once per request. */
  private final boolean recordsAdmissions;
  private final DenialLog denials;

  /** An admission that publishes no events, for tests. */
  public Admission(AgentConfig config, AccessTokenVerifier tokens) {
    this(config, tokens, AuditEvents.NONE);
  }

  /**
   * @param tokens judges each bearer token: a JWT verifier behind its cache, introspection, or a router by issuer
   * @param audit where every decision is published
   */
  public Admission(AgentConfig config, AccessTokenVerifier tokens, AuditEvents audit) {
    this.tokens = tokens;
    this.policy = config.scopePolicy();
    this.audit = audit;
    this.recordsAdmissions = audit.recordsAdmissions();
    this.messages = policy.readsMessages() || recordsAdmissions
        ? new MessageAuthorization(new JsonRpcPeek(config.maxBodyBytes()), policy) : null;
    this.resources = new ResourceIdentity(config);
    this.denials = new DenialLog(config.logDenialsPerSecond(), System::nanoTime);
    this.sessions = new SessionBindings(config.sessionIdleTimeout().toNanos(), config.sessionMaxBindings(),
        System::nanoTime);
  }

  /** The decision for one request to a transport entry point. */
  public Decision decide(RequestView request) {
    long started = 0;
    if (recordsAdmissions) {
      started = System.nanoTime();
      if (audit.unavailable()) {
        // Block mode promises no request goes unrecorded: one that cannot be recorded is refused.
        return deny(request, Challenges.UNAVAILABLE, ReasonCode.AUDIT_UNAVAILABLE, "the audit trail cannot be written",
            null, null, started);
      }
    }
    String method = request.method();
    String origin = request.header("Origin");
    if (origin == RequestView.REPEATED) {
      return deny(request, Challenges.AMBIGUOUS_ORIGIN, ReasonCode.ORIGIN_AMBIGUOUS, "more than one Origin header");
    }
    String host = request.firstHeader("Host");
    ResourceIdentity.View resource = resources.forHost(host);
    if (resource == null) {
      return deny(request, Challenges.MISDIRECTED, ReasonCode.HOST_MISDIRECTED,
          "Host " + LogText.printable(host) + " is not a loopback origin");
    }
    if (origin != null && !resource.origins().allows(origin)) {
      return deny(request, Challenges.FORBIDDEN_ORIGIN, ReasonCode.ORIGIN_REFUSED,
          "Origin " + LogText.printable(origin) + " is not allowed");
    }
    Challenges challenges = resource.challenges();
    String authorization = request.header("Authorization");
    BearerCredentials credentials = authorization == RequestView.REPEATED
        ? BearerCredentials.MALFORMED_REQUEST : BearerCredentials.parse(authorization);
    switch (credentials.kind()) {
      case NONE:
        return deny(request, challenges.noToken, ReasonCode.TOKEN_MISSING, "no bearer token");
      case MALFORMED_REQUEST:
        return deny(request, challenges.malformedRequest, ReasonCode.AUTHORIZATION_MALFORMED,
            "malformed Authorization header");
      case MALFORMED_TOKEN:
        return deny(request, challenges.invalidToken, ReasonCode.TOKEN_MALFORMED, "malformed token: not token68 text");
      default:
        break;
    }
    VerifiedToken token;
    try {
      token = tokens.verify(credentials.token(), request.mayWait());
    } catch (TokenRejectedException e) {
      return deny(request, e.reason().unavailable() ? challenges.unavailable : challenges.invalidToken, e.reason(),
          e.getMessage(), null, null, started);
    }
    if (resources.perRequest() && !names(token.claims().get("aud"), resource.resource())) {
      return deny(request, challenges.invalidToken, ReasonCode.AUDIENCE_MISMATCH, "aud does not name this resource",
          token, null, started);
    }
    if (!policy.grants(token.scopes(), policy.everyRequest())) {
      return deny(request, challenges.insufficientScope, ReasonCode.INSUFFICIENT_SCOPE,
          "insufficient scope for subject " + LogText.printable(token.subject()), token, null, started);
    }
    AdmittedCallers.Caller admitted = callers.of(token);
    CallerIdentity caller = admitted.identity;
    String sessionId = switch (request.sessionStyle()) {
      case STREAMABLE -> request.header("Mcp-Session-Id");
      case LEGACY_SSE -> "POST".equals(method) ? request.parameter("sessionId") : null;
      case NONE -> null;
    };
    if (sessionId == RequestView.REPEATED) {
      return deny(request, Challenges.AMBIGUOUS_SESSION, ReasonCode.SESSION_AMBIGUOUS,
          "the session is named more than once", token, null, started);
    }
    if (sessionId != null) {
      // RS-SEC: a session answers only its owner; to anyone else it does not exist (404, as the SDK
      // says of unknown ones). Spring transports create session ids out of the gate's sight, so
      // there a session is bound to the first caller that uses it (the id only ever goes to the
      // client that initialized it).
      SessionBindings.Match match = request.bindsSessionsOnFirstUse()
          ? sessions.bindIfUnknown(sessionId, caller) : sessions.match(sessionId, caller);
      if (match == SessionBindings.Match.OTHER_CALLER) {
        return deny(request, Challenges.SESSION_NOT_FOUND, ReasonCode.SESSION_NOT_OWNED,
            "the session belongs to another caller than subject " + LogText.printable(caller.subject()), token, null,
            started);
      }
      if (match == SessionBindings.Match.UNKNOWN) {
        return deny(request, Challenges.SESSION_NOT_FOUND, ReasonCode.SESSION_UNKNOWN, "unknown or expired session",
            token, null, started);
      }
      if ("DELETE".equals(method)) {
        sessions.remove(sessionId);
      }
    }
    if (!judgesBody(request)) {
      METRICS.admitted();
    }
    if (recordsAdmissions && !judgesBody(request)) {
      audit.publish(DecisionEvents.admitted(request, token, null, started));
    }
    return new Decision.Admit(token, caller, admitted.entries, sessionId, challenges, started);
  }

  /** Whether some scope rule depends on the JSON-RPC message, so POSTed bodies are judged. */
  boolean readsMessages() {
    return messages != null;
  }

  /** Whether an admitted request's body is to be read and judged before the transport runs. */
  public boolean judgesBody(RequestView request) {
    return messages != null && "POST".equals(request.method());
  }

  /** The largest body {@link #judgeMessage} accepts. */
  int maxBodyBytes() {
    return messages.maxBodyBytes();
  }

  /** The refusal of a body whose declared length is over the limit, before it is read; else null. */
  Decision.Deny refuseDeclaredLength(RequestView request, Decision.Admit admitted, long contentLength) {
    MessageAuthorization.Refusal refusal = messages.refuseDeclaredLength(contentLength);
    return refusal == null ? null : deny(request, refusal.reply(), refusal.reason(), refusal.detail(),
        admitted == null ? null : admitted.token(), null, admitted == null ? 0 : admitted.startedNanos());
  }

  /** Reads at most what {@link #judgeMessage} accepts (see {@link MessageAuthorization#read}). */
  byte[] read(java.io.InputStream body, long contentLength) throws java.io.IOException {
    return messages.read(body, contentLength);
  }

  /**
   * Per-message rules (RS-11): the refusal of this body for the admitted caller, or null when the
   * message may go to the server.
   *
   * @param contentType the request's (first) Content-Type, as the peek judges the encoding by it
   */
  public Decision.Deny judgeMessage(RequestView request, Decision.Admit admitted, byte[] body, String contentType,
      String contentEncoding) {
    RpcMessage message;
    try {
      message = messages.peek(body, contentType, contentEncoding);
    } catch (PeekRejectedException e) {
      MessageAuthorization.Refusal refusal = MessageAuthorization.unreadable(e);
      return deny(request, refusal.reply(), refusal.reason(), refusal.detail(), admitted.token(), null,
          admitted.startedNanos());
    }
    MessageAuthorization.Refusal refusal = messages.authorize(message, admitted.token(), admitted.challenges());
    if (refusal != null) {
      return deny(request, refusal.reply(), refusal.reason(), refusal.detail(), admitted.token(), message,
          admitted.startedNanos());
    }
    METRICS.admitted();
    if (recordsAdmissions) {
      audit.publish(DecisionEvents.admitted(request, admitted.token(), message, admitted.startedNanos()));
    }
    return null;
  }

  /**
   * Before a servlet's {@code service}: the 405 for a method the transport does not gate, the 503
   * for a transport the agent could not hook; else null (then a GET may still be the metadata's).
   *
   * @param gated the methods the servlet's hooked entry points answer; null for a servlet that is no transport
   */
  public Decision.Deny refuseBeforeService(RequestView request, String servletClass, Set<String> gated,
      Reply methodNotAllowed) {
    // A refused transport answers every request 503, whatever its method: a missing entry point
    // would otherwise show as a 405 that hides why.
    if (!unsupportedTransports.isEmpty() && unsupportedTransports.contains(servletClass)) {
      return deny(request, Challenges.TRANSPORT_UNRECOGNISED, ReasonCode.TRANSPORT_UNRECOGNISED,
          "transport " + servletClass + " has a shape the agent does not recognise (see the ERROR at start)");
    }
    if (gated != null && !gated.contains(request.method())) {
      return deny(request, methodNotAllowed, ReasonCode.METHOD_NOT_ALLOWED, "method not gated by the transport");
    }
    return null;
  }

  /** The Protected Resource Metadata document for a GET of {@code path} on {@code host}, or null. */
  public Reply metadataFor(String host, String path) {
    ResourceIdentity.View resource = resources.forHost(host);
    return resource == null ? null : resource.metadata().replyFor(path);
  }

  /**
   * Marks a transport class whose shape the agent does not recognise: every request to it is
   * denied with 503 from {@code HttpServlet.service}, since its own entry points carry no gate.
   */
  public void refuseTransport(String className) {
    unsupportedTransports.add(className);
  }

  /** The scope rules, for the tools/list filter. */
  ScopePolicy policy() {
    return policy;
  }

  /** A servlet session transport created session {@code sessionId} for this caller. */
  void bind(String sessionId, CallerIdentity caller) {
    sessions.bind(sessionId, caller);
  }

  SessionBindings sessions() {
    return sessions;
  }

  /** Fail closed: something threw inside the gate, so the request is answered 503 and never dispatched. */
  static Decision.Deny internalError(Throwable e) {
    AgentLog.error("denied a request: 503 " + ReasonCode.INTERNAL_ERROR.code() + ", the authorization check failed", e);
    METRICS.denied(ReasonCode.INTERNAL_ERROR);
    return new Decision.Deny(Challenges.CHECK_FAILED, ReasonCode.INTERNAL_ERROR, "the authorization check failed");
  }

  /** {@link #internalError}, published as this gate's decision (without the request, which may be what failed). */
  Decision.Deny refuseAfterError(Throwable e) {
    Decision.Deny denial = internalError(e);
    audit.publish(DecisionEvents.denied(null, denial.status(), denial.reason(), null, null, 0));
    return denial;
  }

  private Decision.Deny deny(RequestView request, Reply reply, ReasonCode reason, String detail) {
    return deny(request, reply, reason, detail, null, null, 0);
  }

  private Decision.Deny deny(RequestView request, Reply reply, ReasonCode reason, String detail, VerifiedToken token,
      RpcMessage message, long started) {
    METRICS.denied(reason);
    denials.denied(request, reply.status, reason, detail);
    audit.publish(DecisionEvents.denied(request, reply.status, reason, token, message, started));
    return new Decision.Deny(reply, reason, detail);
  }

  private static boolean names(Object aud, String resource) {
    if (aud instanceof String single) {
      return single.equals(resource);
    }
    return aud instanceof List<?> list && list.contains(resource);
  }
}
