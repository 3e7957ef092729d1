package io.mcpauth.core.config;

import java.net.URI;

/**
 * How the agent introspects (RFC 7662) the tokens of one issuer: the endpoint and this resource
 * server's client credentials, sent with HTTP Basic ({@code client_secret_basic}).
 */
public record IntrospectionSettings(URI endpoint, String clientId, String clientSecret) {

  @Override
  public String toString() {
    // The secret never reaches a log line through this record, nor through the records holding it.
    return "IntrospectionSettings[endpoint=" + endpoint + ", clientId=" + clientId + "]";
  }
}
