package io.mcpauth.core.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fetches small JSON documents (authorization-server metadata, JWKS) with hard bounds: a deadline
 * for connect plus read, a size cap, status 200 only, and no redirects. jose4j's own fetcher
 * follows redirects and waits 20 s three times (security-corpus §0.7), so it is not used.
 */
public final class HttpFetcher {

  private final Duration timeout;
  private final int maxBytes;

  public HttpFetcher(Duration timeout, int maxBytes) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
  }

  public String get(URI uri) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    try {
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setRequestProperty("Accept", "application/json");
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new IOException("HTTP " + status + " from " + uri);
      }
      long declared = connection.getContentLengthLong();
      if (declared > maxBytes) {
        throw new IOException("document from " + uri + " is larger than " + maxBytes + " bytes");
      }
      return new String(readBounded(connection.getInputStream(), deadline, uri), StandardCharsets.UTF_8);
    } finally {
      connection.disconnect();
    }
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
