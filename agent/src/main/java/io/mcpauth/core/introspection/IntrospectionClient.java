package io.mcpauth.core.introspection;

import io.mcpauth.core.config.IntrospectionSettings;
import io.mcpauth.core.keys.HttpFetcher;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Asks one authorization server's RFC 7662 endpoint about a token, as a confidential client
 * authenticated with HTTP Basic. The token is form-encoded (§2.1), so nothing in it can add or
 * replace a parameter (RS-SEC-55). Neither the token nor the secret ever appears in an exception.
 */
final class IntrospectionClient {

  private final URI endpoint;
  private final String authorization;
  private final HttpFetcher fetcher;

  IntrospectionClient(IntrospectionSettings settings, HttpFetcher fetcher) {
    this.endpoint = settings.endpoint();
    // RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined for Basic.
    String pair = formEncode(settings.clientId()) + ":" + formEncode(settings.clientSecret());
    this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    this.fetcher = fetcher;
  }

  URI endpoint() {
    return endpoint;
  }

  /** The body of the endpoint's 200 answer; an IOException for anything else (transport, status, size, deadline). */
  String introspect(String token) throws IOException {
    return fetcher.postForm(endpoint, form(token), authorization);
  }

  static String form(String token) {
    return "token=" + formEncode(token) + "&token_type_hint=access_token";
  }

  private static String formEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "IntrospectionClient[" + endpoint + "]";
  }
}
