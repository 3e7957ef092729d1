package io.mcpauth.core.authserver.clients;

/**
 * Client metadata the authorization server refuses: from a registration request (RFC 7591 §3.2.2)
 * or a Client ID Metadata Document. {@link #error()} is the OAuth error code to answer with;
 * {@link #description()} is fit for {@code error_description} (RFC 6749 §5.2 characters only) and
 * never repeats a submitted value, so it can be shown and logged as it is.
 */
public final class ClientMetadataException extends Exception {

  public static final String INVALID_REDIRECT_URI = "invalid_redirect_uri";
  public static final String INVALID_CLIENT_METADATA = "invalid_client_metadata";
  public static final String INVALID_CLIENT = "invalid_client";
  public static final String INVALID_REQUEST = "invalid_request";

  private final String error;

  public ClientMetadataException(String error, String description) {
    this(error, description, null);
  }

  /** {@code cause} is for the operator's log (a TLS or socket failure); it never reaches the client. */
  public ClientMetadataException(String error, String description, Throwable cause) {
    // Refusals are an expected, attacker-driven path: no stack trace to fill.
    super(description, cause, false, false);
    this.error = error;
  }

  public String error() {
    return error;
  }

  public String description() {
    return getMessage();
  }
}
