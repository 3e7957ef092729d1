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

  /** The server cannot fetch a document now; the request may be repeated (RFC 6749 §4.1.2.1). */
  public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

  private final String error;
  private final long retryAfterSeconds;

  public ClientMetadataException(String error, String description) {
    this(error, description, null);
  }

  /** {@code cause} is for the operator's log (a TLS or socket failure); it never reaches the client. */
  public ClientMetadataException(String error, String description, Throwable cause) {
    this(error, description, cause, 0);
  }

  private ClientMetadataException(String error, String description, Throwable cause, long retryAfterSeconds) {
    // Refusals are an expected, attacker-driven path: no stack trace to fill.
    super(description, cause, false, false);
    this.error = error;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * Refused for now, not for good: too many document fetches are in flight. The answer is 503 with
   * {@code Retry-After}, never {@code invalid_client}, which a client could take as its registration
   * being void.
   */
  public static ClientMetadataException busy(String description, long retryAfterSeconds) {
    return new ClientMetadataException(TEMPORARILY_UNAVAILABLE, description, null, retryAfterSeconds);
  }

  public String error() {
    return error;
  }

  /** Seconds after which a {@link #busy} request may be repeated; 0 for every other refusal. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public String description() {
    return getMessage();
  }
}
