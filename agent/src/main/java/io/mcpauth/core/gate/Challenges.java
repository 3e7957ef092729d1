package io.mcpauth.core.gate;

import io.mcpauth.core.config.AgentConfig;
import java.net.URI;
import java.util.List;

/**
 * Every denial the gate can answer, built once at start-up: RFC 6750 §3 challenges that always
 * carry {@code resource_metadata} (RFC 9728 §5.1) and, when scopes are required, {@code scope}.
 * Nothing from the request is ever reflected into a header or body.
 */
final class Challenges {

  final Reply noToken;
  final Reply malformedRequest;
  final Reply invalidToken;
  final Reply insufficientScope;
  final Reply unavailable;
  /** A derived (loopback) resource and a request whose Host names no loopback origin. */
  static final Reply MISDIRECTED = new Reply(421, new String[] {"Cache-Control", "no-store"},
      body("invalid_request", "This server answers only on a loopback origin; set mcpauth.resource to serve others"));

  private final String metadata;
  private final String scopePrefix;

  /** {@code scopePrefix} is put before each scope named to the client ({@code mcpauth.scopes.advertised-prefix}). */
  Challenges(URI resource, List<String> scopes, String scopePrefix) {
    this.scopePrefix = scopePrefix;
    metadata = "resource_metadata=\"" + AgentConfig.protectedResourceMetadataUrl(resource) + "\"";
    String scope = scopes.isEmpty() ? "" : ", scope=\"" + advertised(scopes) + "\"";
    noToken = reply(401, "Bearer " + metadata + scope, "unauthorized",
        "An access token is required in the Authorization header");
    malformedRequest = reply(400, "Bearer error=\"invalid_request\", " + metadata, "invalid_request",
        "The Authorization header is malformed");
    invalidToken = reply(401, "Bearer error=\"invalid_token\", error_description=\"The access token is invalid\", "
        + metadata + scope, "invalid_token", "The access token is invalid");
    insufficientScope = reply(403, "Bearer error=\"insufficient_scope\", " + metadata + scope,
        "insufficient_scope", "The access token lacks a required scope");
    unavailable = UNAVAILABLE;
  }

  /**
   * RS-11: the 403 for an operation whose scope rules the token does not meet, naming in one
   * {@code scope} parameter every scope the operation needs (MCP 2026-07-28, Scope Challenge
   * Handling), so that one re-authorization is enough. The scopes come from the configuration.
   */
  Reply insufficientScope(List<String> needed) {
    return reply(403, "Bearer error=\"insufficient_scope\", scope=\"" + advertised(needed) + "\", " + metadata,
        "insufficient_scope", "The access token lacks a scope this operation needs");
  }

  /** The scopes as the client asks its authorization server for them, space separated. */
  private String advertised(List<String> scopes) {
    if (scopePrefix.isEmpty() || scopes.isEmpty()) {
      return String.join(" ", scopes);
    }
    return scopePrefix + String.join(" " + scopePrefix, scopes);
  }

  /** A body the gate will not pass to the server: 400, 413 or 415 with the peek's fixed reason. */
  static Reply unreadableBody(int status, String reason) {
    return new Reply(status, new String[] {"Cache-Control", "no-store"}, body("invalid_request", reason));
  }

  /** RS-18: a browser page of another origin (DNS rebinding, cross-site requests). No challenge: no token helps. */
  static final Reply FORBIDDEN_ORIGIN = new Reply(403, new String[] {"Cache-Control", "no-store"},
      body("invalid_request", "The Origin of this request is not allowed"));

  static final Reply SESSION_NOT_FOUND = new Reply(404, new String[] {"Cache-Control", "no-store"},
      body("invalid_request", "Session not found"));

  /**
   * A session named twice: two {@code Mcp-Session-Id} fields, or {@code sessionId} given more than once
   * in any spelling the container decodes to that name. Which one the transport would use is not the
   * gate's to guess.
   */
  static final Reply AMBIGUOUS_SESSION = new Reply(400, new String[] {"Cache-Control", "no-store"},
      body("invalid_request", "The request names its session more than once"));

  /** Two Origin fields: the Origin check could judge one and a later reader see the other. */
  static final Reply AMBIGUOUS_ORIGIN = new Reply(400, new String[] {"Cache-Control", "no-store"},
      body("invalid_request", "The request has more than one Origin header"));

  /**
   * A method the transport servlet would answer without any of its gated entry points (TRACE, which
   * {@code HttpServlet} answers by echoing every request header, OPTIONS, or one it does not know).
   */
  static Reply methodNotAllowed(String allow) {
    return new Reply(405, new String[] {"Allow", allow, "Cache-Control", "no-store"},
        body("invalid_request", "This method is not allowed on the MCP endpoint"));
  }

  static final Reply UNAVAILABLE = new Reply(503, new String[] {"Retry-After", "5"},
      body("temporarily_unavailable", "The authorization server is not available"));

  /** Something threw inside the check: nothing is known about the authorization server. */
  static final Reply CHECK_FAILED = new Reply(503, new String[] {"Cache-Control", "no-store"},
      body("temporarily_unavailable", "The authorization check failed; the server's log says why"));

  /**
   * A transport whose shape the agent does not recognise: no retry helps, and the authorization
   * server has nothing to do with it. The server's log names the class, its SDK version and what is missing.
   */
  static final Reply TRANSPORT_UNRECOGNISED = new Reply(503, new String[] {"Cache-Control", "no-store"},
      body("server_error", "This MCP endpoint's transport is one the authorization agent does not recognise,"
          + " so it refuses every request to it; the server's log names the transport and its SDK version"));

  private static Reply reply(int status, String challenge, String error, String description) {
    return new Reply(status, new String[] {"WWW-Authenticate", challenge, "Cache-Control", "no-store"},
        body(error, description));
  }

  private static String body(String error, String description) {
    return "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
  }
}
