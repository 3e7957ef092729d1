package io.mcpauth.core.authserver.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS server on 127.0.0.1 that answers each connection with raw bytes chosen by the test, so
 * that every framing (Content-Length, chunked, end of connection, a drip) can be produced. Its
 * certificate is made at test time with the JDK's keytool, for {@link #NAMES}; {@link #clientFactory()}
 * trusts that certificate only.
 */
final class TlsTestServer implements AutoCloseable {

  /** Writes the response to one request; {@code requestHead} is the request line and fields. */
  @FunctionalInterface
  interface Handler {
    void respond(String requestHead, OutputStream out) throws IOException, InterruptedException;
  }

  static final List<String> NAMES = List.of("client.example.com", "rebind.example.com", "client.example");
  private static final char[] PASSWORD = "test-only".toCharArray();
  private static KeyStore keyStore;

  private final SSLServerSocket serverSocket;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile Handler handler = (request, out) -> out.write(response(404, "").getBytes(StandardCharsets.UTF_8));

  TlsTestServer() throws IOException, GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore(), PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    serverSocket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "tls-test-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  void handler(Handler handler) {
    this.handler = handler;
  }

  /** Forgets the requests and connections seen so far. */
  void reset() {
    requests.clear();
    connections.set(0);
  }

  /** Request heads received, in order. */
  List<String> requests() {
    return requests;
  }

  int connections() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    serverSocket.close();
  }

  /** A client factory that trusts this server's certificate and nothing else. */
  static SSLSocketFactory clientFactory() throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("test-server", keyStore().getCertificate("server"));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context.getSocketFactory();
  }

  /** A complete response with Content-Length. */
  static String response(int status, String body, String... fields) {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Test\r\n");
    for (String field : fields) {
      head.append(field).append("\r\n");
    }
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    return head + "Content-Length: " + length + "\r\nConnection: close\r\n\r\n" + body;
  }

  private void accept() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        connections.incrementAndGet();
        Thread worker = new Thread(() -> serve((SSLSocket) socket), "tls-test-connection");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      String head = readHead(socket.getInputStream());
      requests.add(head);
      OutputStream out = socket.getOutputStream();
      handler.respond(head, out);
      out.flush();
    } catch (IOException | InterruptedException e) {
      // the client hung up (deadline, size cap, refused certificate): expected in these tests
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (head.size() < 16_384) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      String text = head.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
    throw new IOException("no complete request head");
  }

  /** Made once per test JVM: an EC key and a self-signed certificate for {@link #NAMES}. */
  private static synchronized KeyStore keyStore() throws IOException, GeneralSecurityException {
    if (keyStore != null) {
      return keyStore;
    }
    Path directory = Files.createTempDirectory("mcpauth-tls-test");
    Path file = directory.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + NAMES.get(0), "-ext", "SAN=" + String.join(",", NAMES.stream().map(n -> "dns:" + n).toList()),
        "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true)
        .start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    Files.delete(file);
    Files.delete(directory);
    keyStore = store;
    return store;
  }
}
