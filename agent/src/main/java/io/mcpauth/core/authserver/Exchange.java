package io.mcpauth.core.authserver;

import com.sun.net.httpserver.HttpExchange;
import io.mcpauth.core.audit.AuditAction;
import io.mcpauth.core.denial.AuthServerReason;
import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.text.Ascii;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One request to the authorization server and its one response. */
final class Exchange {

  /** Headers on every HTML page: no framing (AS-SEC-19), no caching, no referrer (AS-SEC-24). */
  private static final String[] PAGE_HEADERS = {
      "Content-Type", "text/html; charset=utf-8",
      "X-Frame-Options", "DENY",
      "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      "Cache-Control", "no-store",
      "Pragma", "no-cache",
      "Referrer-Policy", "no-referrer",
      "X-Content-Type-Options", "nosniff"};

  private final HttpExchange exchange;
  private boolean sent;
  private int status;
  private AuditAction auditAction;
  private String auditReason;
  private String auditUser;
  private String auditClient;

  Exchange(HttpExchange exchange) {
    this.exchange = exchange;
  }

  String method() {
    return exchange.getRequestMethod();
  }

  String path() {
    return exchange.getRequestURI().getRawPath();
  }

  String clientAddress() {
    return exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  List<String> headers(String name) {
    List<String> values = exchange.getRequestHeaders().get(name);
    return values == null ? List.of() : values;
  }

  boolean sent() {
    return sent;
  }

  /** The status sent; 0 before the response. */
  int status() {
    return status;
  }

  /** This request is an audit event of {@code action} (the token endpoint names a refresh, or a reuse). */
  void audit(AuditAction action) {
    this.auditAction = action;
  }

  /** Why the request failed, for its audit event; the first reason named stands. */
  void auditReason(AuthServerReason reason) {
    if (auditReason == null) {
      auditReason = reason.code();
    }
  }

  /** The user (a subject, or the username a sign-in named), for the audit event. */
  void auditUser(String user) {
    this.auditUser = user;
  }

  /** The client (authenticated, registered, or named by the transaction), for the audit event. */
  void auditClient(String clientId) {
    this.auditClient = clientId;
  }

  AuditAction auditAction() {
    return auditAction;
  }

  /** The reason named, or for a response with an error status without one, a generic one. */
  String auditReason() {
    if (auditReason == null && status >= 400) {
      return AuthServerReason.ofError(status, null);
    }
    return auditReason;
  }

  String auditUser() {
    return auditUser;
  }

  String auditClient() {
    return auditClient;
  }

  Parameters query() throws Parameters.MalformedException {
    return Parameters.parse(rawQuery());
  }

  String rawQuery() {
    return exchange.getRequestURI().getRawQuery();
  }

  /** An {@code application/x-www-form-urlencoded} body, at most {@code maxBytes}. */
  Parameters form(int maxBytes) throws OAuthError {
    String type = header("Content-Type");
    if (type == null || !Ascii.equalsIgnoreCase(Ascii.trim(type.split(";", -1)[0]), "application/x-www-form-urlencoded")) {
      throw OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded");
    }
    try {
      return Parameters.parse(body(maxBytes));
    } catch (Parameters.MalformedException e) {
      throw OAuthError.invalidRequest(e.getMessage());
    }
  }

  /** The body as UTF-8 text; 413 beyond {@code maxBytes}. */
  String body(int maxBytes) throws OAuthError {
    String length = header("Content-Length");
    if (length != null) {
      long declared = Ascii.parseDecimal(Ascii.trim(length), 18);
      if (declared < 0) {
        throw OAuthError.invalidRequest("Content-Length is not a number");
      }
      if (declared > maxBytes) {
        throw new OAuthError(413, "invalid_request", "the body is larger than " + maxBytes + " bytes");
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        if (out.size() > maxBytes) {
          throw new OAuthError(413, "invalid_request", "the body is larger than " + maxBytes + " bytes");
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw OAuthError.invalidRequest("the body could not be read");
    }
  }

  /** The value of a cookie, or null. */
  String cookie(String name) {
    for (String header : headers("Cookie")) {
      String value = cookieValue(header, name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The value of the first pair named {@code name} in one Cookie field, or null. */
  static String cookieValue(String header, String name) {
    for (String part : header.split(";")) {
      int equals = part.indexOf('=');
      if (equals > 0 && part.substring(0, equals).trim().equals(name)) {
        return part.substring(equals + 1).trim();
      }
    }
    return null;
  }

  void addHeader(String name, String value) {
    exchange.getResponseHeaders().add(name, value);
  }

  void json(int status, Object body, String... headers) throws IOException {
    jsonText(status, JsonWriter.write(body), headers);
  }

  /** A document that is already JSON text. */
  void jsonText(int status, String json, String... headers) throws IOException {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      addHeader(headers[i], headers[i + 1]);
    }
    addHeader("Content-Type", "application/json");
    send(status, json);
  }

  void error(OAuthError error) throws IOException {
    if (auditReason == null) {
      auditReason = AuthServerReason.ofError(error.status, error.error);
    }
    if (error.basicChallenge()) {
      addHeader("WWW-Authenticate", "Basic realm=\"mcpauth\"");
    }
    if (error.retryAfterSeconds() > 0) {
      addHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
    }
    json(error.status, error.json(), "Cache-Control", "no-store", "Pragma", "no-cache");
  }

  void page(int status, String html) throws IOException {
    for (int i = 0; i + 1 < PAGE_HEADERS.length; i += 2) {
      addHeader(PAGE_HEADERS[i], PAGE_HEADERS[i + 1]);
    }
    send(status, html);
  }

  /** 303 See Other: a POSTed form never becomes a POST to the next location (AS-SEC-23, RFC 9700 §4.12). */
  void seeOther(String location) throws IOException {
    addHeader("Location", location);
    addHeader("Cache-Control", "no-store");
    addHeader("Referrer-Policy", "no-referrer");
    send(303, "");
  }

  void status(int status) throws IOException {
    send(status, "");
  }

  private void send(int status, String body) throws IOException {
    sent = true;
    this.status = status;
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }
}
