package io.mcpauth.core.authserver;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How the browser endpoints answer. Until the client and its redirect URI are validated, every
 * problem is an error page and nothing redirects (AS-SEC-04, 05, 06); after that, the outcome goes
 * back to the client's redirect URI with {@code state} and {@code iss} (AS-SEC-07, RFC 9207).
 */
final class AuthorizationResponses {

  private final String issuer;
  private final String basePath;

  AuthorizationResponses(String issuer) {
    this.issuer = issuer;
    String issuerPath = URI.create(issuer).getRawPath();
    this.basePath = issuerPath == null ? "" : issuerPath;
  }

  /** The path of one of the server's endpoints, under the issuer's path. */
  String path(String endpoint) {
    return basePath + endpoint;
  }

  void errorPage(Exchange exchange, int status, String title, String message) throws IOException {
    exchange.page(status, Pages.error(title, message));
  }

  void signInExpired(Exchange exchange) throws IOException {
    errorPage(exchange, 403, "Sign-in expired", "This sign-in is no longer valid. Start again from your application.");
  }

  void redirectCode(Exchange exchange, AuthorizationRequest request, String code) throws IOException {
    redirect(exchange, request.redirectUri(), "code=" + encode(code), request.state());
  }

  void redirectError(Exchange exchange, String redirectUri, String state, String error, String description)
      throws IOException {
    redirect(exchange, redirectUri, "error=" + encode(error) + "&error_description=" + encode(description), state);
  }

  private void redirect(Exchange exchange, String redirectUri, String outcome, String state) throws IOException {
    StringBuilder location = new StringBuilder(redirectUri);
    location.append(redirectUri.contains("?") ? '&' : '?').append(outcome);
    if (state != null) {
      location.append("&state=").append(encode(state));
    }
    location.append("&iss=").append(encode(issuer));
    exchange.seeOther(location.toString());
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
