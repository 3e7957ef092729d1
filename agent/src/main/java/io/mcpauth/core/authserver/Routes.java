package io.mcpauth.core.authserver;

import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.audit.AuditEvent;
import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.audit.TraceParent;
import io.mcpauth.core.denial.AuthServerReason;
import io.mcpauth.core.logging.LogText;
import com.sun.net.httpserver.HttpExchange;
import io.mcpauth.core.authserver.store.SigningKeys;
import io.mcpauth.core.authserver.store.StoreWriteException;
import io.mcpauth.core.logging.AgentLog;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;

/** Which endpoint answers a request: exact paths under the issuer's path, and the well-known metadata. */
final class Routes {

  /** Endpoints that browser-based clients (the MCP Inspector) call across origins; none uses cookies. */
  private static final String[] CORS = {"Access-Control-Allow-Origin", "*"};

  /** A full disk or a read-only directory is an operator's fix, not a matter of seconds. */
  private static final long STORAGE_RETRY_AFTER_SECONDS = 30;

  private final String base;
  private final String metadataPath;
  private final AuthServerMetadata metadata;
  private final SigningKeys keys;
  private final AuthorizationEndpoint authorization;
  private final TokenEndpoint token;
  private final RegistrationEndpoint registration;
  private final RevocationEndpoint revocation;
  private final IntrospectionEndpoint introspection;
  private final Clock clock;
  private final String issuer;
  private final AuditEvents audit;

  Routes(String issuer, AuthServerMetadata metadata, SigningKeys keys, AuthorizationEndpoint authorization,
      TokenEndpoint token, RegistrationEndpoint registration, RevocationEndpoint revocation,
      IntrospectionEndpoint introspection, Clock clock, AuditEvents audit) {
    this.issuer = issuer;
    this.audit = audit;
    String issuerPath = URI.create(issuer).getRawPath();
    this.base = issuerPath == null ? "" : issuerPath;
    // RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
    this.metadataPath = "/.well-known/oauth-authorization-server" + base;
    this.metadata = metadata;
    this.keys = keys;
    this.authorization = authorization;
    this.token = token;
    this.registration = registration;
    this.revocation = revocation;
    this.introspection = introspection;
    this.clock = clock;
  }

  void dispatch(HttpExchange httpExchange) throws IOException {
    long started = System.nanoTime();
    Exchange exchange = new Exchange(httpExchange);
    try {
      AuditAction action = auditAction(exchange.path(), exchange.method());
      exchange.audit(action);
      if (action != null && audit.recordsAdmissions() && audit.unavailable()) {
        // Block mode: what cannot be recorded is not done (see the gate's audit_unavailable).
        exchange.auditReason(AuthServerReason.AUDIT_UNAVAILABLE);
        exchange.error(OAuthError.temporarilyUnavailable("the audit trail cannot be written", 5));
        return;
      }
      route(exchange, exchange.path(), exchange.method());
    } catch (StoreWriteException e) {
      // Logged once per outage by the store; the request changed nothing, and may be retried.
      if (!exchange.sent()) {
        storageUnavailable(exchange);
      }
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      AgentLog.error("authorization server: {} {} failed", exchange.method(),
          LogText.printable(exchange.path()), e);
      if (!exchange.sent()) {
        exchange.json(500, Map.of("error", "server_error", "error_description", "internal error"),
            "Cache-Control", "no-store");
      }
    } finally {
      httpExchange.close();
      publish(exchange, started);
    }
  }

  /** The audit event a request to {@code path} is, or null for one that is none (metadata, keys, pages). */
  private AuditAction auditAction(String path, String method) {
    if (path.equals(base + UpstreamSignIn.CALLBACK) && method.equals("GET")) {
      return AuditAction.AS_LOGIN;
    }
    if (!method.equals("POST")) {
      return null;
    }
    if (path.equals(base + "/token")) {
      return AuditAction.AS_TOKEN;
    } else if (path.equals(base + "/login")) {
      return AuditAction.AS_LOGIN;
    } else if (path.equals(base + "/consent")) {
      return AuditAction.AS_CONSENT;
    } else if (path.equals(base + "/register") && registration != null) {
      return AuditAction.AS_REGISTER;
    } else if (path.equals(base + "/revoke")) {
      return AuditAction.AS_REVOKE;
    }
    return null;
  }

  private void publish(Exchange exchange, long started) {
    AuditAction action = exchange.auditAction();
    if (action == null) {
      return;
    }
    AuditEvent event = AuditEvent.now(action)
        .request(exchange.clientAddress(), exchange.method(), exchange.path())
        .status(exchange.status())
        .duration(System.nanoTime() - started)
        .caller(exchange.auditUser(), exchange.auditClient(), issuer, null)
        .traceId(TraceParent.traceId(exchange.header("traceparent")));
    String reason = exchange.auditReason();
    if (reason != null) {
      event.failure(reason);
    }
    audit.publish(event);
  }

  private void route(Exchange exchange, String path, String method) throws IOException {
    if (method.equals("OPTIONS") && isCors(path)) {
      exchange.addHeader("Access-Control-Allow-Origin", "*");
      exchange.addHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      exchange.addHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version");
      exchange.addHeader("Access-Control-Max-Age", "600");
      exchange.status(204);
      return;
    }
    if (path.equals(metadataPath)) {
      if (allow(exchange, method, "GET")) {
        exchange.jsonText(200, metadata.document(), withCors("Cache-Control", "max-age=300"));
      }
    } else if (path.equals(base + "/jwks")) {
      if (allow(exchange, method, "GET")) {
        exchange.jsonText(200, keys.jwks(clock.instant().getEpochSecond()), withCors("Cache-Control", "max-age=60"));
      }
    } else if (path.equals(base + "/authorize")) {
      if (allow(exchange, method, "GET", "POST")) {
        authorization.authorize(exchange);
      }
    } else if (path.equals(base + "/login")) {
      if (allow(exchange, method, "POST")) {
        authorization.login(exchange);
      }
    } else if (path.equals(base + UpstreamSignIn.CALLBACK)) {
      if (allow(exchange, method, "GET")) {
        authorization.upstreamCallback(exchange);
      }
    } else if (path.equals(base + "/consent")) {
      if (allow(exchange, method, "GET", "POST")) {
        authorization.consent(exchange);
      }
    } else if (path.equals(base + "/token")) {
      if (allow(exchange, method, "POST")) {
        corsHeaders(exchange);
        token.handle(exchange);
      }
    } else if (path.equals(base + "/register") && registration != null) {
      if (allow(exchange, method, "POST")) {
        corsHeaders(exchange);
        registration.handle(exchange);
      }
    } else if (path.equals(base + "/revoke")) {
      if (allow(exchange, method, "POST")) {
        corsHeaders(exchange);
        revocation.handle(exchange);
      }
    } else if (path.equals(base + "/introspect")) {
      if (allow(exchange, method, "POST")) {
        introspection.handle(exchange);
      }
    } else {
      exchange.json(404, Map.of("error", "not_found"), "Cache-Control", "no-store");
    }
  }

  /** 503: JSON for clients, a page for the browser endpoints. */
  private void storageUnavailable(Exchange exchange) throws IOException {
    exchange.auditReason(AuthServerReason.STORAGE_UNAVAILABLE);
    String path = exchange.path();
    if (path.equals(base + "/authorize") || path.equals(base + "/login") || path.equals(base + "/consent")
        || path.equals(base + UpstreamSignIn.CALLBACK)) {
      exchange.addHeader("Retry-After", Long.toString(STORAGE_RETRY_AFTER_SECONDS));
      exchange.page(503, Pages.error("Please try again shortly",
          "The server cannot save this sign-in right now. Start again from your application in a minute."));
    } else {
      exchange.error(OAuthError.temporarilyUnavailable("storage unavailable: the authorization server cannot save "
          + "this change right now; retry later", STORAGE_RETRY_AFTER_SECONDS));
    }
  }

  private boolean isCors(String path) {
    return path.equals(metadataPath) || path.equals(base + "/jwks") || path.equals(base + "/token")
        || path.equals(base + "/register") || path.equals(base + "/revoke");
  }

  private static void corsHeaders(Exchange exchange) {
    exchange.addHeader(CORS[0], CORS[1]);
  }

  private static String[] withCors(String name, String value) {
    return new String[] {CORS[0], CORS[1], name, value};
  }

  private static boolean allow(Exchange exchange, String method, String... allowed) throws IOException {
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return true;
      }
    }
    exchange.addHeader("Allow", String.join(", ", allowed));
    exchange.json(405, Map.of("error", "invalid_request", "error_description", "method not allowed"),
        "Cache-Control", "no-store");
    return false;
  }
}
