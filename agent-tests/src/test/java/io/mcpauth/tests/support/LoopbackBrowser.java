package io.mcpauth.tests.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A browser at a chosen loopback source address (127.0.0.2, 127.0.0.3...), for tests of limits
 * kept per client address: the JDK's HttpClient cannot bind its local address before Java 19. It
 * speaks HTTP/1.1 over one keep-alive connection from that address to the server on 127.0.0.1,
 * and keeps the one session cookie it is given, unless made {@link #cookieless()}.
 */
public final class LoopbackBrowser implements AutoCloseable {

  /** One response: status, headers (names lower-cased) and body. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }

  private final String host;
  private final int port;
  private final InetAddress source;
  private final boolean keepsCookies;
  private String cookie;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private LoopbackBrowser(String issuer, InetAddress source, boolean keepsCookies) {
    URI uri = URI.create(issuer);
    this.host = uri.getHost() + ":" + uri.getPort();
    this.port = uri.getPort();
    this.source = source;
    this.keepsCookies = keepsCookies;
  }

  /** A browser at {@code sourceAddress} (a 127.x.y.z literal) for the server of {@code issuer}. */
  public static LoopbackBrowser at(String issuer, String sourceAddress) {
    try {
      return new LoopbackBrowser(issuer, InetAddress.getByName(sourceAddress), true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same address, never sending or keeping a cookie: each request looks like a new browser. */
  public LoopbackBrowser cookieless() {
    return new LoopbackBrowser("http://" + host, source, false);
  }

  /** GET of a path with its query, e.g. {@code /authorize?...}. */
  public Response get(String pathAndQuery) {
    return exchange("GET " + pathAndQuery + " HTTP/1.1\r\n", null);
  }

  public Response postForm(String path, Map<String, String> form) {
    return exchange("POST " + path + " HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n",
        OAuthDriver.encode(form).getBytes(StandardCharsets.UTF_8));
  }

  /** Follows a 303 to a path of the same server. */
  public Response follow(Response seeOther) {
    String location = seeOther.header("Location");
    if (seeOther.status() != 303 || location == null) {
      throw new AssertionError("expected a 303, got " + seeOther.status() + "\n" + seeOther.body());
    }
    URI uri = URI.create(location);
    return get(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }

  private Response exchange(String requestLine, byte[] body) {
    StringBuilder head = new StringBuilder(requestLine).append("Host: ").append(host).append("\r\n");
    if (keepsCookies && cookie != null) {
      head.append("Cookie: ").append(cookie).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    while (true) {
      boolean reused = socket != null;
      try {
        connect();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
          out.write(body);
        }
        out.flush();
        Response response = read();
        if (keepsCookies) {
          for (String setCookie : response.headers().getOrDefault("set-cookie", List.of())) {
            cookie = setCookie.split(";", 2)[0].trim();
          }
        }
        if ("close".equalsIgnoreCase(response.header("Connection"))) {
          close();
        }
        return response;
      } catch (IOException e) {
        close();
        if (!reused) {
          throw new IllegalStateException("HTTP from " + source.getHostAddress() + " failed", e);
        }
        // the server had closed the idle keep-alive connection: again on a new one
      }
    }
  }

  private void connect() throws IOException {
    if (socket != null) {
      return;
    }
    Socket opened = new Socket();
    opened.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
    opened.setTcpNoDelay(true);
    opened.bind(new InetSocketAddress(source, 0));
    opened.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket = opened;
    in = new BufferedInputStream(opened.getInputStream());
    out = opened.getOutputStream();
  }

  private Response read() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
    if (encoding.stream().anyMatch(e -> e.equalsIgnoreCase("chunked"))) {
      for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
          size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
        content.write(in.readNBytes(size));
        line();
      }
      for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
        // trailers are not used
      }
    } else {
      List<String> length = headers.getOrDefault("content-length", List.of("0"));
      int expected = Integer.parseInt(length.get(0));
      byte[] bytes = in.readNBytes(expected);
      if (bytes.length < expected) {
        throw new IOException("a short body");
      }
      content.write(bytes);
    }
    return new Response(status, headers, content.toString(StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
