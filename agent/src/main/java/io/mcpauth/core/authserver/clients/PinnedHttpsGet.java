package io.mcpauth.core.authserver.clients;

import io.mcpauth.core.authserver.clients.HttpResponseReader.Head;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTPS GET to addresses that were checked before, never to a second DNS answer (AS-C8: a
 * rebinding name cannot swap a private address in between check and connect). TLS still verifies
 * the certificate against the URL's host name (sent as SNI too), and the Host field is the URL's
 * authority, so the server sees an ordinary request for the URL. One overall deadline covers
 * connect, handshake and read: a server that drips its answer a byte at a time is cut off.
 */
final class PinnedHttpsGet {

  /** Opens the TCP connection; tests put one in that never leaves the machine. */
  @FunctionalInterface
  interface Connector {
    Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException;
  }

  static final Connector DIRECT = (address, timeoutMillis) -> {
    Socket socket = new Socket();
    try {
      socket.connect(address, timeoutMillis);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  };

  /** The response head, and the body when the status is 200 (other bodies are never read). */
  record Response(Head head, byte[] body) {}

  private final Supplier<SSLSocketFactory> tlsFactory;
  private final Connector connector;

  /**
   * @param tlsFactory called at the first fetch: the JDK's default TLS context loads the trust store,
   *     hundreds of milliseconds that must not be spent at the host application's start-up
   */
  PinnedHttpsGet(Supplier<SSLSocketFactory> tlsFactory, Connector connector) {
    this.tlsFactory = tlsFactory;
    this.connector = connector;
  }

  /** GETs {@code url} from the first of {@code addresses} that accepts a connection. */
  Response get(URI url, List<InetAddress> addresses, int maxBytes, long deadlineNanos) throws IOException {
    String host = unbracketed(url.getHost());
    int port = url.getPort() < 0 ? 443 : url.getPort();
    try (Socket tcp = connect(addresses, port, deadlineNanos)) {
      // Read timeouts restart with every byte; closing the socket at the deadline does not. The close
      // runs on the JDK's delay-scheduler thread itself, not in a pool the host application may keep busy.
      CompletableFuture.delayedExecutor(remainingMillis(deadlineNanos), TimeUnit.MILLISECONDS, Runnable::run)
          .execute(() -> closeQuietly(tcp));
      tcp.setSoTimeout(remainingMillis(deadlineNanos));
      tcp.setTcpNoDelay(true); // a request written right after the handshake need not wait for a delayed ACK
      try (SSLSocket tls = (SSLSocket) tlsFactory.get().createSocket(tcp, host, port, true)) {
        tls.setSSLParameters(verifyingHost(tls.getSSLParameters(), host));
        tls.startHandshake();
        OutputStream out = tls.getOutputStream();
        out.write(request(url));
        out.flush();
        HttpResponseReader reader = new HttpResponseReader(new BufferedInputStream(tls.getInputStream()));
        Head head = reader.head();
        return new Response(head, head.status() == 200 ? reader.body(head, maxBytes) : null);
      }
    }
  }

  private Socket connect(List<InetAddress> addresses, int port, long deadlineNanos) throws IOException {
    IOException failure = new IOException("no address to connect to");
    for (InetAddress address : addresses) {
      try {
        return connector.connect(new InetSocketAddress(address, port), remainingMillis(deadlineNanos));
      } catch (IOException e) {
        failure = e;
      }
    }
    throw failure;
  }

  /** RFC 6125 host name check on the certificate (the "HTTPS" algorithm) and SNI for a host name. */
  private static SSLParameters verifyingHost(SSLParameters parameters, String host) {
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!host.contains(":") && IpLiterals.parse(host) == null) {
      parameters.setServerNames(List.of(new SNIHostName(host))); // RFC 6066 §3: never an IP literal
    }
    return parameters;
  }

  private static byte[] request(URI url) {
    String target = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    String request = "GET " + target + " HTTP/1.1\r\n"
        + "Host: " + url.getRawAuthority() + "\r\n"
        + "Accept: application/json\r\n"
        + "User-Agent: mcpauth\r\n"
        + "Connection: close\r\n"
        + "\r\n";
    return request.getBytes(StandardCharsets.US_ASCII);
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  private static int remainingMillis(long deadlineNanos) throws IOException {
    // Rounded up: a timeout or close a fraction of a millisecond before the deadline would be
    // reported as a failed fetch instead of a late one.
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime() + 999_999);
    if (remaining <= 0) {
      throw new HttpResponseReader.BadResponseException("the deadline passed");
    }
    return (int) Math.min(remaining, Integer.MAX_VALUE);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing only to interrupt a read that outlived the deadline
    }
  }
}
