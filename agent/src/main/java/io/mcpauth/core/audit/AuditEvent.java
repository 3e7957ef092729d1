package io.mcpauth.core.audit;

/**
 * One audit event: a decision of the gate, an event of the authorization server, a key fetch or a
 * security alert. Filled in by the one thread that makes it, then published once and never changed.
 * Its values are never a token, a secret, a password, a code or a whole session id: the callers
 * that fill it in are the places that keep them out.
 */
public final class AuditEvent {

  private final long epochMillis;
  private final AuditAction action;
  private boolean success = true;
  private String reason;
  private String sourceIp;
  private String httpMethod;
  private String urlPath;
  private int status;
  private long durationNanos = -1;
  private String userId;
  private String clientId;
  private String issuer;
  private String jti;
  private String mcpMethod;
  private String mcpTool;
  private String mcpPrompt;
  private String mcpResource;
  private String traceId;
  private String alert;
  private String message;

  public AuditEvent(AuditAction action, long epochMillis) {
    this.action = action;
    this.epochMillis = epochMillis;
  }

  public static AuditEvent now(AuditAction action) {
    return new AuditEvent(action, System.currentTimeMillis());
  }

  /** A failure, with its stable reason code. */
  public AuditEvent failure(String reason) {
    this.success = false;
    this.reason = reason;
    return this;
  }

  /** @param urlPath the path without its query; {@code ;name=value} parameters are cut off here (a {@code ;jsessionid=}) */
  public AuditEvent request(String sourceIp, String httpMethod, String urlPath) {
    this.sourceIp = sourceIp;
    this.httpMethod = httpMethod;
    int semicolon = urlPath == null ? -1 : urlPath.indexOf(';');
    this.urlPath = semicolon < 0 ? urlPath : urlPath.substring(0, semicolon);
    return this;
  }

  /** The response's status; 0 for none (an admitted request, whose answer is the server's). */
  public AuditEvent status(int status) {
    this.status = status;
    return this;
  }

  public AuditEvent duration(long nanos) {
    this.durationNanos = nanos;
    return this;
  }

  public AuditEvent caller(String userId, String clientId, String issuer, String jti) {
    this.userId = userId;
    this.clientId = clientId;
    this.issuer = issuer;
    this.jti = jti;
    return this;
  }

  public AuditEvent user(String userId) {
    this.userId = userId;
    return this;
  }

  public AuditEvent client(String clientId) {
    this.clientId = clientId;
    return this;
  }

  public AuditEvent issuer(String issuer) {
    this.issuer = issuer;
    return this;
  }

  /** The JSON-RPC method and what it names: {@code tools/call}'s tool, {@code prompts/get}'s prompt, a resource's URI. */
  public AuditEvent message(String method, String tool, String prompt, String resource) {
    this.mcpMethod = method;
    this.mcpTool = tool;
    this.mcpPrompt = prompt;
    this.mcpResource = resource;
    return this;
  }

  public AuditEvent traceId(String traceId) {
    this.traceId = traceId;
    return this;
  }

  /** A security alert's kind and its words for people. */
  public AuditEvent alert(String kind, String text) {
    this.alert = kind;
    this.message = text;
    return this;
  }

  public long epochMillis() {
    return epochMillis;
  }

  public AuditAction action() {
    return action;
  }

  public boolean success() {
    return success;
  }

  /** The stable reason code of a failure; null for a success. */
  public String reason() {
    return reason;
  }

  public String sourceIp() {
    return sourceIp;
  }

  public String httpMethod() {
    return httpMethod;
  }

  public String urlPath() {
    return urlPath;
  }

  public int status() {
    return status;
  }

  /** Nanoseconds the decision or exchange took; negative when not measured. */
  public long durationNanos() {
    return durationNanos;
  }

  public String userId() {
    return userId;
  }

  public String clientId() {
    return clientId;
  }

  public String issuer() {
    return issuer;
  }

  public String jti() {
    return jti;
  }

  public String mcpMethod() {
    return mcpMethod;
  }

  public String mcpTool() {
    return mcpTool;
  }

  public String mcpPrompt() {
    return mcpPrompt;
  }

  public String mcpResource() {
    return mcpResource;
  }

  public String traceId() {
    return traceId;
  }

  public String alertKind() {
    return alert;
  }

  public String text() {
    return message;
  }
}
