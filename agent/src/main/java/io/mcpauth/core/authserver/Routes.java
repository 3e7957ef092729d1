package io.mcpauth.core.authserver;

import io.mcpauth.core.logging.LogText;
import com.sun.net.httpserver.HttpExchange;
import io.mcpauth.core.authserver.store.SigningKeys;
import io.mcpauth.core.logging.AgentLog;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;

/** Which endpoint answers a request: exact paths under the issuer's path, and the well-known metadata. */
final class Routes {

  /** Endpoints that browser-based clients (the MCP Inspector) call across origins; none uses cookies. */
  private static final String[] CORS = {"Access-Control-Allow-Origin", "*"};

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

  Routes(String issuer, AuthServerMetadata metadata, SigningKeys keys, AuthorizationEndpoint authorization,
      TokenEndpoint token, RegistrationEndpoint registration, RevocationEndpoint revocation,
      IntrospectionEndpoint introspection, Clock clock) {
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
    Exchange exchange = new Exchange(httpExchange);
    try {
      route(exchange, exchange.path(), exchange.method());
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
    }
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
