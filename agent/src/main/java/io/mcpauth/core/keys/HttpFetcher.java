package io.mcpauth.core.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fetches small JSON documents (authorization-server metadata, JWKS, introspection responses) with
 * hard bounds: a deadline for connect plus read, a size cap, status 200 only, and no redirects.
 * jose4j's own fetcher follows redirects and waits 20 s three times, so it is not used. Exceptions name the URL and the status, never a request or response body.
 */
public final class HttpFetcher {

  /** A response other than 200: the status says whether the request or the server is at fault. */
  public static final class StatusException extends IOException {
    private final int status;

    StatusException(int status, URI uri) {
      super("HTTP " + status + " from " + uri);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** The host application's default Authenticator must never be asked for credentials for our requests. */
  private static final Authenticator NO_AUTHENTICATOR = new Authenticator() {};

  private final Duration timeout;
  private final int maxBytes;

  public HttpFetcher(Duration timeout, int maxBytes) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
  }

  public String get(URI uri) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpURLConnection connection = open(uri);
    try {
      return body(connection, deadline, uri);
    } finally {
      connection.disconnect();
    }
  }

  /**
   * POSTs an {@code application/x-www-form-urlencoded} body with an {@code Authorization} header
   * (RFC 7662 §2.1; none when null: a public client) and returns the body of the 200 answer, under
   * the same bounds as {@link #get}.
   */
  public String postForm(URI uri, String form, String authorization) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] bytes = form.getBytes(StandardCharsets.US_ASCII);
    HttpURLConnection connection = open(uri);
    try {
      connection.setRequestMethod("POST");
      if (authorization != null) {
        connection.setRequestProperty("Authorization", authorization);
      }
      connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(bytes.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(bytes);
      }
      return body(connection, deadline, uri);
    } finally {
      connection.disconnect();
    }
  }

  private HttpURLConnection open(URI uri) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setAuthenticator(NO_AUTHENTICATOR);
    connection.setConnectTimeout((int) timeout.toMillis());
    connection.setReadTimeout((int) timeout.toMillis());
    connection.setRequestProperty("Accept", "application/json");
    return connection;
  }

  private String body(HttpURLConnection connection, long deadline, URI uri) throws IOException {
    int status = connection.getResponseCode();
    if (status != 200) {
      throw new StatusException(status, uri);
    }
    long declared = connection.getContentLengthLong();
    if (declared > maxBytes) {
      throw new IOException("document from " + uri + " is larger than " + maxBytes + " bytes");
    }
    return new String(readBounded(connection.getInputStream(), deadline, uri), StandardCharsets.UTF_8);
  }

  private byte[] readBounded(InputStream in, long deadline, URI uri) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        if (out.size() > maxBytes) {
          throw new IOException("document from " + uri + " is larger than " + maxBytes + " bytes");
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("document from " + uri + " took longer than " + timeout.toMillis() + " ms");
        }
      }
      return out.toByteArray();
    }
  }
}
